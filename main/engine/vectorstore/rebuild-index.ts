import type Database from 'better-sqlite3';
import type { Perspective } from '../../../preload/contract';
import type { EmbeddingCache } from '../embeddings/cache';
import { embedWithCache } from '../embeddings/embed-with-cache';
import type { EmbeddingProvider } from '../embeddings/provider';
import { throwIfCancelled } from '../errors';
import { embeddingTextOf } from '../ingest/index-document';
import type { VectorPoint, VectorStore } from './port';

export interface RebuildIndexOptions {
  /** The library database, the record the index is derived from. */
  db: Database.Database;
  /** The store to fill: emptied first. */
  store: VectorStore;
  /** Null: points carry no vector (the store then serves BM25 and filters only). */
  embedder: { provider: EmbeddingProvider; cache: EmbeddingCache } | null;
  signal?: AbortSignal;
  progress?(stage: string, done: number, total: number): void;
}

/** Chunks per page: one embedding request and one store write each. */
const PAGE = 256;

interface ChunkRow { id: number; document_id: string; lang: string | null; perspectives: string; text: string; context: string | null; terms: string }

/**
 * Re-creates a vector index from the database and the embedding cache: the one rebuild used by
 * store moves (vectorstore/store-runtime.ts) and by restore (backup/restore.ts). Chunks of indexed
 * documents are read in pages of PAGE by id (each page iterated, so memory stays flat and no read
 * stays open while the store writes to the same connection), embedded with the cache first (a text
 * already embedded costs no provider call) and added with their filters and BM25 terms.
 */
export async function rebuildVectorIndex(opts: RebuildIndexOptions): Promise<{ points: number; embeddedNow: number }> {
  const { db, store, embedder, signal } = opts;
  opts.progress?.('indexing', 0, 0);
  await store.drop();
  const total = db.prepare(`SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'indexed'`).pluck().get() as number;
  const page = db.prepare(`SELECT c.id, c.document_id, c.lang, c.perspectives, c.text, c.context, coalesce(f.terms, '') AS terms
    FROM chunks c JOIN documents d ON d.id = c.document_id LEFT JOIN chunks_fts f ON f.rowid = c.id
    WHERE d.status = 'indexed' AND c.id > ? ORDER BY c.id LIMIT ?`);
  const missesBefore = embedder?.cache.stats().misses ?? 0;
  let done = 0;
  for (let after = 0; ; ) {
    throwIfCancelled(signal);
    const rows: ChunkRow[] = [];
    for (const row of page.iterate(after, PAGE) as Iterable<ChunkRow>) rows.push(row);
    if (rows.length === 0) break;
    const vectors = embedder ? await embedWithCache(embedder.provider, embedder.cache, rows.map(embeddingTextOf), { signal }) : null;
    const points: VectorPoint[] = rows.map((r, i) => ({
      chunkId: r.id, documentId: r.document_id, lang: r.lang,
      perspectives: (r.perspectives ? r.perspectives.split(',') : []) as Perspective[],
      vector: vectors?.[i] ?? null, terms: r.terms,
    }));
    await store.add(points, signal ? { signal } : {});
    after = rows[rows.length - 1]!.id;
    done += rows.length;
    opts.progress?.('indexing', done, total);
  }
  return { points: done, embeddedNow: (embedder?.cache.stats().misses ?? 0) - missesBefore };
}
