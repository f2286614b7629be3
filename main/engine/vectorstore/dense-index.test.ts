import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { openAppDatabase, type AppDatabase } from '../db/open';
import { sqliteVecExtensionPath } from '../resources';
import { syntheticDraws, xorshift } from './embedded-latency';
import { addPointsSync, createEmbeddedStore, deleteChunkVectorsSync } from './embedded';
import { quantizeInt8 } from './int8-scan';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-dense-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function exactTop(vectors: Float32Array[], q: Float32Array, k: number): number[] {
  const cos = (v: Float32Array) => {
    let d = 0;
    let n = 0;
    let m = 0;
    for (let i = 0; i < v.length; i++) {
      d += v[i]! * q[i]!;
      n += v[i]! * v[i]!;
      m += q[i]! * q[i]!;
    }
    return d / Math.sqrt(n * m);
  };
  return vectors.map((v, i) => ({ id: i + 1, s: cos(v) })).sort((a, b) => b.s - a.s).slice(0, k).map((x) => x.id);
}

function seedChunks(db: AppDatabase, n: number): void {
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d', 's', 'a.pdf', 'application/pdf', 1, 'indexed', 'now')`).run();
  const insert = db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text) VALUES (?, 'd', ?, 1, 1, 'x')`);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) insert.run(i, i);
  })();
}

describe('quantised dense search', () => {
  it('an int8 code dot product tracks the cosine', () => {
    const draws = syntheticDraws(xorshift(3), 96);
    const a = draws.vector();
    const b = draws.vector();
    const qa = quantizeInt8(a);
    const qb = quantizeInt8(b);
    let dot = 0;
    let exact = 0;
    for (let i = 0; i < 96; i++) {
      dot += qa.code[i]! * qb.code[i]!;
      exact += a[i]! * b[i]!;
    }
    expect(dot * qa.factor * qb.factor).toBeCloseTo(exact, 2);
  });

  it('finds the exact top 10 of 3000 random 384-d vectors (recall 1.0 over 20 queries), scores exact', async () => {
    const db = openAppDatabase(path.join(dir, 'library.sqlite'));
    seedChunks(db, 3000);
    const draws = syntheticDraws(xorshift(11), 384);
    const vectors = Array.from({ length: 3000 }, () => draws.vector());
    db.transaction(() => addPointsSync(db, vectors.map((vector, i) => ({ chunkId: i + 1, documentId: 'd', lang: 'pt', perspectives: [], vector, terms: '' }))))();
    const store = createEmbeddedStore(db, { dimensions: 384 });
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const probe = draws.vector();
      const hits = await store.query({ mode: 'dense', vector: probe, k: 10 });
      const truth = exactTop(vectors, probe, 10);
      found += hits.filter((h) => truth.includes(h.chunkId)).length;
      expect(hits.map((h) => h.chunkId)).toEqual(truth);
    }
    expect(found).toBe(200);
    db.close();
  });

  it('a second connection (a reader thread) sees appends, overwrites and deletes made by the writer', async () => {
    const file = path.join(dir, 'library.sqlite');
    const writer = openAppDatabase(file);
    seedChunks(writer, 50);
    const draws = syntheticDraws(xorshift(5), 32);
    const point = (chunkId: number, vector: Float32Array) => ({ chunkId, documentId: 'd', lang: 'pt', perspectives: [], vector, terms: '' });
    const vectors = Array.from({ length: 50 }, () => draws.vector());
    writer.transaction(() => addPointsSync(writer, vectors.slice(0, 20).map((v, i) => point(i + 1, v))))();
    const reader = new Database(file, { readonly: true });
    const readStore = createEmbeddedStore(reader, { dimensions: 32 });
    const top = async (v: Float32Array) => (await readStore.query({ mode: 'dense', vector: v, k: 1 }))[0]?.chunkId;
    expect(await top(vectors[4]!)).toBe(5);
    expect(await top(vectors[30]!)).not.toBe(31);
    writer.transaction(() => addPointsSync(writer, vectors.slice(20).map((v, i) => point(i + 21, v))))();
    expect(await top(vectors[30]!)).toBe(31);
    // Chunk 5 now carries chunk 40's vector; chunk 40 is deleted.
    writer.transaction(() => {
      addPointsSync(writer, [point(5, vectors[39]!)]);
      deleteChunkVectorsSync(writer, [40]);
    })();
    expect(await top(vectors[39]!)).toBe(5);
    reader.close();
    writer.close();
  });
});

describe('migration 0008', () => {
  it('moves the vectors of a library made before it (sqlite-vec vec0 table) into chunk_embeddings', async () => {
    const file = path.join(dir, 'library.sqlite');
    const old = new Database(file);
    old.loadExtension(sqliteVecExtensionPath());
    migrate(old, 7);
    seedChunks(old, 40);
    // What the embedded store of schema 7 wrote: a vec0 table created on the first vector.
    old.exec('CREATE VIRTUAL TABLE chunk_vectors USING vec0(chunk_id integer primary key, embedding float[16] distance_metric=cosine)');
    old.prepare(`INSERT INTO library_meta (key, value) VALUES ('vector_dims', '16')`).run();
    const draws = syntheticDraws(xorshift(9), 16);
    const vectors = Array.from({ length: 40 }, () => draws.vector());
    const insert = old.prepare('INSERT INTO chunk_vectors (chunk_id, embedding) VALUES (?, ?)');
    old.transaction(() => vectors.forEach((v, i) => insert.run(BigInt(i + 1), Buffer.from(v.buffer))))();
    old.close();

    const db = openAppDatabase(file);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'chunk_vectors'`).get()).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM chunk_embeddings').get()).toEqual({ n: 40 });
    const probe = draws.vector();
    const hits = await createEmbeddedStore(db, { dimensions: 16 }).query({ mode: 'dense', vector: probe, k: 5 });
    expect(hits.map((h) => h.chunkId)).toEqual(exactTop(vectors, probe, 5));
    db.close();
  });
});
