import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract';
import { decodeText, plainTextToPages } from './extract-text';

const portuguese =
  'O Balanced Scorecard traduz a estratégia da organização em objetivos, indicadores, metas e iniciativas. ' +
  'As quatro perspectivas são: financeira, clientes, processos internos e aprendizado e crescimento. ' +
  'Ação, coração, gestão, não, então, é, à, ê, ô, õ, ç, ú, í — “citação” com aspas.';

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM', () => {
    const bytes = new TextEncoder().encode(portuguese);
    expect(decodeText(bytes)).toEqual({ text: portuguese, encoding: 'UTF-8', guessed: false });
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(decodeText(withBom).text).toBe(portuguese);
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    const le = iconv.encode(portuguese, 'utf-16le', { addBOM: true });
    expect([le[0], le[1]]).toEqual([0xff, 0xfe]);
    expect(decodeText(le)).toEqual({ text: portuguese, encoding: 'UTF-16LE', guessed: false });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(portuguese, 'utf-16be')]);
    expect(decodeText(be).text).toBe(portuguese);
  });

  it('reads UTF-16 LE without a BOM', () => {
    const le = iconv.encode(portuguese, 'utf-16le');
    expect(decodeText(le).text).toBe(portuguese);
  });

  it('reads Windows-1252 text (curly quotes and dashes in 0x80–0x9F) with the accents right', () => {
    const bytes = iconv.encode(portuguese, 'windows-1252');
    expect(bytes.includes(0x93)).toBe(true); // “ is 0x93 in Windows-1252, invalid as UTF-8
    const decoded = decodeText(bytes);
    expect(decoded.text).toBe(portuguese);
    expect(decoded.guessed).toBe(true);
  });

  it('reads ISO-8859-1 text with the accents right', () => {
    const latin1 = portuguese.replace(/[“”—]/g, '"');
    const bytes = iconv.encode(latin1, 'latin1');
    expect(bytes.length).toBe(latin1.length);
    expect(decodeText(bytes).text).toBe(latin1);
  });

  it('reads a short Latin-1 line', () => {
    expect(decodeText(iconv.encode('Gestão de ações', 'latin1')).text).toBe('Gestão de ações');
  });
});

describe('plainTextToPages', () => {
  it('uses form feeds as page breaks, dropping trailing empty pages', () => {
    const pages = plainTextToPages('Página um.\fPágina dois.\f\f');
    expect(pages.map((p) => [p.pageNo, p.label, p.text])).toEqual([
      [1, '1', 'Página um.'],
      [2, '2', 'Página dois.'],
    ]);
  });

  it('cuts long text into ~3000-character parts at paragraph boundaries', () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Parágrafo ${i}. ${'Indicadores e metas do plano. '.repeat(8)}`.trim());
    const pages = plainTextToPages(paragraphs.join('\n\n'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const p of pages) {
      expect(p.text.length).toBeLessThan(3000 + 300);
      expect(p.text.startsWith('Parágrafo')).toBe(true);
    }
    expect(pages.map((p) => p.text).join('\n\n')).toBe(paragraphs.join('\n\n'));
  });
});

describe('extractDocument on text files', () => {
  it('extracts a Latin-1 .txt with accents and a warning that the encoding was guessed', async () => {
    const doc = await extractDocument(iconv.encode(`Plano estratégico\n\n${portuguese.replace(/[“”—]/g, '"')}`, 'latin1'), 'plano.txt');
    expect(doc).toMatchObject({ kind: 'text', mime: 'text/plain', pageCount: 1, title: 'Plano estratégico' });
    expect(doc.pages[0]?.text).toContain('organização');
    expect(doc.pages[0]?.text).toContain('gestão');
    expect(doc.warnings.join(' ')).toMatch(/guessed/);
  });

  it('extracts a UTF-16 .txt', async () => {
    const doc = await extractDocument(iconv.encode(portuguese, 'utf-16le', { addBOM: true }), 'notas.txt');
    expect(doc.pages[0]?.text).toBe(portuguese);
    expect(doc.warnings).toEqual([]);
  });

  it('refuses a .txt of only whitespace with NO_TEXT', async () => {
    await expect(extractDocument(new TextEncoder().encode(' \n\n\t '), 'vazio.txt')).rejects.toMatchObject({ code: 'NO_TEXT' });
  });
});
