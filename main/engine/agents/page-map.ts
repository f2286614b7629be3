import type Database from 'better-sqlite3';

/** One stored page: its physical number, printed label and text. */
export interface PageText {
  pageNo: number;
  label: string;
  text: string;
  ocr?: boolean;
}

/** Where one page's text sits inside a chunk: [start, end) offsets into the chunk's text. */
export interface PageSpan {
  pageNo: number;
  label: string;
  start: number;
  end: number;
  ocr?: boolean;
}

/** Reads the pages a chunk covers (physical numbers, inclusive). */
export type PageReader = (documentId: string, from: number, to: number) => PageText[];

const readers = new WeakMap<Database.Database, Database.Statement>();

/** The pages of a document between two physical page numbers, from the library database. */
export function pageReaderFor(db: Database.Database): PageReader {
  let s = readers.get(db);
  if (!s) {
    // SELECT *: an `ocr` column is added by a later migration; older libraries lack it.
    s = db.prepare('SELECT * FROM pages WHERE document_id = ? AND page_no BETWEEN ? AND ? ORDER BY page_no');
    readers.set(db, s);
  }
  const statement = s;
  return (documentId, from, to) =>
    (statement.all(documentId, from, to) as Array<{ page_no: number; label: string | null; text: string; ocr?: number | null }>).map((r) => ({
      pageNo: r.page_no,
      label: r.label ?? String(r.page_no),
      text: r.text,
      ...(r.ocr ? { ocr: true } : {}),
    }));
}

/** Text with runs of whitespace folded to one space, and where each kept character came from. */
interface Folded {
  text: string;
  origin: number[];
}

function foldSpaces(text: string): Folded {
  let out = '';
  const origin: number[] = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (!space && out.length > 0) {
        out += ' ';
        origin.push(i);
      }
      space = true;
      continue;
    }
    space = false;
    out += ch;
    origin.push(i);
  }
  return { text: out, origin };
}

const ANCHOR = 48;

/**
 * Where the text of the page after a page break starts inside a chunk. The chunker keeps each
 * page's sentences verbatim (trimmed, joined by a space or blank line), so the page's opening words
 * occur in the chunk right after the previous page's closing words; whitespace may differ, so the
 * search runs on whitespace-folded text. Null when neither anchor is found (text rewritten since).
 */
function pageStartInChunk(chunk: Folded, previousPage: string, page: string, from: number): number | null {
  const head = foldSpaces(page.trim()).text.slice(0, ANCHOR).trim();
  const tail = foldSpaces(previousPage.trim()).text.slice(-ANCHOR).trim();
  const foldedFrom = chunk.origin.findIndex((o) => o >= from);
  const start = foldedFrom < 0 ? chunk.text.length : foldedFrom;
  if (tail) {
    const at = chunk.text.indexOf(tail, start);
    if (at >= 0) {
      let next = at + tail.length;
      while (chunk.text[next] === ' ') next++;
      if (next >= chunk.text.length) return null;
      if (!head || chunk.text.startsWith(head.slice(0, 12), next)) return chunk.origin[next]!;
    }
  }
  if (head) {
    const at = chunk.text.indexOf(head, start);
    if (at >= 0) return chunk.origin[at]!;
  }
  return null;
}

/**
 * The page spans of a chunk's text, in page order, from the stored texts of the pages it covers.
 * A span whose start cannot be located is merged into the page before it (its label is still
 * reported for an excerpt touching that region, so attribution errs toward more pages, never fewer).
 */
export function pageSpansInChunk(chunkText: string, pages: PageText[]): PageSpan[] {
  const ordered = [...pages].sort((a, b) => a.pageNo - b.pageNo).filter((p, i, all) => i === 0 || p.text.trim() !== '' || i === all.length - 1);
  if (ordered.length === 0) return [];
  const folded = foldSpaces(chunkText);
  const spans: PageSpan[] = [];
  let from = 0;
  let unplaced: PageText[] = [];
  ordered.forEach((page, i) => {
    if (i === 0) {
      spans.push(spanOf(page, 0));
      return;
    }
    const at = pageStartInChunk(folded, ordered[i - 1]!.text, page.text, from);
    if (at === null || at <= from) {
      unplaced.push(page);
      return;
    }
    // Pages that could not be placed share the span before this one.
    const last = spans[spans.length - 1]!;
    if (unplaced.length) last.label = [last.label, ...unplaced.map((p) => p.label)].join('\u0000');
    unplaced = [];
    spans.push(spanOf(page, at));
    from = at;
  });
  if (unplaced.length) spans[spans.length - 1]!.label = [spans[spans.length - 1]!.label, ...unplaced.map((p) => p.label)].join('\u0000');
  spans.forEach((s, i) => {
    s.end = i + 1 < spans.length ? spans[i + 1]!.start : chunkText.length;
  });
  return spans;
}

function spanOf(page: PageText, start: number): PageSpan {
  return { pageNo: page.pageNo, label: page.label, start, end: start, ...(page.ocr ? { ocr: true } : {}) };
}

export interface ExcerptPages {
  pageStart: number;
  pageEnd: number;
  pageLabels: string[];
  ocr: boolean;
}

/**
 * The page(s) holding [start, end) of a chunk's text: every page whose span shares a non-space
 * character with the excerpt. Labels are printed labels only, in order, once each.
 */
export function pagesOfExcerpt(chunkText: string, spans: PageSpan[], start: number, end: number): ExcerptPages | null {
  const touched = spans.filter((s) => s.start < end && s.end > start && chunkText.slice(Math.max(s.start, start), Math.min(s.end, end)).trim() !== '');
  if (touched.length === 0) return null;
  const labels: string[] = [];
  for (const s of touched) for (const l of s.label.split('\u0000')) if (!labels.includes(l)) labels.push(l);
  const last = touched[touched.length - 1]!;
  const mergedPages = last.label.split('\u0000').length - 1;
  return {
    pageStart: touched[0]!.pageNo,
    pageEnd: last.pageNo + mergedPages,
    pageLabels: labels,
    ocr: touched.some((s) => s.ocr === true),
  };
}

const squash = (s: string) => s.replace(/[*_`#>|]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Is a citation's excerpt really on the page(s) it names? Checked against the stored page texts
 * independently of how the pages were computed: the excerpt's opening words must be on its first
 * page, its closing words on its last, and the printed labels must be those pages' labels.
 * Null when the citation carries no excerpt or pages (answers stored before excerpts).
 */
export function excerptOnPages(readPages: PageReader, s: { documentId: string; excerpt?: string; pageStart: number; pageEnd: number; pageLabels?: string[] }): boolean | null {
  if (!s.excerpt || !s.pageLabels?.length) return null;
  const pages = readPages(s.documentId, s.pageStart, s.pageEnd);
  if (pages.length === 0) return false;
  const first = pages[0]!;
  const last = pages[pages.length - 1]!;
  if (first.pageNo !== s.pageStart || last.pageNo !== s.pageEnd) return false;
  if (first.label !== s.pageLabels[0] || last.label !== s.pageLabels[s.pageLabels.length - 1]) return false;
  const text = squash(s.excerpt);
  // The whole excerpt must be there (templated documents repeat openings and endings word for word).
  const joined = squash(pages.map((p) => p.text).join(' '));
  if (!joined.includes(text)) return false;
  if (pages.length === 1) return true;
  // Across a break: it starts on the first page and ends on the last.
  const edge = Math.min(24, Math.floor(text.length / 2));
  return squash(first.text).includes(text.slice(0, edge)) && squash(last.text).includes(text.slice(-edge));
}
