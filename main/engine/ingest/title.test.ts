import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { makeZip } from '../../../test/fixtures/zip';
import { extractDocument } from './extract';
import { docxCoreTitle, documentTitle, isJunkTitle, largestTextOnPage, plausibleTitle, titleFromFilename } from './title';

describe('the junk rule', () => {
  it.each([
    'A5.0', '', '   ', '12/2020', 'v2', '—', 'Microsoft Word - relatorio_final.doc', 'Microsoft PowerPoint - Apresentação1',
    'PowerPoint Presentation', 'Apresentação do PowerPoint', 'Untitled', 'Untitled-1', 'untitled document', 'Sem título',
    'Document1', 'Documento 3', 'Presentation1', 'Slide 1', 'Title', 'Layout 1', 'relatorio.docx', 'C:\\docs\\plano',
    '/tmp/a.pdf', 'RPT2019Q3', 'doc_final_v3', 'a1b2c3d4', '2019_03_15_0001', 'http://example.com/x', 'www.empresa.com.br',
    'Acrobat PDFMaker 11 for Word', 'RNIAM-MODELE_DOUBLE_RATTACHT 1', 'x'.repeat(201),
  ])('%j is junk', (title) => {
    expect(isJunkTitle(title)).toBe(true);
  });

  it.each([
    'Plano Estratégico 2025', 'Balanced Scorecard', 'BSC', 'Relatório Anual de Sustentabilidade', 'The Balanced Scorecard: Measures That Drive Performance',
    'Trace-based Just-in-Time Type Specialization for Dynamic Languages', 'Formulario de solicitud', 'Mapa estratégico — Cliente X',
  ])('%j is a title', (title) => {
    expect(isJunkTitle(title)).toBe(false);
  });

  it("rejects the document's own file name, and tidies white space", () => {
    expect(isJunkTitle('plano.PDF', 'plano.pdf')).toBe(true);
    expect(plausibleTitle('  Plano \n Estratégico  ')).toBe('Plano Estratégico');
    expect(plausibleTitle(42)).toBeNull();
  });

  it('falls back to the file name without extension', () => {
    expect(titleFromFilename('/x/Plano_Estrategico 2025.pdf')).toBe('Plano Estrategico 2025');
    expect(titleFromFilename('notes')).toBe('notes');
  });
});

describe('largest text on a page', () => {
  const item = (str: string, size: number) => ({ str, transform: [size, 0, 0, size, 72, 700] });
  it('takes the first run in the largest clearly-bigger size, skipping junk sizes', () => {
    const items = [item('7', 40), item('Mapa Estratégico', 24), item('da Empresa', 24), item('Texto do corpo', 11), item('mais texto corrido aqui', 11)];
    expect(largestTextOnPage(items)).toBe('Mapa Estratégico da Empresa');
  });
  it('finds nothing when every line is body text', () => {
    expect(largestTextOnPage([item('Um parágrafo', 11), item('outro parágrafo', 11)])).toBeNull();
  });
});

async function pdf(opts: { metaTitle?: string; heading?: string; body: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (opts.metaTitle !== undefined) doc.setTitle(opts.metaTitle);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  if (opts.heading) page.drawText(opts.heading, { x: 60, y: 760, size: 24, font });
  let y = 700;
  for (const line of opts.body.split('\n')) {
    page.drawText(line, { x: 60, y, size: 11, font });
    y -= 16;
  }
  return doc.save();
}

const BODY = 'The four perspectives balance financial results with customers,\ninternal processes and learning and growth across the company.\nEach objective has measures, targets and initiatives.';

describe('PDF and DOCX titles end to end', () => {
  it('keeps a plausible metadata title', async () => {
    const bytes = await pdf({ metaTitle: 'Strategy Maps in Practice', heading: 'Chapter One', body: BODY });
    const doc = await extractDocument(bytes, 'a5.pdf');
    expect(documentTitle(doc, bytes, 'a5.pdf')).toBe('Strategy Maps in Practice');
  });

  it.each(['A5.0', 'Microsoft Word - plano_final.doc', 'Untitled'])('replaces metadata %j with the largest text of page 1', async (metaTitle) => {
    const bytes = await pdf({ metaTitle, heading: 'Plano Estratégico 2025', body: BODY });
    const doc = await extractDocument(bytes, 'scan_0001.pdf');
    expect(documentTitle(doc, bytes, 'scan_0001.pdf')).toBe('Plano Estratégico 2025');
  });

  it('falls back to the file name when neither metadata nor fonts help', async () => {
    const bytes = await pdf({ metaTitle: 'Document1', body: BODY });
    const doc = await extractDocument(bytes, 'Relatorio Trimestral.pdf');
    expect(documentTitle(doc, bytes, 'Relatorio Trimestral.pdf')).toBe('Relatorio Trimestral');
  });

  const docx = (coreTitle: string | null, heading: string) => makeZip([
    { name: '[Content_Types].xml', body: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>' },
    { name: '_rels/.rels', body: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>' },
    { name: 'word/document.xml', body: `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>${heading}</w:t></w:r></w:p><w:p><w:r><w:t>Texto do documento sobre indicadores.</w:t></w:r></w:p></w:body></w:document>` },
    ...(coreTitle === null ? [] : [{ name: 'docProps/core.xml', body: `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${coreTitle}</dc:title></cp:coreProperties>` }]),
  ], { deflate: true });

  it('DOCX: a plausible core-properties title, else the Title-style heading, else the file name', async () => {
    const good = docx('Mapa Estratégico &amp; Metas', 'Capa');
    expect(docxCoreTitle(good)).toBe('Mapa Estratégico & Metas');
    expect(documentTitle(await extractDocument(good, 'x.docx'), good, 'x.docx')).toBe('Mapa Estratégico & Metas');
    const junk = docx('Documento1', 'Relatório de Indicadores');
    expect(documentTitle(await extractDocument(junk, 'x.docx'), junk, 'x.docx')).toBe('Relatório de Indicadores');
    const none = docx(null, 'Title');
    expect(documentTitle(await extractDocument(none, 'plano-acao.docx'), none, 'plano-acao.docx')).toBe('plano-acao');
  });
});
