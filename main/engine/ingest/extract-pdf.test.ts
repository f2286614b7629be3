import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import { chunkPages } from './chunk';
import { extractDocument } from './extract';

/** Six A4 pages with roman-numbered front matter (i, ii) then 1..4, a running header and a page-number footer. */
async function portugueseReport(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Relatório do Balanced Scorecard');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const labels = ['i', 'ii', '1', '2', '3', '4'];
  const bodies: string[][] = [
    ['Sumário executivo da organização.', 'Apresentação do plano de gestão.'],
    ['Prefácio: a visão e a missão orientam as ações.'],
    ['1. Perspectiva financeira', '', 'A nova estraté-', 'gia prevê crescimento da receita', 'líquida e redução de custos.'],
    ['2. Perspectiva de clientes', '', 'A satisfação dos clientes é medida', 'pelo índice de recomendação (NPS).'],
    ['3. Processos internos', '', 'A empresa encontra-', 'se em fase de revisão dos processos', 'de produção e logística.'],
    ['4. Aprendizado e crescimento', '', 'Capacitação contínua das equipes e', 'retenção de talentos são prioridades.'],
  ];
  bodies.forEach((lines, i) => {
    const page = pdf.addPage([595, 842]);
    page.drawText('Relatório BSC 2025 — Empresa Exemplo', { x: 72, y: 800, size: 9, font });
    let y = 740;
    for (const line of lines) {
      if (line) page.drawText(line, { x: 72, y, size: 12, font });
      y -= line ? 15 : 15; // an empty entry leaves a blank line: a paragraph break
    }
    page.drawText(`Página ${labels[i]}`, { x: 280, y: 40, size: 9, font });
  });
  // /PageLabels: lower-case roman from page index 0, decimal from index 2 starting at 1.
  const ctx = pdf.context;
  pdf.catalog.set(PDFName.of('PageLabels'), ctx.obj({ Nums: [0, ctx.obj({ S: 'r' }), 2, ctx.obj({ S: 'D', St: 1 })] }));
  return pdf.save();
}

async function blankPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pages; i++) pdf.addPage().drawRectangle({ x: 50, y: 50, width: 200, height: 100 });
  return pdf.save();
}

describe('extractDocument on a Portuguese PDF with page labels', () => {
  it('keeps real page numbers and the PDF page labels', async () => {
    const progress: number[] = [];
    const doc = await extractDocument(await portugueseReport(), 'relatorio.pdf', { onProgress: (p) => progress.push(p.page) });
    expect(doc).toMatchObject({ kind: 'pdf', mime: 'application/pdf', pageCount: 6, title: 'Relatório do Balanced Scorecard', warnings: [] });
    expect(doc.pages.map((p) => [p.pageNo, p.label])).toEqual([
      [1, 'i'],
      [2, 'ii'],
      [3, '1'],
      [4, '2'],
      [5, '3'],
      [6, '4'],
    ]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gets the accents right, rejoins hyphenated words and keeps enclitic hyphens', async () => {
    const doc = await extractDocument(await portugueseReport(), 'relatorio.pdf');
    expect(doc.pages[0]?.text).toContain('Sumário executivo da organização.');
    expect(doc.pages[2]?.text).toContain('A nova estratégia prevê crescimento da receita');
    expect(doc.pages[3]?.text).toContain('A satisfação dos clientes é medida\npelo índice de recomendação (NPS).');
    expect(doc.pages[4]?.text).toContain('A empresa encontra-se em fase de revisão');
  });

  it('drops the running header and page-number footer, and marks paragraph breaks', async () => {
    const doc = await extractDocument(await portugueseReport(), 'relatorio.pdf');
    for (const p of doc.pages) {
      expect(p.text).not.toContain('Relatório BSC 2025');
      expect(p.text).not.toMatch(/Página/);
    }
    expect(doc.pages[2]?.text.startsWith('1. Perspectiva financeira\n\nA nova')).toBe(true);
  });

  it('gives chunks the real page numbers', async () => {
    const doc = await extractDocument(await portugueseReport(), 'relatorio.pdf');
    const chunks = chunkPages(doc.pages, { chunkChars: 120, overlapChars: 0 });
    const withNps = chunks.find((c) => c.text.includes('(NPS)'));
    expect(withNps?.pageStart).toBe(4);
    expect(doc.pages.find((p) => p.pageNo === withNps?.pageStart)?.label).toBe('2');
  });

  it('puts each cell of a table row under its column, even when a row skips a cell', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    const rows = [['Perspectiva', 'Indicador', 'Meta'], ['Financeira', 'ROI', '12%'], ['Clientes', '', '80%'], ['Processos', 'Prazo médio', '']];
    rows.forEach((r, i) => r.forEach((cell, j) => cell && page.drawText(cell, { x: 72 + j * 160, y: 720 - i * 16, size: 10, font })));
    const doc = await extractDocument(await pdf.save(), 'lacunas.pdf');
    expect(doc.pages[0]?.text).toBe(
      '| Perspectiva | Indicador | Meta |\n| --- | --- | --- |\n| Financeira | ROI | 12% |\n| Clientes |  | 80% |\n| Processos | Prazo médio |  |',
    );
  });

  it('rebuilds columns far apart on one line as a Markdown table that the chunker keeps whole', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    page.drawText('Indicadores e metas por perspectiva.', { x: 72, y: 760, size: 11, font });
    const rows = [['Indicador', 'Meta', 'Prazo'], ...Array.from({ length: 12 }, (_, i) => [`Indicador de gestão ${i}`, `${90 + (i % 10)}%`, `${2025 + (i % 3)}`])];
    rows.forEach((r, i) => r.forEach((cell, j) => page.drawText(cell, { x: 72 + j * 180, y: 720 - i * 14, size: 10, font })));
    const doc = await extractDocument(await pdf.save(), 'tabela.pdf');
    const text = doc.pages[0]?.text ?? '';
    expect(text).toContain('| Indicador | Meta | Prazo |\n| --- | --- | --- |\n| Indicador de gestão 0 | 90% | 2025 |');
    const chunks = chunkPages(doc.pages, { chunkChars: 200, overlapChars: 40 });
    const table = chunks.filter((c) => c.text.includes('| --- |'));
    expect(table.length).toBeGreaterThanOrEqual(1);
    // Over the cap, a table splits into row groups that each repeat the header.
    for (const part of table) expect(part.text).toContain('| Indicador | Meta | Prazo |\n| --- | --- | --- |');
    expect(table.map((t) => t.text).join('\n')).toContain('| Indicador de gestão 11 | 91% | 2027 |');
  });
});

describe('extractDocument PDF failures', () => {
  it('says NO_TEXT, with the page count, for a PDF without a text layer: "OCR is off" when it has ink, "blank" when not', async () => {
    const err = await extractDocument(await blankPdf(2), 'scan.pdf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BscError);
    expect(err).toMatchObject({
      code: 'NO_TEXT',
      message: 'No text layer in 2 pages: this is a scanned or image-only PDF and OCR is off. Turn on OCR in Settings (Scanned pages and images) to read it.',
      details: { pageCount: 2, ocr: 'off' },
    });
    const empty = await PDFDocument.create();
    empty.addPage();
    const ocr = { enabled: true, languages: ['por'] };
    await expect(extractDocument(await empty.save(), 'vazio.pdf', { ocr })).rejects.toMatchObject({
      code: 'NO_TEXT', message: 'No extractable text in 1 page (the pages are blank).', details: { pageCount: 1 },
    });
  });

  it('says DAMAGED_FILE for a file with a PDF header and garbage after it', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7\n' + 'lixo '.repeat(200));
    await expect(extractDocument(bytes, 'quebrado.pdf')).rejects.toMatchObject({ code: 'DAMAGED_FILE', message: expect.stringMatching(/damaged/) });
  });

  it('says DAMAGED_FILE for a truncated PDF', async () => {
    const full = await portugueseReport();
    await expect(extractDocument(full.subarray(0, 300), 'cortado.pdf')).rejects.toMatchObject({ code: 'DAMAGED_FILE' });
  });

  it('stops between pages when cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = extractDocument(await portugueseReport(), 'relatorio.pdf', {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.page);
        if (p.page === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toEqual([1, 2]);
  });

  it('does not detach the caller\'s buffer', async () => {
    const bytes = await portugueseReport();
    const length = bytes.length;
    await extractDocument(bytes, 'relatorio.pdf');
    expect(bytes.length).toBe(length);
  });
});
