import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../db/open';
import type { AppDatabase } from '../db/open';
import { CONTRACT_DIMS, contractCorpus, describeVectorStoreContract, insertCorpusRows } from './contract-suite';
import { addPointsSync, createEmbeddedStore, deleteDocumentVectorsSync } from './embedded';

function tempDatabase(): { db: AppDatabase; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bsc-embedded-store-'));
  return { db: openAppDatabase(path.join(dir, 'library.sqlite')), dir };
}

describeVectorStoreContract('embedded (sqlite-vec + FTS5)', async () => {
  const { db, dir } = tempDatabase();
  insertCorpusRows(db, contractCorpus());
  return {
    store: createEmbeddedStore(db, { dimensions: CONTRACT_DIMS }),
    bm25Scope: 'library',
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded store specifics', () => {
  let db: AppDatabase;
  let dir: string;
  beforeEach(() => {
    ({ db, dir } = tempDatabase());
    insertCorpusRows(db, contractCorpus());
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the dimensions and refuses another model until the index is dropped', async () => {
    const corpus = contractCorpus();
    await createEmbeddedStore(db, { dimensions: CONTRACT_DIMS }).add(corpus);
    expect(db.prepare(`SELECT value FROM library_meta WHERE key = 'vector_dims'`).get()).toEqual({ value: String(CONTRACT_DIMS) });
    // A new store (e.g. after the user switched to a 16-d model) sees the recorded 8-d index.
    const other = createEmbeddedStore(db, { dimensions: 16 });
    const wide = corpus.map((c) => ({ ...c, vector: new Float32Array(16).fill(0.5) }));
    await expect(other.add(wide)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/rebuild/i), details: { indexDimensions: 8, givenDimensions: 16 } });
    await expect(other.query({ mode: 'dense', vector: new Float32Array(16), k: 3 })).rejects.toMatchObject({ message: expect.stringMatching(/rebuild/i) });
    // BM25 keeps working with the old index in place.
    expect((await other.query({ mode: 'bm25', terms: 'relatori', k: 5 })).length).toBe(2);
    await other.drop();
    await other.add(wide);
    expect(db.prepare(`SELECT value FROM library_meta WHERE key = 'vector_dims'`).get()).toEqual({ value: '16' });
  });

  it('writes and deletes inside the caller transaction, and rolls back with it', () => {
    const corpus = contractCorpus();
    const store = createEmbeddedStore(db, { dimensions: CONTRACT_DIMS });
    expect(() =>
      db.transaction(() => {
        addPointsSync(db, corpus);
        throw new Error('the import failed after the vectors were written');
      })(),
    ).toThrow(/import failed/);
    return (async () => {
      expect(await store.count()).toBe(0);
      db.transaction(() => addPointsSync(db, corpus))();
      expect(await store.count()).toBe(corpus.length);
      db.transaction(() => deleteDocumentVectorsSync(db, 'doc-b'))();
      expect(await store.count()).toBe(corpus.filter((c) => c.documentId !== 'doc-b').length);
      expect((db.prepare('SELECT count(*) AS n FROM chunk_embeddings').get() as { n: number }).n).toBe(corpus.filter((c) => c.documentId !== 'doc-b').length);
    })();
  });

  it('works on a store created before the vector table exists (BM25-only library)', async () => {
    const store = createEmbeddedStore(db);
    await store.add(contractCorpus().map((c) => ({ ...c, vector: null })));
    expect(await store.count()).toBe(12);
    expect(db.prepare('SELECT count(*) AS n FROM chunk_embeddings').get()).toEqual({ n: 0 });
    expect((await store.query({ mode: 'hybrid', vector: new Float32Array(8).fill(1), terms: 'relatori', k: 5 })).map((h) => h.chunkId).sort()).toEqual([101, 102]);
  });
});
