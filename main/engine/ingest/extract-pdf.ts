// PDF text with pdfjs-dist, page by page: real page numbers, the document's own page labels,
// lines rebuilt from positioned text items, and every failure mapped to a specific error code.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { BscError, throwIfCancelled } from '../errors';
import { structurePage } from './extract-pdf-structure';
import { refuseOversizedStreams } from './extract-pdf-streams';
import { collectHyphenEvidence, dropRepeatedMargins, normalizeText } from './normalize';
import { pdfTitle } from './title';
import { createPageRecognizer, type PageRecognizer } from './ocr/recognize';
import { inkShare, ocrDpi, renderPdfPage, type RenderablePage } from './ocr/raster';
import type { ExtractOptions, ExtractStats, ExtractedPage } from './types';

type PdfJs = typeof PdfJsModule;

let pdfjsModule: Promise<PdfJs> | null = null;
// Loaded on first use: pdfjs is large and most engine start-ups never parse a PDF.
function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

// pdfjs reads CMaps (CJK encodings) and the 14 standard fonts from its own package folders;
// in Node they must be file paths ending in a separator.
const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const cMapUrl = path.join(pdfjsRoot, 'cmaps') + path.sep;
const standardFontDataUrl = path.join(pdfjsRoot, 'standard_fonts') + path.sep;
const wasmUrl = path.join(pdfjsRoot, 'wasm') + path.sep;

const defaultPageTimeoutMs = 20_000;
// Rendering at 300 dpi and recognising one page takes seconds on a slow machine, more on a dense page.
const ocrPageTimeoutMs = 180_000;
// A page with fewer letters than this in its text layer is a candidate for OCR (a scan may carry a
// stamped page number or a header in real text).
const ocrLetterThreshold = 40;
// Below this share of dark pixels a rendered page is blank: nothing to recognise.
const blankInkShare = 0.001;
const openTimeoutMs = 30_000;

class Timeout extends Error {
  override name = 'Timeout';
}

/** Waits for `work`, but gives up after `ms` or when `signal` fires (pdfjs can stall on hostile files). */
function withDeadline<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(new BscError('CANCELLED', 'Cancelled.')));
    const timer = setTimeout(() => finish(() => reject(new Timeout(`no answer after ${ms} ms`))), ms);
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

/**
 * Rebuilds lines from pdfjs text items: a new line on hasEOL or a change of baseline, a blank
 * line where the vertical gap says "new paragraph", a space where glyphs are apart, and a tab
 * where the gap is wide enough to be a table column.
 */
export function textItemsToLines(items: readonly TextItem[]): string {
  let out = '';
  // Where each cell of a tabbed line starts (x), by line number, to align table columns afterwards.
  const cellStarts = new Map<number, number[]>();
  let lineNo = 0;
  let cells: number[] = [];
  let lineOpen = false;
  let lineY: number | null = null;
  let lineHeight = 0;
  let endX = 0;
  let lastEndedY: number | null = null;
  let lastEndedHeight = 0;

  const endLine = (): void => {
    if (!lineOpen) return;
    if (cells.length > 1) cellStarts.set(lineNo, cells);
    out += '\n';
    lineNo++;
    lineOpen = false;
    lastEndedY = lineY;
    lastEndedHeight = lineHeight;
  };

  let pendingSpace = false;
  for (const item of items) {
    const t = item.transform as number[];
    const x = t[4] ?? 0;
    const y = t[5] ?? 0;
    const height = Math.abs(item.height) || Math.hypot(t[2] ?? 0, t[3] ?? 0) || 10;
    const str = item.str;

    if (str.trim() === '') {
      // pdfjs fills gaps with space items as wide as the gap; the gap itself is measured below.
      if (str !== '' && lineOpen) pendingSpace = true;
    } else {
      if (lineOpen && lineY !== null && Math.abs(y - lineY) > Math.max(height, lineHeight) * 0.5) endLine();
      if (!lineOpen) {
        if (lastEndedY !== null && out !== '') {
          const gap = lastEndedY - y;
          const unit = Math.max(height, lastEndedHeight);
          // Much more than one line of space, or a jump back up (next column): a new paragraph.
          if (gap > unit * 1.8 || gap < -unit * 3) {
            out += '\n';
            lineNo++;
          }
        }
        cells = [x];
        lineOpen = true;
        lineY = y;
        lineHeight = height;
        out += str;
      } else {
        const gap = x - endX;
        const last = out[out.length - 1] ?? '';
        const ltr = item.dir !== 'rtl';
        if (ltr && gap > Math.max(height, lineHeight) * 2.5) {
          out = out.trimEnd() + '\t' + str.trimStart();
          cells.push(x);
        }
        else if ((pendingSpace || (ltr && gap > height * 0.15)) && last !== ' ' && last !== '\t' && !str.startsWith(' ')) out += ' ' + str;
        else out += str;
        lineHeight = Math.max(lineHeight, height);
      }
      pendingSpace = false;
      endX = x + item.width;
    }
    if (item.hasEOL) {
      endLine();
      pendingSpace = false;
    }
  }
  if (lineOpen && cells.length > 1) cellStarts.set(lineNo, cells);
  return cellStarts.size > 1 ? alignTableColumns(out, cellStarts) : out;
}

/** Marks an empty table cell; normalisation would otherwise merge the tabs around it. */
const emptyCell = '\u2063';

/**
 * Rows of a table can skip a cell (an empty "Meta"): cells are placed under the column whose left
 * edge they start at, found by clustering the x positions of every row of the run.
 */
function alignTableColumns(text: string, cellStarts: Map<number, number[]>): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    if (!cellStarts.has(i)) {
      i++;
      continue;
    }
    let j = i;
    while (cellStarts.has(j)) j++;
    if (j - i >= 2) {
      const xs = [...new Set(Array.from({ length: j - i }, (_, k) => cellStarts.get(i + k) ?? []).flat())].sort((a, b) => a - b);
      const columns: number[] = [];
      for (const x of xs) if (columns.length === 0 || x - (columns[columns.length - 1] ?? 0) > 8) columns.push(x);
      for (let k = i; k < j; k++) {
        const starts = cellStarts.get(k) ?? [];
        const parts = (lines[k] ?? '').split('\t');
        if (parts.length !== starts.length || columns.length <= parts.length) continue;
        const row = Array<string>(columns.length).fill(emptyCell);
        parts.forEach((cell, c) => {
          const x = starts[c] ?? 0;
          const col = columns.reduce((best, cx, ci) => (Math.abs(cx - x) < Math.abs((columns[best] ?? 0) - x) ? ci : best), 0);
          row[col] = row[col] === emptyCell ? cell : `${row[col]} ${cell}`;
        });
        lines[k] = row.join('\t');
      }
    }
    i = j;
  }
  return lines.join('\n');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function openPdf(pdfjs: PdfJs, bytes: Uint8Array, opts: ExtractOptions) {
  // pdfjs transfers (detaches) the buffer it is given; hand it a copy so the caller's bytes survive.
  const loadingTask = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    password: opts.password,
    cMapUrl,
    cMapPacked: true,
    standardFontDataUrl,
    wasmUrl,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    return await withDeadline(loadingTask.promise, openTimeoutMs, opts.signal);
  } catch (err) {
    void loadingTask.destroy();
    if (err instanceof BscError) throw err;
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException') {
      const code = (err as { code?: number }).code;
      const given = opts.password !== undefined && opts.password !== '';
      if (given || code === pdfjs.PasswordResponses.INCORRECT_PASSWORD) {
        throw new BscError('WRONG_PASSWORD', 'The password for this PDF is not correct.');
      }
      throw new BscError('NEEDS_PASSWORD', 'This PDF is protected by a password. Enter the password to import it.');
    }
    if (err instanceof Timeout) {
      throw new BscError('DAMAGED_FILE', 'This PDF could not be opened: reading it did not finish in time. The file may be damaged.');
    }
    throw new BscError('DAMAGED_FILE', `This PDF is damaged and cannot be opened (${describe(err)}).`, { cause: describe(err) });
  }
}

/** "Microsoft Word - plano.docx" and other tool names are not titles. */
function cleanTitle(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const title = raw.replace(/^Microsoft (Word|PowerPoint) - /, '').replace(/\s+/g, ' ').trim();
  return title && !/^(untitled|sem título|document\d*)$/i.test(title) ? title.normalize('NFC') : null;
}

/**
 * OCR for the pages of one PDF: starts tesseract on the first page that needs it, counts what it
 * did, and closes it at the end of the document.
 */
class PageOcr {
  private recognizer: Promise<PageRecognizer> | null = null;
  private pages = 0;
  private ms = 0;
  /** Pages that have ink but no text layer, while OCR is off. */
  inkPagesSkipped = 0;
  /** Pages OCR ran on and found nothing readable. */
  emptyResults = 0;

  constructor(private readonly opts: ExtractOptions) {}

  get enabled(): boolean {
    return this.opts.ocr?.enabled === true && this.opts.ocr.languages.length > 0;
  }

  /** The page's text by OCR, or null when it is blank (or OCR is off). */
  async recognize(page: RenderablePage, pageNo: number, pageCount: number): Promise<string | null> {
    const started = Date.now();
    // With OCR off a coarse rendering is enough to tell a scan from a blank page (for the message).
    // At that coarse scale small print is gray, not black: a lighter shade counts as ink.
    const image = await renderPdfPage(page, this.enabled ? ocrDpi : 72);
    if (inkShare(image, this.enabled ? 128 : 200) < blankInkShare) return null;
    if (!this.enabled) {
      this.inkPagesSkipped++;
      return null;
    }
    this.opts.onProgress?.({ page: pageNo - 1, pages: pageCount, ocr: true });
    this.recognizer ??= createPageRecognizer(this.opts.ocr?.languages ?? [], this.opts.signal);
    const result = await (await this.recognizer).recognize(image);
    this.pages++;
    this.ms += Date.now() - started;
    if (!/\p{L}/u.test(result.text)) this.emptyResults++;
    return result.text;
  }

  stats(): ExtractStats {
    return { ocrPages: this.pages, ocrMs: this.ms };
  }

  async close(): Promise<void> {
    const r = this.recognizer;
    this.recognizer = null;
    if (r) await (await r.catch(() => null))?.close();
  }
}

const letterCount = (text: string): number => text.match(/\p{L}/gu)?.length ?? 0;

type PdfDoc = Awaited<ReturnType<typeof openPdf>>;

/** One page's text: its text layer, or OCR of its rendering when the layer is (nearly) empty. */
async function readPage(doc: PdfDoc, pageNo: number, ocr: PageOcr, pageCount: number, deadlines: { textMs: number; signal?: AbortSignal }): Promise<{ text: string; ocr: boolean }> {
  const page = await withDeadline(doc.getPage(pageNo), deadlines.textMs, deadlines.signal);
  try {
    // The text layer keeps the short deadline; only rendering and recognising get OCR's longer one.
    const content = await withDeadline(page.getTextContent(), deadlines.textMs, deadlines.signal);
    const text = textItemsToLines(content.items.filter((i): i is TextItem => 'str' in i));
    if (letterCount(text) >= ocrLetterThreshold) return { text, ocr: false };
    const recognized = await withDeadline(ocr.recognize(page as unknown as RenderablePage, pageNo, pageCount), ocr.enabled ? ocrPageTimeoutMs : deadlines.textMs, deadlines.signal);
    // The OCR text wins only when it read more than the layer holds (a stamped number on a scan).
    return recognized !== null && letterCount(recognized) > letterCount(text) ? { text: recognized, ocr: true } : { text, ocr: false };
  } finally {
    page.cleanup();
  }
}

function noTextError(pageCount: number, ocr: PageOcr): BscError {
  const pages = `${pageCount} ${pageCount === 1 ? 'page' : 'pages'}`;
  if (ocr.inkPagesSkipped > 0) {
    return new BscError('NO_TEXT', `No text layer in ${pages}: this is a scanned or image-only PDF and OCR is off. Turn on OCR in Settings (Scanned pages and images) to read it.`, { pageCount, ocr: 'off' });
  }
  if (ocr.enabled && ocr.emptyResults > 0) {
    return new BscError('NO_TEXT', `OCR found no readable text in ${pages} (the scan may be too faint, blurred or in another language).`, { pageCount, ocr: 'empty' });
  }
  return new BscError('NO_TEXT', `No extractable text in ${pages} (the pages are blank).`, { pageCount });
}

export interface PdfExtraction {
  title: string | null;
  pageCount: number;
  pages: ExtractedPage[];
  warnings: string[];
  stats: ExtractStats;
}

export async function extractPdf(bytes: Uint8Array, opts: ExtractOptions = {}): Promise<PdfExtraction> {
  await refuseOversizedStreams(bytes, opts.maxDecodedStreamBytes);
  const pdfjs = await loadPdfJs();
  throwIfCancelled(opts.signal);
  const doc = await openPdf(pdfjs, bytes, opts);
  try {
    const pageCount = doc.numPages;
    const warnings: string[] = [];
    let labels: string[] | null = null;
    try {
      labels = await withDeadline(doc.getPageLabels(), 5_000, opts.signal);
    } catch (err) {
      if (err instanceof BscError) throw err;
      warnings.push(`The page labels could not be read (${describe(err)}); page numbers are used instead.`);
    }
    let title: string | null = null;
    try {
      const meta = await withDeadline(doc.getMetadata(), 5_000, opts.signal);
      title = cleanTitle((meta.info as Record<string, unknown> | undefined)?.Title);
    } catch (err) {
      if (err instanceof BscError) throw err;
    }
    // Metadata titles are often junk ("A5.0", a file name): then the largest text of the first pages.
    title = await pdfTitle(doc, title);

    const rawTexts: string[] = [];
    const ocrPages = new Set<number>();
    const failed: number[] = [];
    const pageTimeoutMs = opts.pageTimeoutMs ?? defaultPageTimeoutMs;
    const ocr = new PageOcr(opts);
    try {
      for (let pageNo = 1; pageNo <= pageCount; pageNo++) {
        throwIfCancelled(opts.signal);
        try {
          const read = await readPage(doc, pageNo, ocr, pageCount, { textMs: pageTimeoutMs, signal: opts.signal });
          rawTexts.push(read.text);
          if (read.ocr) ocrPages.add(pageNo);
        } catch (err) {
          if (err instanceof BscError) throw err;
          failed.push(pageNo);
          rawTexts.push('');
          warnings.push(`Page ${pageNo} could not be read (${describe(err)}); it was skipped.`);
        }
        opts.onProgress?.({ page: pageNo, pages: pageCount, ...(ocrPages.has(pageNo) ? { ocr: true } : {}) });
      }
    } finally {
      await ocr.close();
    }

    const { pages: withoutMargins, margins } = dropRepeatedMargins(rawTexts.map((t) => t.normalize('NFC')));
    const evidence = collectHyphenEvidence(withoutMargins.join('\n'));
    const pages: ExtractedPage[] = withoutMargins.map((raw, i) => {
      const label = labels?.[i];
      const { text, role } = structurePage(normalizeText(raw, evidence));
      const page: ExtractedPage = { pageNo: i + 1, label: label && label.trim() ? label.trim() : String(i + 1), text, headingPath: [] };
      if (ocrPages.has(i + 1)) page.ocr = true;
      if (role) page.role = role;
      const dropped = (margins[i] ?? []).map((m) => normalizeText(m)).filter((m) => /\p{L}/u.test(m));
      if (dropped.length > 0) page.margins = dropped;
      return page;
    });

    if (!pages.some((p) => p.text !== '')) {
      if (pageCount > 0 && failed.length === pageCount) {
        throw new BscError('DAMAGED_FILE', `This PDF is damaged: none of its ${pageCount} ${pageCount === 1 ? 'page' : 'pages'} could be read.`, {
          pageCount,
          warnings,
        });
      }
      throw noTextError(pageCount, ocr);
    }
    if (ocr.inkPagesSkipped > 0) warnings.push(`${ocr.inkPagesSkipped} ${ocr.inkPagesSkipped === 1 ? 'page has' : 'pages have'} no text layer and OCR is off; ${ocr.inkPagesSkipped === 1 ? 'it was' : 'they were'} left empty.`);
    return { title, pageCount, pages, warnings, stats: ocr.stats() };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
