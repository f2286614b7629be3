import { mkdtempSync, rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { openAppDatabase, type AppDatabase } from '../db/open';
import { retrieve } from '../retrieval/retrieve';
import { addPointsSync, createEmbeddedStore } from './embedded';

export interface LatencyStats {
  p50: number;
  p95: number;
  mean: number;
}

export interface EmbeddedLatencyReport {
  chunks: number;
  dimensions: number;
  queries: number;
  k: number;
  buildMs: number;
  /** Milliseconds per query. */
  bm25: LatencyStats;
  hybrid: LatencyStats;
  dense: LatencyStats;
  /** Exact float KNN by sqlite-vec (a vec0 table of the same vectors, as the store used before 0008). */
  rawKnn: LatencyStats;
  /** retrieve() in BM25 mode, joins and snippets included: the offline search path. */
  retrieveBm25: LatencyStats;
  /** retrieve() hybrid, the question's vector given: the interactive search path. */
  retrieveHybrid: LatencyStats;
  /** Share of the exact float top-k (rawKnn) that the quantised dense search returns. */
  recallAtK: number;
  /** The first dense search after opening: loading the int8 codes. */
  codeLoadMs: number;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)) };
}

/** A deterministic generator, so two runs measure the same data. */
export function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const vocabulary = Array.from({ length: 5000 }, (_, i) => `termo${i.toString(36)}`);

/** Draws Zipf-like words, three-word questions and random unit vectors of `dims` from `rand`. */
export function syntheticDraws(rand: () => number, dims: number) {
  // Zipf-like: low ranks are common, as in real text.
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(rand() * Math.log(vocabulary.length))) - 1)]!;
  const terms = () => [word(), word(), vocabulary[100 + Math.floor(rand() * 4000)]!].join(' ');
  const vector = () => {
    const v = new Float32Array(dims);
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      v[i] = rand() * 2 - 1;
      norm += v[i]! * v[i]!;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < dims; i++) v[i]! /= norm;
    return v;
  };
  return { word, terms, vector };
}

/** Writes `n` chunks of 120 drawn words, with their FTS rows and vectors, under one document 'd'. */
export function writeSyntheticChunks(db: AppDatabase, n: number, draws: ReturnType<typeof syntheticDraws>): void {
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, title, lang, status, created_at) VALUES ('d', 's', 'bench.pdf', 'application/pdf', 1, 1, 'Bench', 'pt', 'indexed', ?)`).run(now);
  db.prepare(`INSERT INTO pages (document_id, page_no, label, text) VALUES ('d', 1, '1', '')`).run();
  const insertChunk = db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text, lang) VALUES (?, 'd', ?, 1, 1, ?, 'pt')`);
  const insertFts = db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)');
  const batch = 500;
  for (let from = 0; from < n; from += batch) {
    db.transaction(() => {
      const points = [];
      for (let i = from; i < Math.min(n, from + batch); i++) {
        const text = Array.from({ length: 120 }, draws.word).join(' ');
        insertChunk.run(i + 1, i, text);
        insertFts.run(i + 1, text);
        points.push({ chunkId: i + 1, documentId: 'd', lang: 'pt', perspectives: [], vector: draws.vector(), terms: text });
      }
      addPointsSync(db, points);
    })();
  }
}

/**
 * The exact float baseline: the same vectors in a sqlite-vec vec0 table (the embedded store's
 * layout before migration 0008), searched by its brute-force KNN. Returns that statement.
 */
export function floatKnnTable(db: AppDatabase, dims: number): Database.Statement {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.float_knn USING vec0(chunk_id integer primary key, embedding float[${dims}] distance_metric=cosine)`);
  const copied = (db.prepare('SELECT count(*) FROM temp.float_knn').pluck().get() as number) > 0;
  if (!copied) {
    const insert = db.prepare('INSERT INTO temp.float_knn (chunk_id, embedding) VALUES (?, ?)');
    const rows = db.prepare('SELECT chunk_id, vector FROM chunk_embeddings').raw().all() as Array<[number, Buffer]>;
    db.transaction(() => {
      for (const [id, blob] of rows) insert.run(BigInt(id), blob);
    })();
  }
  return db.prepare('SELECT chunk_id, distance FROM temp.float_knn WHERE embedding MATCH ? AND k = ?');
}

/**
 * Builds a temporary library of `chunks` chunks with random unit vectors and Zipf-distributed
 * words, then times BM25, dense, hybrid and the raw sqlite-vec KNN on it. For the bench.
 */
export async function measureEmbeddedLatency(opts: { chunks?: number; dimensions?: number; queries?: number; k?: number } = {}): Promise<EmbeddedLatencyReport> {
  const n = opts.chunks ?? 10_000;
  const dims = opts.dimensions ?? 1536;
  const queries = opts.queries ?? 100;
  const k = opts.k ?? 10;
  const draws = syntheticDraws(xorshift(42), dims);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bsc-latency-'));
  const db = openAppDatabase(path.join(dir, 'library.sqlite'));
  try {
    const started = performance.now();
    writeSyntheticChunks(db, n, draws);
    const buildMs = Math.round(performance.now() - started);

    const store = createEmbeddedStore(db, { dimensions: dims });
    const rawKnn = floatKnnTable(db, dims);
    const samples = { bm25: [] as number[], hybrid: [] as number[], dense: [] as number[], rawKnn: [] as number[], retrieveBm25: [] as number[], retrieveHybrid: [] as number[] };
    const time = async <T>(into: number[], work: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      const out = await work();
      into.push(performance.now() - t);
      return out;
    };
    // The first dense search of a connection loads the int8 codes into memory (once, then kept in
    // step with writes): timed on its own, as the engine pays it once after opening the library.
    const loadStarted = performance.now();
    await store.query({ mode: 'dense', vector: draws.vector(), k });
    const codeLoadMs = Math.round(performance.now() - loadStarted);
    let found = 0;
    for (let i = 0; i < queries; i++) {
      const terms = draws.terms();
      const v = draws.vector();
      const exact = await time(samples.rawKnn, () => rawKnn.all(Buffer.from(v.buffer), k) as Array<{ chunk_id: number }>);
      const dense = await time(samples.dense, () => store.query({ mode: 'dense', vector: v, k }));
      const truth = new Set(exact.map((r) => r.chunk_id));
      found += dense.filter((h) => truth.has(h.chunkId)).length;
      await time(samples.bm25, () => store.query({ mode: 'bm25', terms, k }));
      await time(samples.hybrid, () => store.query({ mode: 'hybrid', vector: v, terms, k }));
      await time(samples.retrieveBm25, () => retrieve({ db, store, embed: null, libraryLangs: [] }, { query: terms, k, mode: 'bm25' }));
      await time(samples.retrieveHybrid, () => retrieve({ db, store, embed: async () => [v], libraryLangs: [] }, { query: terms, k, mode: 'hybrid' }));
    }
    return {
      chunks: n, dimensions: dims, queries, k, buildMs,
      bm25: stats(samples.bm25), hybrid: stats(samples.hybrid), dense: stats(samples.dense), rawKnn: stats(samples.rawKnn),
      retrieveBm25: stats(samples.retrieveBm25), retrieveHybrid: stats(samples.retrieveHybrid),
      recallAtK: Math.round((found / (queries * k)) * 1000) / 1000,
      codeLoadMs,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
