import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFString, StandardFonts, rgb } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { BscError } from '../main/engine/errors';

/** One titled run of text; `startOnNewPage` lets front matter and chapters begin on a fresh page. */
export interface PdfSection {
  heading: string;
  paragraphs: string[];
  startOnNewPage?: boolean;
}

/** One entry of the catalog's /PageLabels number tree: from page `startIndex` (0-based) on, number pages in `style`. */
export interface PageLabelRange {
  startIndex: number;
  style: 'r' | 'D';
  start?: number;
}

export interface TextPdfOptions {
  title: string;
  sections: PdfSection[];
  pageLabels?: PageLabelRange[];
  /** Drawn at the top of every page, so an importer's running-header removal has something to remove. */
  header?: string;
  /** Prints each page's label (i, ii, 1, 2…) centred at the foot of the page. */
  footerWithPageNumber?: boolean;
  /** BCP 47 tag written to the catalog's /Lang; defaults to pt-BR. */
  lang?: string;
  author?: string;
  /** Creation and modification date; fixed by default so the same input always gives the same bytes. */
  date?: Date;
}

const PAGE_WIDTH = 595.28; // A4
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 64;
const BODY_TOP = PAGE_HEIGHT - 80;
const BODY_BOTTOM = 64;
const BODY_SIZE = 11;
const BODY_LEADING = 15;
const HEADING_SIZE = 14;
const HEADING_LEADING = 20;
const TITLE_SIZE = 20;
const TITLE_LEADING = 26;
const PARAGRAPH_GAP = 6;
const FIXED_DATE = new Date('2025-01-01T00:00:00Z');
export const PDF_PRODUCER = 'Agente BSC pdf-writer';

/** Writes a multi-page text PDF with the standard Helvetica fonts (WinAnsi covers Portuguese accents). */
export async function writeTextPdf(opts: TextPdfOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN_X;

  assertEncodable(regular, [opts.title, opts.header ?? '', ...opts.sections.flatMap((s) => [s.heading, ...s.paragraphs])]);

  const pages: PDFPage[] = [];
  // Header and footer go first in each content stream, as a typesetter's running heads do.
  const addPage = (): PDFPage => {
    const p = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    if (opts.header) {
      p.drawText(truncateToWidth(opts.header, regular, 9, maxWidth), {
        x: MARGIN_X, y: PAGE_HEIGHT - 44, size: 9, font: regular, color: rgb(0.35, 0.35, 0.35),
      });
    }
    if (opts.footerWithPageNumber) {
      const label = pageLabelAt(pages.length, opts.pageLabels);
      const width = regular.widthOfTextAtSize(label, 9);
      p.drawText(label, { x: (PAGE_WIDTH - width) / 2, y: 36, size: 9, font: regular, color: rgb(0.35, 0.35, 0.35) });
    }
    pages.push(p);
    return p;
  };
  let page = addPage();
  let y = BODY_TOP;
  const newPage = (): void => {
    page = addPage();
    y = BODY_TOP;
  };
  const drawLines = (lines: string[], font: PDFFont, size: number, leading: number): void => {
    for (const line of lines) {
      if (y - leading < BODY_BOTTOM) newPage();
      y -= leading;
      page.drawText(line, { x: MARGIN_X, y, size, font, color: rgb(0, 0, 0) });
    }
  };

  drawLines(wrapText(opts.title, bold, TITLE_SIZE, maxWidth), bold, TITLE_SIZE, TITLE_LEADING);
  y -= TITLE_LEADING / 2;

  for (const section of opts.sections) {
    if (section.startOnNewPage && y < BODY_TOP) newPage();
    const headingLines = wrapText(section.heading, bold, HEADING_SIZE, maxWidth);
    // Keep a heading with at least two lines of its text rather than stranding it at a page foot.
    const needed = headingLines.length * HEADING_LEADING + 2 * BODY_LEADING;
    if (y - needed < BODY_BOTTOM) newPage();
    if (y < BODY_TOP) y -= PARAGRAPH_GAP;
    drawLines(headingLines, bold, HEADING_SIZE, HEADING_LEADING);
    y -= PARAGRAPH_GAP;
    for (const paragraph of section.paragraphs) {
      drawLines(wrapText(paragraph, regular, BODY_SIZE, maxWidth), regular, BODY_SIZE, BODY_LEADING);
      y -= PARAGRAPH_GAP;
    }
  }

  if (opts.pageLabels && opts.pageLabels.length > 0) writePageLabels(doc, opts.pageLabels, pages.length);
  doc.catalog.set(PDFName.of('Lang'), PDFString.of(opts.lang ?? 'pt-BR'));

  const date = opts.date ?? FIXED_DATE;
  doc.setTitle(opts.title);
  if (opts.author) doc.setAuthor(opts.author);
  doc.setProducer(PDF_PRODUCER);
  doc.setCreator(PDF_PRODUCER);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  return doc.save();
}

/** Greedy word wrap by measured width; a word wider than a line is cut by characters. */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  const spaceWidth = font.widthOfTextAtSize(' ', size);
  let line = '';
  let lineWidth = 0;
  for (const word of words) {
    const wordWidth = font.widthOfTextAtSize(word, size);
    if (line && lineWidth + spaceWidth + wordWidth <= maxWidth) {
      line += ' ' + word;
      lineWidth += spaceWidth + wordWidth;
      continue;
    }
    if (line) lines.push(line);
    if (wordWidth <= maxWidth) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    let piece = '';
    for (const ch of word) {
      if (piece && font.widthOfTextAtSize(piece + ch, size) > maxWidth) {
        lines.push(piece);
        piece = '';
      }
      piece += ch;
    }
    line = piece;
    lineWidth = font.widthOfTextAtSize(piece, size);
  }
  if (line) lines.push(line);
  return lines;
}

function truncateToWidth(text: string, font: PDFFont, size: number, maxWidth: number): string {
  let out = text;
  while (out.length > 1 && font.widthOfTextAtSize(out, size) > maxWidth) out = out.slice(0, -1);
  return out;
}

/** Fails early with the offending characters, rather than letting pdf-lib throw mid-layout. */
function assertEncodable(font: PDFFont, texts: string[]): void {
  const bad = new Set<string>();
  const glyphs = new Set(font.getCharacterSet());
  for (const text of texts) {
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      if (!/\s/.test(ch) && !glyphs.has(cp)) bad.add(ch);
    }
  }
  if (bad.size > 0) {
    throw new BscError('BAD_INPUT', `Text has characters the standard PDF fonts cannot encode (WinAnsi): ${[...bad].join(' ')}`, {
      characters: [...bad],
    });
  }
}

/** The label a viewer shows for page `index`, following the same ranges written to /PageLabels. */
export function pageLabelAt(index: number, ranges: PageLabelRange[] | undefined): string {
  if (!ranges || ranges.length === 0) return String(index + 1);
  let current: PageLabelRange | undefined;
  for (const r of ranges) if (r.startIndex <= index) current = r;
  if (!current) return String(index + 1);
  const n = (current.start ?? 1) + index - current.startIndex;
  return current.style === 'r' ? toRoman(n).toLowerCase() : String(n);
}

export function toRoman(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new BscError('BAD_INPUT', `Cannot write ${n} in roman numerals.`);
  const table: Array<[number, string]> = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let out = '';
  let rest = n;
  for (const [value, numeral] of table) {
    while (rest >= value) {
      out += numeral;
      rest -= value;
    }
  }
  return out;
}

function writePageLabels(doc: PDFDocument, ranges: PageLabelRange[], pageCount: number): void {
  // The spec requires the number tree to cover page 0 and its keys to be sorted ascending.
  if (ranges[0]?.startIndex !== 0) throw new BscError('BAD_INPUT', 'The first page label range must start at page index 0.');
  ranges.forEach((r, i) => {
    const prev = ranges[i - 1];
    if (!Number.isInteger(r.startIndex) || r.startIndex >= pageCount || (prev && r.startIndex <= prev.startIndex)) {
      throw new BscError('BAD_INPUT', `Page label ranges must have ascending start indexes below the page count (${pageCount}).`, { range: r });
    }
    if (r.start !== undefined && (!Number.isInteger(r.start) || r.start < 1)) {
      throw new BscError('BAD_INPUT', 'A page label range must start at a positive integer.', { range: r });
    }
  });
  const nums = PDFArray.withContext(doc.context);
  for (const r of ranges) {
    const label = PDFDict.withContext(doc.context);
    label.set(PDFName.of('S'), PDFName.of(r.style));
    if (r.start !== undefined && r.start !== 1) label.set(PDFName.of('St'), PDFNumber.of(r.start));
    nums.push(PDFNumber.of(r.startIndex));
    nums.push(label);
  }
  const tree = PDFDict.withContext(doc.context);
  tree.set(PDFName.of('Nums'), nums);
  doc.catalog.set(PDFName.of('PageLabels'), doc.context.register(tree));
}
