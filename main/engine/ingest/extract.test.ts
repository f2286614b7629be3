import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import { detectKind, extractDocument } from './extract';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

async function onePagePdf(text: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText(text, { x: 50, y: 700, size: 12, font });
  return pdf.save();
}

describe('detectKind', () => {
  it('trusts the bytes before the name', async () => {
    const pdf = await onePagePdf('Gestão');
    expect(detectKind(pdf, 'notas.txt')).toBe('pdf');
    expect(detectKind(pdf, 'sem-extensao')).toBe('pdf');
    expect(detectKind(utf8('# Título'), 'x.md')).toBe('markdown');
    expect(detectKind(utf8('# Título'), 'x.Markdown')).toBe('markdown');
    expect(detectKind(utf8('texto'), 'x.TXT')).toBe('text');
  });

  it('takes PNG and JPEG as images (read by OCR), whatever their name', () => {
    expect(detectKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'grafico.pdf')).toBe('image');
    expect(detectKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'quadro.jpeg')).toBe('image');
  });

  it('refuses GIFs, old Office files and unknown extensions with UNSUPPORTED_TYPE and a useful message', () => {
    const gif = new TextEncoder().encode('GIF89a....');
    expect(() => detectKind(gif, 'grafico.pdf')).toThrow(/GIF image/);
    const doc = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    try {
      detectKind(doc, 'antigo.doc');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BscError);
      expect(err).toMatchObject({ code: 'UNSUPPORTED_TYPE', message: expect.stringMatching(/old Office file.*\.docx/) });
    }
    expect(() => detectKind(utf8('a,b\n1,2'), 'dados.csv')).toThrow(/not a supported type \(\.csv\)/);
  });
});

describe('extractDocument guards', () => {
  it('says EMPTY_FILE for zero bytes', async () => {
    await expect(extractDocument(new Uint8Array(0), 'vazio.pdf')).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });

  it('says TOO_LARGE above maxBytes, with the sizes', async () => {
    const bytes = utf8('x'.repeat(2048));
    await expect(extractDocument(bytes, 'grande.txt', { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      details: { bytes: 2048, maxBytes: 1024 },
    });
    await expect(extractDocument(bytes, 'grande.txt', { maxBytes: 2048 })).resolves.toMatchObject({ kind: 'text' });
  });

  it('says CANCELLED when the signal has already fired', async () => {
    await expect(extractDocument(utf8('texto'), 'a.txt', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(extractDocument(await onePagePdf('Gestão'), 'a.pdf', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses binary content behind a .txt name', async () => {
    const bytes = new Uint8Array(512).map((_, i) => (i * 37) % 256);
    await expect(extractDocument(bytes, 'dados.txt')).rejects.toMatchObject({ code: 'UNSUPPORTED_TYPE' });
  });

  it('extracts a PDF that arrived with a .txt name', async () => {
    const doc = await extractDocument(await onePagePdf('Gestão de ações estratégicas'), 'baixado.txt');
    expect(doc).toMatchObject({ kind: 'pdf', pageCount: 1 });
    expect(doc.pages[0]?.text).toBe('Gestão de ações estratégicas');
  });
});
