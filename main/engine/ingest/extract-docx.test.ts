import { describe, expect, it } from 'vitest';
import { makeZip } from '../../../test/fixtures/zip';
import { chunkPages } from './chunk';
import { extractDocument } from './extract';
import { htmlToMarkdown } from './extract-docx';

/** Stored entries: enough to build a real .docx. */
function storedZip(files: Record<string, string>): Uint8Array {
  return new Uint8Array(makeZip(Object.entries(files).map(([name, body]) => ({ name, body }))));
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const para = (text: string, style?: string): string =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
const cell = (text: string): string => `<w:tc>${para(text)}</w:tc>`;
const row = (...cells: string[]): string => `<w:tr>${cells.map(cell).join('')}</w:tr>`;

function docx(body: string): Uint8Array {
  return storedZip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${body}</w:body></w:document>`,
  });
}

const body = [
  para('Relatório de estratégia'),
  para('Perspectiva Financeira', 'Heading1'),
  para('A receita líquida cresceu 12% & a margem EBITDA chegou a 18%.'),
  para('Custos', 'Ttulo2'), // the style id Word uses for "Título 2" in Portuguese
  para('Redução de custos operacionais em três anos.'),
  para('Perspectiva de Clientes', 'Heading1'),
  `<w:tbl>${row('Indicador', 'Meta')}${row('NPS', '70')}${row('Retenção', '95%')}</w:tbl>`,
  para('# não é um título'),
].join('');

describe('extractDocument on DOCX', () => {
  it('reads headings, paragraphs and tables from a real .docx, one page per top-level section', async () => {
    const doc = await extractDocument(docx(body), 'estrategia.docx');
    expect(doc).toMatchObject({ kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pageCount: 3 });
    expect(doc.title).toBe('Perspectiva Financeira');
    expect(doc.pages.map((p) => p.label)).toEqual(['1', 'Perspectiva Financeira', 'Perspectiva de Clientes']);
    expect(doc.pages[0]?.text).toBe('Relatório de estratégia');
    expect(doc.pages[1]?.text).toContain('A receita líquida cresceu 12% & a margem EBITDA chegou a 18%.');
    expect(doc.pages[1]?.sections?.[0]?.headingPath).toEqual(['Perspectiva Financeira', 'Custos']);
    expect(doc.pages[2]?.text).toContain('| Indicador | Meta |\n| --- | --- |\n| NPS | 70 |\n| Retenção | 95% |');
    // a paragraph that merely starts with "#" does not become a heading
    expect(doc.pages[2]?.text).toContain('\\# não é um título');
    expect(doc.pages).toHaveLength(3);

    const chunks = chunkPages(doc.pages, { chunkChars: 80, overlapChars: 0 });
    expect(chunks.find((c) => c.text.includes('Redução de custos'))?.headingPath).toEqual(['Perspectiva Financeira', 'Custos']);
  });

  it('detects a .docx by its content even when misnamed', async () => {
    const doc = await extractDocument(docx(body), 'download');
    expect(doc.kind).toBe('docx');
  });

  it('refuses a zip that is not a Word document, and reports a broken .docx as damaged', async () => {
    const zip = storedZip({ 'a.txt': 'olá' });
    await expect(extractDocument(zip, 'planilha.xlsx')).rejects.toMatchObject({ code: 'UNSUPPORTED_TYPE' });
    await expect(extractDocument(zip, 'relatorio.docx')).rejects.toMatchObject({ code: 'DAMAGED_FILE' });
    await expect(extractDocument(new TextEncoder().encode('not a zip'), 'relatorio.docx')).rejects.toMatchObject({ code: 'DAMAGED_FILE' });
  });

  it('refuses a .docx with no text', async () => {
    await expect(extractDocument(docx('<w:p/>'), 'vazio.docx')).rejects.toMatchObject({ code: 'NO_TEXT' });
  });
});

describe('htmlToMarkdown', () => {
  it('turns lists, line breaks and entities into Markdown', () => {
    const md = htmlToMarkdown('<h2>Metas &amp; prazos</h2><ul><li>Receita<ul><li>Bruta</li></ul></li><li>Custos</li></ul><p>Linha um<br />linha &#233;</p>');
    expect(md).toBe('## Metas & prazos\n\n- Receita\n  - Bruta\n- Custos\n\nLinha um\nlinha é');
  });
});
