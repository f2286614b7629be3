import type Database from 'better-sqlite3';
import { decodeHeadingPath } from '../db/library';
import { isAbortError, throwIfCancelled } from '../errors';
import type { VectorFilter, VectorStore } from '../vectorstore/port';
import { analyzeTerms, detectQueryLanguage, foldDiacritics, isStemLanguage, tokenize } from './analyze';
import type { IndexLanguage } from './analyze';

export type RetrievalMode = 'hybrid' | 'bm25' | 'dense';

export interface RetrieveDeps {
  db: Database.Database;
  store: VectorStore;
  /** Null when no embedding provider is configured: retrieval is then BM25 only. */
  embed: ((texts: string[], signal?: AbortSignal) => Promise<Float32Array[]>) | null;
  /** The languages the library was indexed in (the query is analysed in each; 'other': documents indexed unstemmed). */
  libraryLangs: IndexLanguage[];
}

export interface RetrieveQuery {
  query: string;
  k: number;
  mode: RetrievalMode;
  filter?: VectorFilter;
  rrfK?: number;
  weights?: { dense: number; bm25: number };
  signal?: AbortSignal;
}

export interface RetrievedHit {
  chunkId: number;
  documentId: string;
  score: number;
  text: string;
  pageStart: number;
  pageEnd: number;
  headingPath: string[];
  pageLabel: string;
  filename: string;
  title: string | null;
  snippet: string;
  /** The first page was read by OCR (migration 0006). */
  ocr: boolean;
  /** 'toc' / 'index' chunks are searchable but not evidence (migration 0006). */
  role: 'body' | 'toc' | 'index';
}

export interface RetrieveResult {
  hits: RetrievedHit[];
  /** The mode actually used (BM25 when there is no embedder or it failed). */
  mode: RetrievalMode;
  notes: string[];
}

/** Extra hits asked of the store, so chunks of documents no longer indexed can be dropped without coming up short. */
const OVERFETCH = 10;
const SNIPPET_CHARS = 240;

interface ChunkRow {
  id: number;
  document_id: string;
  page_start: number;
  page_end: number;
  heading_path: string;
  text: string;
  lang: string | null;
  filename: string;
  title: string | null;
  label: string | null;
  ocr: number | null;
  role: 'body' | 'toc' | 'index';
}

const joinStatements = new WeakMap<Database.Database, Database.Statement>();

function chunkRowsStatement(db: Database.Database): Database.Statement {
  let s = joinStatements.get(db);
  if (!s) {
    s = db.prepare(`
      SELECT c.id, c.document_id, c.page_start, c.page_end, c.heading_path, c.text, c.lang, c.role, d.filename, d.title, p.label, p.ocr
      FROM json_each(?) j
      JOIN chunks c ON c.id = j.value
      JOIN documents d ON d.id = c.document_id AND d.status = 'indexed'
      LEFT JOIN pages p ON p.document_id = c.document_id AND p.page_no = c.page_start`);
    joinStatements.set(db, s);
  }
  return s;
}

/** The query's terms as the index holds them: analysed in every library language (plain folded tokens when none is known). */
export function analyzeQuery(query: string, libraryLangs: IndexLanguage[]): string[] {
  // A question in a language the library has is analysed in that language only: a Portuguese
  // word run through the English stemmer matches nothing useful and only adds noise.
  // Documents of unknown language were indexed unstemmed: plain tokens always go along for them.
  const asked = detectQueryLanguage(query);
  const unstemmed: IndexLanguage[] = libraryLangs.includes('other') ? ['other'] : [];
  const langs: IndexLanguage[] = asked !== 'other' && libraryLangs.includes(asked) ? [asked, ...unstemmed] : libraryLangs.length ? libraryLangs : ['other'];
  const content = tokenize(query).filter((t) => !QUESTION_FILLERS.has(t)).join(' ');
  return [...new Set(langs.flatMap((lang) => analyzeTerms(content, lang)))];
}

/**
 * Verbs that carry the question's form, not its subject ("which indicators should I use"): kept
 * in the index, left out of queries, where their rarity in the library would outweigh the subject.
 */
const QUESTION_FILLERS = new Set([
  'usar', 'utilizar', 'fazer', 'ter', 'ser', 'estar', 'haver', 'existe', 'existem', 'deve', 'devo', 'devem', 'devemos',
  'posso', 'pode', 'podem', 'podemos', 'preciso', 'precisa', 'precisam', 'sao', 'seria', 'seriam', 'explique', 'explica', 'diga',
  'use', 'using', 'do', 'does', 'should', 'can', 'could', 'would', 'need', 'make', 'get', 'explain', 'tell',
]);

/**
 * Searches the library: BM25, dense or both fused, then joins the hits to their chunk, document
 * and page. Degrades to BM25 (with a note) when there is no embedder or it fails, so a search
 * always answers offline.
 */
export async function retrieve(deps: RetrieveDeps, q: RetrieveQuery): Promise<RetrieveResult> {
  const notes: string[] = [];
  const terms = analyzeQuery(q.query, deps.libraryLangs);
  let mode = q.mode;
  let vector: Float32Array | undefined;

  if (mode !== 'bm25' && !deps.embed) {
    notes.push('No embedding provider is configured: searched with BM25 only.');
    mode = 'bm25';
  }
  if (mode !== 'bm25' && deps.embed) {
    try {
      [vector] = await deps.embed([q.query], q.signal);
    } catch (err) {
      if (isAbortError(err) || q.signal?.aborted) throw err;
      notes.push(`Embedding the question failed (${err instanceof Error ? err.message : String(err)}): searched with BM25 only.`);
      mode = 'bm25';
    }
  }
  if (mode === 'hybrid' && terms.length === 0) {
    notes.push('The question has no searchable words for BM25: searched by meaning only.');
    mode = 'dense';
  }
  if (mode === 'bm25' && terms.length === 0) {
    notes.push('The question has no searchable words.');
    return { hits: [], mode, notes };
  }
  throwIfCancelled(q.signal);

  const found = await deps.store.query(
    {
      mode,
      k: q.k + OVERFETCH,
      ...(vector && mode !== 'bm25' ? { vector } : {}),
      ...(mode !== 'dense' ? { terms: terms.join(' ') } : {}),
      ...(q.filter ? { filter: q.filter } : {}),
      ...(q.rrfK !== undefined ? { rrfK: q.rrfK } : {}),
      ...(q.weights ? { weights: q.weights } : {}),
    },
    { ...(q.signal ? { signal: q.signal } : {}) },
  );
  if (found.length === 0) return { hits: [], mode, notes };

  const rows = new Map((chunkRowsStatement(deps.db).all(JSON.stringify(found.map((h) => h.chunkId))) as ChunkRow[]).map((r) => [r.id, r]));
  const termSet = new Set(terms);
  const hits: RetrievedHit[] = [];
  for (const h of found) {
    const r = rows.get(h.chunkId);
    if (!r) continue; // a chunk of a document being replaced or removed, or a stale index entry
    hits.push({
      chunkId: r.id,
      documentId: r.document_id,
      score: h.score,
      text: r.text,
      pageStart: r.page_start,
      pageEnd: r.page_end,
      headingPath: decodeHeadingPath(r.heading_path),
      pageLabel: r.label ?? String(r.page_start),
      ocr: r.ocr === 1,
      role: r.role,
      filename: r.filename,
      title: r.title,
      snippet: snippetAround(r.text, termSet, isStemLanguage(r.lang) ? [r.lang] : r.lang === 'und' ? ['other'] : deps.libraryLangs),
    });
    if (hits.length === q.k) break;
  }
  return { hits, mode, notes };
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * About SNIPPET_CHARS of the text around its first word whose analysed form is a query term
 * (so "relatorio" finds "Relatórios"); the text's start when none matches (a dense-only hit).
 */
export function snippetAround(text: string, terms: ReadonlySet<string>, langs: IndexLanguage[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_CHARS) return flat;
  const analysed = new Map<string, boolean>();
  const isMatch = (word: string): boolean => {
    const folded = foldDiacritics(word);
    let hit = analysed.get(folded);
    if (hit === undefined) {
      hit = (langs.length ? langs : (['other'] as const)).some((lang) => analyzeTerms(folded, lang).some((t) => terms.has(t)));
      analysed.set(folded, hit);
    }
    return hit;
  };
  let at = -1;
  for (const m of flat.matchAll(WORD)) {
    if (isMatch(m[0])) {
      at = m.index;
      break;
    }
  }
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(SNIPPET_CHARS / 4));
  let end = Math.min(flat.length, start + SNIPPET_CHARS);
  start = Math.max(0, end - SNIPPET_CHARS);
  // Cut at spaces so no word is split.
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
