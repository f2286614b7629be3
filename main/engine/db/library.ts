import type { DocumentPage, LibraryDocument } from '../../../preload/contract';
import type { AppDatabase } from './open';

export interface NewDocument {
  id: string;
  sha256: string;
  filename: string;
  mime: string;
  bytes: number;
  pageCount: number;
  title: string | null;
  lang: string | null;
}

export interface NewPage { pageNo: number; label: string; text: string; ocr?: boolean }

export interface NewChunk {
  id: number;
  ord: number;
  pageStart: number;
  pageEnd: number;
  headingPath: string[];
  text: string;
  context: string | null;
  lang: string | null;
  perspectives: string[];
  /** 'toc' / 'index': a table of contents or an index, searchable but not evidence (default 'body'). */
  role?: 'body' | 'toc' | 'index';
  /** Analysed terms for the FTS5 index (text + context). */
  terms: string;
}

interface DocumentRow {
  id: string; sha256: string; filename: string; mime: string; bytes: number; page_count: number; title: string | null;
  lang: string | null; status: 'indexed' | 'failed'; error: string | null; created_at: string; indexed_at: string | null; chunk_count: number;
}

const HEADING_SEP = ' › ';

function toDocument(r: DocumentRow): LibraryDocument {
  return {
    id: r.id, sha256: r.sha256, filename: r.filename, title: r.title, mime: r.mime, bytes: r.bytes, pageCount: r.page_count,
    chunkCount: r.chunk_count, lang: r.lang, status: r.status, error: r.error, createdAt: r.created_at, indexedAt: r.indexed_at,
  };
}

export function encodeHeadingPath(path: string[]): string {
  return path.join(HEADING_SEP);
}

export function decodeHeadingPath(s: string): string[] {
  return s ? s.split(HEADING_SEP) : [];
}

/**
 * The library's tables, with every statement prepared once. Writes that change what a reader
 * can find are single transactions, so a search never sees half a document.
 */
export class LibraryRepository {
  private readonly s;

  constructor(private readonly db: AppDatabase) {
    const docCols = `d.id, d.sha256, d.filename, d.mime, d.bytes, d.page_count, d.title, d.lang, d.status, d.error, d.created_at, d.indexed_at,
      (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count`;
    this.s = {
      list: db.prepare(`SELECT ${docCols} FROM documents d WHERE d.status = 'indexed' ORDER BY d.created_at DESC, d.filename`),
      get: db.prepare(`SELECT ${docCols} FROM documents d WHERE d.id = ?`),
      bySha: db.prepare(`SELECT ${docCols} FROM documents d WHERE d.sha256 = ? AND d.status = 'indexed'`),
      byFilename: db.prepare(`SELECT ${docCols} FROM documents d WHERE d.filename = ? AND d.status = 'indexed' ORDER BY d.created_at DESC LIMIT 1`),
      insertDoc: db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, title, lang, status, created_at, indexed_at)
        VALUES (@id, @sha256, @filename, @mime, @bytes, @pageCount, @title, @lang, 'indexed', @now, @now)`),
      insertPage: db.prepare('INSERT INTO pages (document_id, page_no, label, text, ocr) VALUES (?, ?, ?, ?, ?)'),
      insertChunk: db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, heading_path, text, context, lang, perspectives, role)
        VALUES (@id, @documentId, @ord, @pageStart, @pageEnd, @headingPath, @text, @context, @lang, @perspectives, @role)`),
      insertFts: db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)'),
      chunkIdsOf: db.prepare('SELECT id FROM chunks WHERE document_id = ?'),
      deleteFts: db.prepare('DELETE FROM chunks_fts WHERE rowid = ?'),
      deleteDoc: db.prepare('DELETE FROM documents WHERE id = ?'),
      maxChunkId: db.prepare('SELECT COALESCE(max(id), 0) AS n FROM chunks'),
      pages: db.prepare('SELECT page_no, label, text, ocr FROM pages WHERE document_id = ? ORDER BY page_no'),
      chunksOf: db.prepare('SELECT id, ord, page_start, page_end, text FROM chunks WHERE document_id = ? ORDER BY ord'),
      corpusVersion: db.prepare(`SELECT value FROM library_meta WHERE key = 'corpus_version'`),
      bumpCorpus: db.prepare(`UPDATE library_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'corpus_version'`),
      langs: db.prepare(`SELECT DISTINCT lang FROM documents WHERE status = 'indexed' AND lang IS NOT NULL`),
      shaInUse: db.prepare(`SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1`),
    };
  }

  list(): LibraryDocument[] {
    return (this.s.list.all() as DocumentRow[]).map(toDocument);
  }

  get(id: string): LibraryDocument | null {
    const r = this.s.get.get(id) as DocumentRow | undefined;
    return r ? toDocument(r) : null;
  }

  findIndexedBySha(sha256: string): LibraryDocument | null {
    const r = this.s.bySha.get(sha256) as DocumentRow | undefined;
    return r ? toDocument(r) : null;
  }

  findIndexedByFilename(filename: string): LibraryDocument | null {
    const r = this.s.byFilename.get(filename) as DocumentRow | undefined;
    return r ? toDocument(r) : null;
  }

  chunkIdsOf(documentId: string): number[] {
    return (this.s.chunkIdsOf.all(documentId) as Array<{ id: number }>).map((r) => r.id);
  }

  isShaInUse(sha256: string): boolean {
    return this.s.shaInUse.get(sha256) !== undefined;
  }

  corpusVersion(): number {
    return Number((this.s.corpusVersion.get() as { value: string }).value);
  }

  languages(): string[] {
    return (this.s.langs.all() as Array<{ lang: string }>).map((r) => r.lang);
  }

  nextChunkId(): number {
    return (this.s.maxChunkId.get() as { n: number }).n + 1;
  }

  /**
   * Adds a whole document — row, pages, chunks, FTS terms, and whatever `alsoWithin` writes
   * (the embedded store's vectors) — and removes the version it replaces, in one transaction.
   */
  addDocument(doc: NewDocument, pages: NewPage[], chunks: NewChunk[], opts: { replaces?: string | null; alsoWithin?: () => void } = {}): number {
    return this.db.transaction(() => {
      if (opts.replaces) this.deleteWithin(opts.replaces);
      this.s.insertDoc.run({ ...doc, now: new Date().toISOString() });
      for (const p of pages) this.s.insertPage.run(doc.id, p.pageNo, p.label, p.text, p.ocr ? 1 : 0);
      for (const c of chunks) {
        this.s.insertChunk.run({
          id: c.id, documentId: doc.id, ord: c.ord, pageStart: c.pageStart, pageEnd: c.pageEnd,
          headingPath: encodeHeadingPath(c.headingPath), text: c.text, context: c.context, lang: c.lang, perspectives: c.perspectives.join(','), role: c.role ?? 'body',
        });
        this.s.insertFts.run(c.id, c.terms);
      }
      opts.alsoWithin?.();
      this.s.bumpCorpus.run();
      return this.corpusVersion();
    })();
  }

  /** Deletes a document and its chunks (cascade) and FTS rows; returns the chunk ids removed. */
  delete(id: string, alsoWithin?: (chunkIds: number[]) => void): { deleted: boolean; chunkIds: number[]; corpusVersion: number } {
    return this.db.transaction(() => {
      const chunkIds = this.deleteWithin(id, alsoWithin);
      if (chunkIds === null) return { deleted: false, chunkIds: [], corpusVersion: this.corpusVersion() };
      this.s.bumpCorpus.run();
      return { deleted: true, chunkIds, corpusVersion: this.corpusVersion() };
    })();
  }

  private deleteWithin(id: string, alsoWithin?: (chunkIds: number[]) => void): number[] | null {
    if (!this.s.get.get(id)) return null;
    const chunkIds = (this.s.chunkIdsOf.all(id) as Array<{ id: number }>).map((r) => r.id);
    for (const c of chunkIds) this.s.deleteFts.run(c);
    alsoWithin?.(chunkIds);
    this.s.deleteDoc.run(id);
    return chunkIds;
  }

  /** Pages with where each chunk starts and ends on them, for the page viewer. */
  pagesWithChunks(documentId: string): DocumentPage[] {
    const pages = this.s.pages.all(documentId) as Array<{ page_no: number; label: string; text: string; ocr: number }>;
    const chunks = this.s.chunksOf.all(documentId) as Array<{ id: number; ord: number; page_start: number; page_end: number; text: string }>;
    return pages.map((p) => {
      // Chunks come in reading order, so each one starts after the previous one's start on this
      // page: searching from there keeps sentences that open alike from matching too early.
      let cursor = 0;
      return {
        pageNo: p.page_no,
        label: p.label,
        text: p.text,
        ocr: p.ocr === 1,
        chunks: chunks.filter((c) => c.page_start <= p.page_no && c.page_end >= p.page_no).map((c) => {
          const span = locateChunkOnPage(p.text, c.text, c.page_start === p.page_no, c.page_end === p.page_no, cursor);
          if (c.page_start === p.page_no) cursor = span.start + 1;
          return { chunkId: c.id, ord: c.ord, start: span.start, end: span.end };
        }),
      };
    });
  }
}

/**
 * Where a chunk's text sits on one page. Chunks may span pages and carry overlap, so we anchor on
 * the chunk's first words (on its first page) and last words (on its last page).
 */
export function locateChunkOnPage(pageText: string, chunkText: string, startsHere: boolean, endsHere: boolean, from = 0): { start: number; end: number } {
  let start = 0;
  let end = pageText.length;
  if (startsHere) {
    const head = chunkText.slice(0, 40);
    let at = pageText.indexOf(head, from);
    if (at < 0) at = pageText.indexOf(head);
    if (at >= 0) start = at;
  }
  if (endsHere) {
    const tail = chunkText.slice(-40);
    const at = pageText.indexOf(tail, start);
    if (at >= 0) end = at + tail.length;
    else if (startsHere) end = Math.min(pageText.length, start + chunkText.length);
  }
  return { start, end: Math.max(start, end) };
}
