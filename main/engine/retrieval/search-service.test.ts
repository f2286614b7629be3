import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract';
import { createDatabaseService } from '../db/database-service';
import type { EmbeddingService } from '../embeddings/embedding-service';
import { silentLog } from '../observability/log';
import type { VectorStore } from '../vectorstore/port';
import type { RetrieveDeps, RetrieveQuery } from './retrieve';
import { createSearchService } from './search-service';

// A service is built from exactly what it uses: here fakes for the database, the embedder and the
// store, and an executor standing in for the reader pool that plugs in at the same place.
describe('the one search service', () => {
  const db = new Database(':memory:');
  const database = createDatabaseService({ file: ':memory:', log: silentLog, openDatabase: () => db });
  database.open();
  const store = { kind: 'embedded' } as VectorStore;
  const offline: EmbeddingService = { current: () => null, openCache: () => null, contextualizer: () => null, reset() {}, close() {} };

  it('builds the query from the settings and runs it through the executor (the reader pool plugs in here)', async () => {
    const seen: Array<{ deps: RetrieveDeps; query: RetrieveQuery }> = [];
    const search = createSearchService({
      database, embeddings: offline, store: () => store, libraryLangs: () => ['pt', 'en'],
      settings: () => ({ ...defaultSettings, retrieval: { ...defaultSettings.retrieval, k: 7, rrfK: 30 } }),
      executor: async (deps, query) => {
        seen.push({ deps, query });
        return { hits: [], mode: query.mode, notes: ['from the pool'] };
      },
    });
    const out = await search.search({ query: 'indicadores', perspectives: ['financial'] });
    expect(out).toMatchObject({ hits: [], mode: 'bm25', notes: ['from the pool'], store: 'embedded' });
    // No embedder: BM25, with the settings' k and RRF constant and the perspective filter.
    expect(seen[0]!.query).toMatchObject({ query: 'indicadores', k: 7, mode: 'bm25', rrfK: 30, filter: { perspectives: ['financial'] } });
    expect(seen[0]!.deps).toMatchObject({ db, store, embed: null, libraryLangs: ['pt', 'en'] });
    const contract = await search.librarySearch({ query: 'x', k: 3, mode: 'hybrid', documentIds: ['d1'] });
    expect(contract).toMatchObject({ hits: [], mode: 'hybrid', tookMs: expect.any(Number) });
    expect(seen[1]!.query).toMatchObject({ k: 3, mode: 'hybrid', filter: { documentIds: ['d1'] } });
  });

  it('reports the database being restored as DB_BUSY, not a crash', async () => {
    const search = createSearchService({ database, embeddings: offline, store: () => store, libraryLangs: () => [], settings: () => defaultSettings });
    const reopen = await database.quiesce();
    await expect(search.search({ query: 'x' })).rejects.toMatchObject({ code: 'DB_BUSY' });
    expect(() => reopen()).not.toThrow();
  });
});
