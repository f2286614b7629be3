import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDatabase, type AppDatabase } from '../db/open';
import { silentLog } from '../observability/log';
import { addPointsSync, createEmbeddedStore } from '../vectorstore/embedded';
import { syntheticDraws, writeSyntheticChunks, xorshift } from '../vectorstore/embedded-latency';
import { createReaderPool, defaultReaderThreads, type ReaderPool } from './reader-pool';
import { type RetrieveDeps, retrieve } from './retrieve';

const DIMS = 64;
let dir: string;
let db: AppDatabase;
let pool: ReaderPool;
const draws = syntheticDraws(xorshift(77), DIMS);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-readers-'));
  db = openAppDatabase(path.join(dir, 'library.sqlite'));
  writeSyntheticChunks(db, 3000, draws);
  pool = createReaderPool({ size: 2, log: silentLog });
});
afterAll(async () => {
  await pool.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function depsFor(vector: Float32Array | null, failing = false): RetrieveDeps {
  const embed = failing ? async () => { throw new Error('provider down'); } : vector ? async () => [vector] : null;
  return { db, store: createEmbeddedStore(db, { dimensions: DIMS }), embed, libraryLangs: [] };
}

describe('reader pool', () => {
  it('defaults to one thread per core beyond the engine, at least one', () => {
    expect(defaultReaderThreads(2)).toBe(1);
    expect(defaultReaderThreads(8)).toBe(7);
    expect(defaultReaderThreads(1)).toBe(1);
  });

  it('returns exactly what the in-process search returns, in every mode, with filters and failures', async () => {
    for (let i = 0; i < 12; i++) {
      const v = draws.vector();
      const q = draws.terms();
      for (const mode of ['hybrid', 'bm25', 'dense'] as const) {
        const query = { query: q, k: 10, mode, ...(i % 3 === 0 ? { filter: { documentIds: ['d'] } } : {}) };
        expect(await pool.execute(depsFor(v), query), `${mode} ${q}`).toEqual(await retrieve(depsFor(v), query));
      }
      // No provider, and a provider that fails: the same BM25 answer with the same notes.
      expect(await pool.execute(depsFor(null), { query: q, k: 5, mode: 'hybrid' })).toEqual(await retrieve(depsFor(null), { query: q, k: 5, mode: 'hybrid' }));
      const failed = await pool.execute(depsFor(v, true), { query: q, k: 5, mode: 'hybrid' });
      expect(failed).toEqual(await retrieve(depsFor(v, true), { query: q, k: 5, mode: 'hybrid' }));
      expect(failed.notes.join(' ')).toMatch(/provider down/);
    }
  }, 60_000);

  it('answers 20 concurrent searches like 20 sequential ones, and sees what the writer adds', async () => {
    const cases = Array.from({ length: 20 }, () => ({ v: draws.vector(), q: draws.terms() }));
    const sequential = [];
    for (const c of cases) sequential.push(await retrieve(depsFor(c.v), { query: c.q, k: 10, mode: 'hybrid' }));
    const concurrent = await Promise.all(cases.map((c) => pool.execute(depsFor(c.v), { query: c.q, k: 10, mode: 'hybrid' })));
    expect(concurrent).toEqual(sequential);

    // A new chunk whose vector is the probe itself: the readers find it first once it is committed.
    const probe = draws.vector();
    db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text, lang) VALUES (99999, 'd', 99999, 1, 1, 'novo trecho', 'pt')`).run();
    db.transaction(() => addPointsSync(db, [{ chunkId: 99999, documentId: 'd', lang: 'pt', perspectives: [], vector: probe, terms: '' }]))();
    const top = await pool.execute(depsFor(probe), { query: 'novo', k: 1, mode: 'dense' });
    expect(top.hits[0]?.chunkId).toBe(99999);
  }, 60_000);

  it('a cancelled search rejects as cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pool.execute(depsFor(draws.vector()), { query: 'x', k: 3, mode: 'hybrid', signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
