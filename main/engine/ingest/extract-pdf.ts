// PDF text with pdfjs-dist, page by page: real page numbers, the document's own page labels,
// lines rebuilt from positioned text items, and every failure mapped to a specific error code.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { BscError, throwIfCancelled } from '../errors';
import { collectHyphenEvidence, dropRepeatedMargins, normalizeText } from './normalize';
import type { ExtractOptions, ExtractedPage } from './types';

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
  let lineOpen = false;
  let lineY: number | null = null;
  let lineHeight = 0;
  let endX = 0;
  let lastEndedY: number | null = null;
  let lastEndedHeight = 0;

  const endLine = (): void => {
    if (!lineOpen) return;
    out += '\n';
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
          if (gap > unit * 1.8 || gap < -unit * 3) out += '\n';
        }
        lineOpen = true;
        lineY = y;
        lineHeight = height;
        out += str;
      } else {
        const gap = x - endX;
        const last = out[out.length - 1] ?? '';
        const ltr = item.dir !== 'rtl';
        if (ltr && gap > Math.max(height, lineHeight) * 2.5) out = out.trimEnd() + '\t' + str.trimStart();
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
  return out;
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

export interface PdfExtraction {
  title: string | null;
  pageCount: number;
  pages: ExtractedPage[];
  warnings: string[];
}

export async function extractPdf(bytes: Uint8Array, opts: ExtractOptions = {}): Promise<PdfExtraction> {
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

    const rawTexts: string[] = [];
    const failed: number[] = [];
    const pageTimeoutMs = opts.pageTimeoutMs ?? defaultPageTimeoutMs;
    for (let pageNo = 1; pageNo <= pageCount; pageNo++) {
      throwIfCancelled(opts.signal);
      try {
        const text = await withDeadline(
          (async () => {
            const page = await doc.getPage(pageNo);
            try {
              const content = await page.getTextContent();
              return textItemsToLines(content.items.filter((i): i is TextItem => 'str' in i));
            } finally {
              page.cleanup();
            }
          })(),
          pageTimeoutMs,
          opts.signal,
        );
        rawTexts.push(text);
      } catch (err) {
        if (err instanceof BscError) throw err;
        failed.push(pageNo);
        rawTexts.push('');
        warnings.push(`Page ${pageNo} could not be read (${describe(err)}); it was skipped.`);
      }
      opts.onProgress?.({ page: pageNo, pages: pageCount });
    }

    const { pages: withoutMargins } = dropRepeatedMargins(rawTexts.map((t) => t.normalize('NFC')));
    const evidence = collectHyphenEvidence(withoutMargins.join('\n'));
    const pages: ExtractedPage[] = withoutMargins.map((raw, i) => {
      const label = labels?.[i];
      return { pageNo: i + 1, label: label && label.trim() ? label.trim() : String(i + 1), text: normalizeText(raw, evidence), headingPath: [] };
    });

    if (!pages.some((p) => p.text !== '')) {
      if (pageCount > 0 && failed.length === pageCount) {
        throw new BscError('DAMAGED_FILE', `This PDF is damaged: none of its ${pageCount} ${pageCount === 1 ? 'page' : 'pages'} could be read.`, {
          pageCount,
          warnings,
        });
      }
      throw new BscError(
        'NO_TEXT',
        `No extractable text in ${pageCount} ${pageCount === 1 ? 'page' : 'pages'} (scanned or image-only PDF; OCR is not supported yet).`,
        { pageCount },
      );
    }
    return { title, pageCount, pages, warnings };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
