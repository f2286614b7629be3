import type Database from 'better-sqlite3';
import { Perspective } from '../../../preload/contract';
import { BscError, throwIfCancelled } from '../errors';
import { fuseByReciprocalRank } from '../retrieval/fusion';
import { ftsMatchQuery } from '../retrieval/analyze';
import {
  VECTOR_DIMS_KEY, deleteDenseVector, deleteDocumentDenseVectors, denseSearch, dimensionsMismatch,
  dropDenseTables, ensureDenseTable, tableExists, writeDenseVector,
} from './dense-index';
import { DEFAULT_RRF_K, filterMatchesNothing, hybridCandidateLimit } from './port';
import type { VectorFilter, VectorHit, VectorPoint, VectorStore } from './port';

/**
 * The embedded store: int8-quantised dense vectors re-scored with their floats (dense-index.ts)
 * and the library's own FTS5 table (`chunks_fts`, written by the import with the document) for
 * BM25, in the app database.
 *
 * - `chunk_filters` holds one row per point (document, language, perspectives as a bitmask), so
 *   dense filters are applied in SQL before the scan. A point without a vector has a row here only.
 * - BM25 searches the library's FTS table, not the store's points: `add` ignores `terms` (the FTS
 *   row is written with the document), and delete/drop leave BM25 untouched — the offline search
 *   works whatever state the derived index is in. Document and language filters read `chunks`;
 *   the perspective filter reads `chunk_filters`, so it needs the chunk to have been added
 *   (the import should add every chunk, with a null vector when there is no embedder).
 * - The vector table is created on the first vector; its dimensions are kept in library_meta
 *   (`vector_dims`), and a vector of other dimensions is refused: the index must be rebuilt.
 */

type Db = Database.Database;

const perspectiveBits: Record<Perspective, number> = Object.fromEntries(Perspective.options.map((p, i) => [p, 1 << i])) as Record<Perspective, number>;

function perspectiveMask(perspectives: readonly Perspective[]): number {
  let mask = 0;
  for (const p of perspectives) mask |= perspectiveBits[p] ?? 0;
  return mask;
}

const FILTER_CONDITION = `(@docs IS NULL OR document_id IN (SELECT value FROM json_each(@docs)))
  AND (@langs IS NULL OR lang IN (SELECT value FROM json_each(@langs)))
  AND (@mask = 0 OR (perspectives & @mask) != 0)`;

interface FilterParams {
  docs: string | null;
  langs: string | null;
  mask: number;
}

function filterParams(filter: VectorFilter | undefined): FilterParams | null {
  if (!filter || (!filter.documentIds && !filter.langs && !filter.perspectives)) return null;
  return {
    docs: filter.documentIds ? JSON.stringify(filter.documentIds) : null,
    langs: filter.langs ? JSON.stringify(filter.langs) : null,
    mask: filter.perspectives ? perspectiveMask(filter.perspectives) : 0,
  };
}

interface StoreStatements {
  upsertFilter: Database.Statement;
  deleteFilter: Database.Statement;
  deleteDocumentFilters: Database.Statement;
  allowedChunks: Database.Statement;
  bm25: Database.Statement;
  bm25Filtered: Database.Statement;
  docFreq: Database.Statement;
  chunkCount: Database.Statement;
  count: Database.Statement;
  /** Created or extended inside a transaction that has not been seen committed yet. */
  provisional: boolean;
}

// Statements are prepared once per database connection and shared by the store and the
// transaction-scoped functions, which have only the connection.
const prepared = new WeakMap<Db, StoreStatements>();

/**
 * The store's tables that are made on first use rather than by a migration. Restore accepts them
 * in a backup's schema (backup/schema-check.ts), so keep this the only place they are created.
 */
export function createOnDemandTables(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS chunk_filters (
      chunk_id     INTEGER PRIMARY KEY,
      document_id  TEXT NOT NULL,
      lang         TEXT,
      perspectives INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS chunk_filters_document ON chunk_filters(document_id);`);
}

function statementsOf(db: Db): StoreStatements {
  let s = prepared.get(db);
  if (s?.provisional) {
    // Tables created inside a transaction vanish if it rolls back: check until one has committed.
    if (!tableExists(db, 'chunk_filters')) s = undefined;
    else if (!db.inTransaction) s.provisional = false;
  }
  if (s) return s;
  if (!db.readonly) createOnDemandTables(db);
  const bm25Sql = (filtered: boolean) =>
    filtered
      ? `SELECT chunks_fts.rowid AS chunk_id, bm25(chunks_fts) AS rank, chunks_fts.terms AS terms
         FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
         WHERE chunks_fts MATCH @match
           AND (@docs IS NULL OR c.document_id IN (SELECT value FROM json_each(@docs)))
           AND (@langs IS NULL OR c.lang IN (SELECT value FROM json_each(@langs)))
           AND (@mask = 0 OR c.id IN (SELECT chunk_id FROM chunk_filters WHERE (perspectives & @mask) != 0))
         ORDER BY rank LIMIT @k`
      : `SELECT rowid AS chunk_id, bm25(chunks_fts) AS rank, terms FROM chunks_fts WHERE chunks_fts MATCH @match ORDER BY rank LIMIT @k`;
  // Document frequencies for the re-scoring below; a temp table, so the schema is untouched.
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_vocab USING fts5vocab(main, chunks_fts, row)');
  s = {
    upsertFilter: db.prepare(`INSERT INTO chunk_filters (chunk_id, document_id, lang, perspectives) VALUES (?, ?, ?, ?)
      ON CONFLICT (chunk_id) DO UPDATE SET document_id = excluded.document_id, lang = excluded.lang, perspectives = excluded.perspectives`),
    deleteFilter: db.prepare('DELETE FROM chunk_filters WHERE chunk_id = ?'),
    deleteDocumentFilters: db.prepare('DELETE FROM chunk_filters WHERE document_id = ?'),
    allowedChunks: db.prepare(`SELECT chunk_id FROM chunk_filters WHERE ${FILTER_CONDITION}`).pluck(),
    bm25: db.prepare(bm25Sql(false)),
    bm25Filtered: db.prepare(bm25Sql(true)),
    count: db.prepare('SELECT count(*) AS n FROM chunk_filters'),
    docFreq: db.prepare('SELECT doc FROM temp.chunks_fts_vocab WHERE term = ?'),
    chunkCount: db.prepare('SELECT count(*) AS n FROM chunks'),
    provisional: db.inTransaction,
  };
  prepared.set(db, s);
  return s;
}

/**
 * Upserts points without opening a transaction, for use inside the caller's (the import writes a
 * document, its chunks, FTS rows and vectors in one). A point with a null vector loses any old one.
 */
export function addPointsSync(db: Db, points: readonly VectorPoint[]): void {
  const s = statementsOf(db);
  const dims = points.find((p) => p.vector)?.vector?.length;
  if (dims !== undefined) ensureDenseTable(db, dims);
  for (const p of points) {
    s.upsertFilter.run(p.chunkId, p.documentId, p.lang, perspectiveMask(p.perspectives));
    if (p.vector) {
      if (p.vector.length !== dims) throw dimensionsMismatch(dims ?? 0, p.vector.length);
      writeDenseVector(db, p.chunkId, p.vector);
    } else {
      deleteDenseVector(db, p.chunkId);
    }
  }
  s.provisional ||= db.inTransaction;
}

/** Removes a document's points; for use inside the caller's transaction that deletes the document. */
export function deleteDocumentVectorsSync(db: Db, documentId: string): void {
  const s = statementsOf(db);
  deleteDocumentDenseVectors(db, documentId);
  s.deleteDocumentFilters.run(documentId);
}

/** Removes points by chunk id, inside the caller's transaction. */
export function deleteChunkVectorsSync(db: Db, chunkIds: readonly number[]): void {
  const s = statementsOf(db);
  for (const chunkId of chunkIds) {
    deleteDenseVector(db, chunkId);
    s.deleteFilter.run(chunkId);
  }
}

/** Drops the derived tables and the recorded dimensions; the next add creates them afresh. */
export function dropEmbeddedIndexSync(db: Db): void {
  db.transaction(() => {
    dropDenseTables(db);
    if (tableExists(db, 'chunk_filters')) db.exec('DELETE FROM chunk_filters');
    db.prepare('DELETE FROM library_meta WHERE key = ?').run(VECTOR_DIMS_KEY);
  })();
  prepared.delete(db);
}

const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * BM25 over FTS5's candidates with an IDF that never goes to zero (Lucene's
 * ln(1 + (N − n + 0.5)/(n + 0.5))). FTS5's own bm25() clamps the IDF of a term found in more than
 * half the chunks to almost nothing — and in a BSC library "indicador" and "perspectiva" are in
 * most chunks, so its ranking was decided by incidental rare words. Exported for its test.
 */
export function rescoreBm25(rows: ReadonlyArray<{ chunk_id: number; terms: string }>, queryTerms: string[], docFreq: (term: string) => number, totalChunks: number): VectorHit[] {
  if (rows.length === 0) return [];
  // Only the query's terms are counted: a candidate's other words matter only through its length.
  const wanted = new Set(queryTerms);
  const docs = rows.map((r) => {
    const tf = new Map<string, number>();
    let len = 0;
    for (const w of r.terms.split(' ')) {
      if (!w) continue;
      len++;
      if (wanted.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
    }
    return { id: r.chunk_id, tf, len };
  });
  const avgdl = docs.reduce((a, d) => a + d.len, 0) / docs.length || 1;
  const n = Math.max(totalChunks, 1);
  const idf = new Map(queryTerms.map((t) => {
    const df = Math.min(docFreq(t), n);
    return [t, Math.log(1 + (n - df + 0.5) / (df + 0.5))];
  }));
  return docs
    .map((d, order) => {
      let score = 0;
      for (const t of queryTerms) {
        const f = d.tf.get(t);
        if (!f) continue;
        score += (idf.get(t) ?? 0) * ((f * (BM25_K1 + 1)) / (f + BM25_K1 * (1 - BM25_B + BM25_B * (d.len / avgdl))));
      }
      return { chunkId: d.id, score, order };
    })
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ chunkId, score }) => ({ chunkId, score }));
}

export interface EmbeddedStoreOptions {
  /** The embedding model's dimensions; absent or 0 when there is no embedder or they are not known yet. */
  dimensions?: number;
}

export function createEmbeddedStore(db: Db, opts: EmbeddedStoreOptions = {}): VectorStore {
  const checkDims = (v: Float32Array) => {
    if (opts.dimensions && v.length !== opts.dimensions) {
      throw new BscError('BAD_INPUT', `A ${v.length}-dimensional vector was given to a store of ${opts.dimensions} dimensions.`);
    }
  };

  function dense(vector: Float32Array, k: number, filter: VectorFilter | undefined): VectorHit[] {
    checkDims(vector);
    const s = statementsOf(db);
    const params = filterParams(filter);
    const allowed = params ? new Set(s.allowedChunks.all(params) as number[]) : null;
    return denseSearch(db, vector, k, allowed);
  }

  function bm25(terms: string, k: number, filter: VectorFilter | undefined): VectorHit[] {
    // The terms are analysed already; with no language the analyser only re-tokenises and quotes them.
    const match = ftsMatchQuery(terms, []);
    if (!match) return [];
    const s = statementsOf(db);
    const params = filterParams(filter);
    const candidates = Math.max(k * 4, 200);
    const rows = (params ? s.bm25Filtered.all({ match, k: candidates, ...params }) : s.bm25.all({ match, k: candidates })) as Array<{ chunk_id: number; rank: number; terms: string }>;
    return rescoreBm25(rows, [...new Set(terms.split(/\s+/).filter(Boolean))], (t) => (s.docFreq.get(t) as { doc: number } | undefined)?.doc ?? 0, (s.chunkCount.get() as { n: number }).n).slice(0, k);
  }

  return {
    kind: 'embedded',
    // The import writes a document, its chunks and its vectors in one transaction.
    transactional: { addWithin: (points) => addPointsSync(db, points), deleteWithin: (ids) => deleteChunkVectorsSync(db, ids) },
    async add(points, o) {
      throwIfCancelled(o?.signal);
      for (const p of points) if (p.vector) checkDims(p.vector);
      db.transaction(() => addPointsSync(db, points))();
    },
    async delete(sel) {
      db.transaction(() => {
        if ('documentId' in sel) deleteDocumentVectorsSync(db, sel.documentId);
        else deleteChunkVectorsSync(db, sel.chunkIds);
      })();
    },
    async query(q, o) {
      throwIfCancelled(o?.signal);
      if (q.k <= 0 || filterMatchesNothing(q.filter)) return [];
      const terms = q.terms?.trim() ? q.terms : undefined;
      if (q.mode === 'dense') {
        if (!q.vector) throw new BscError('BAD_INPUT', 'A dense query needs a vector.');
        return dense(q.vector, q.k, q.filter);
      }
      if (q.mode === 'bm25') return terms ? bm25(terms, q.k, q.filter) : [];
      const limit = hybridCandidateLimit(q.k);
      const lists: Array<{ ids: string[]; weight: number }> = [];
      if (q.vector) lists.push({ ids: dense(q.vector, limit, q.filter).map((h) => String(h.chunkId)), weight: q.weights?.dense ?? 1 });
      if (terms) lists.push({ ids: bm25(terms, limit, q.filter).map((h) => String(h.chunkId)), weight: q.weights?.bm25 ?? 1 });
      return fuseByReciprocalRank(lists, q.rrfK ?? DEFAULT_RRF_K)
        .slice(0, q.k)
        .map((h) => ({ chunkId: Number(h.id), score: h.score }));
    },
    async count() {
      return (statementsOf(db).count.get() as { n: number }).n;
    },
    async drop() {
      dropEmbeddedIndexSync(db);
    },
  };
}
