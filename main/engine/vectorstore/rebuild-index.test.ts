import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openAppDatabase, type AppDatabase } from '../db/open';
import { openEmbeddingCache } from '../embeddings/cache';
import type { EmbeddingProvider } from '../embeddings/provider';
import { createEmbeddedStore } from './embedded';
import { rebuildVectorIndex } from './rebuild-index';

let dir: string;
let db: AppDatabase;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-rebuild-'));
  db = openAppDatabase(path.join(dir, 'library.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Deterministic 16-d vectors from the text's hash; counts what it was asked to embed. */
function hashingProvider(asked: string[]): EmbeddingProvider {
  const vector = (text: string) => {
    const h = createHash('sha256').update(text).digest();
    return Float32Array.from({ length: 16 }, (_, i) => (h[i]! - 128) / 128);
  };
  return {
    id: 'openai-compatible', model: 'hash', dimensions: 16, fingerprint: 'openai-compatible|hash|16', maxBatch: 64,
    async embed(texts) {
      asked.push(...texts);
      return texts.map(vector);
    },
    async resolveDimensions() {
      return 16;
    },
  };
}

it('rebuilds from the chunks of indexed documents in pages, with context in the embedded text, and pays once', async () => {
  const insertDoc = db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES (?, ?, 'a.pdf', 'application/pdf', 1, ?, 'now')`);
  insertDoc.run('live', 'a', 'indexed');
  insertDoc.run('half', 'b', 'failed');
  const insertChunk = db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text, context, perspectives) VALUES (?, ?, ?, 1, 1, ?, ?, ?)`);
  const insertFts = db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 600; i++) {
      insertChunk.run(i, 'live', i, `trecho ${i}`, i % 2 ? `contexto ${i}` : null, i % 3 ? 'financial' : 'customer,process');
      insertFts.run(i, `trech ${i}`);
    }
    insertChunk.run(601, 'half', 0, 'falhou', null, '');
  })();
  const asked: string[] = [];
  const embedder = { provider: hashingProvider(asked), cache: openEmbeddingCache(path.join(dir, 'cache.sqlite')) };
  const store = createEmbeddedStore(db, { dimensions: 16 });
  const progress: number[] = [];
  const first = await rebuildVectorIndex({ db, store, embedder, progress: (_s, done) => progress.push(done) });
  expect(first).toEqual({ points: 600, embeddedNow: 600 });
  expect(progress).toEqual([0, 256, 512, 600]);
  expect(asked).toContain('contexto 1\n\ntrecho 1');
  expect(asked).toContain('trecho 2');
  expect(await store.count()).toBe(600);
  expect(db.prepare('SELECT count(*) FROM chunk_embeddings').pluck().get()).toBe(600);
  const customer = await store.query({ mode: 'bm25', terms: 'trech', k: 1000, filter: { perspectives: ['customer'] } });
  expect(customer).toHaveLength(200);

  // Again: everything comes from the cache, nothing from the provider.
  asked.length = 0;
  expect(await rebuildVectorIndex({ db, store, embedder })).toEqual({ points: 600, embeddedNow: 0 });
  expect(asked).toEqual([]);
  embedder.cache.close();
});
