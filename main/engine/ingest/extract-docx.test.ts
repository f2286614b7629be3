import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunkPages } from './chunk';
import { extractDocument } from './extract';
import { htmlToMarkdown } from './extract-docx';

/** A minimal zip writer (stored entries, no compression): enough to build a real .docx. */
function storedZip(files: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
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
