import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../../preload/contract';
import { type OpenAIStandin, startOpenAIStandin } from '../../../test/standins/openai-standin';
import { Engine } from '../engine';
import { silentLog } from '../observability/log';
import { waitForJobs } from '../../../test/wait-for-jobs';


describe('import with an embedding provider (OpenAI-compatible stand-in, real SDK)', () => {
  let standin: OpenAIStandin;
  let dir: string;
  let engine: Engine;
  beforeAll(async () => {
    standin = await startOpenAIStandin();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-embed-import-'));
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog });
    engine.updateSettings({ embeddings: { provider: 'openai-compatible', baseUrl: standin.url, model: 'standin-embed', dimensions: 64, batchSize: 16 } });
  });
  afterAll(async () => {
    engine.close();
    await standin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settle = (jobs: Array<Pick<ImportJob, 'id'>>, timeoutMs?: number) => waitForJobs(engine, jobs, timeoutMs);

  it('embeds once, stores vectors with the document, and never pays again for the same text', async () => {
    const sample = engine.sampleLibraryDir();
    const files = fs.readdirSync(sample).filter((f) => f.endsWith('.md') && f !== 'README.md').slice(0, 3).map((f) => path.join(sample, f));
    const first = await settle(engine.importFiles(files.map((p) => ({ path: p }))));
    expect(first.every((j) => j.state === 'done')).toBe(true);
    const calls = standin.stats.embeddingCalls;
    expect(calls).toBeGreaterThan(0);
    const db = engine.database();
    const chunks = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    expect((db.prepare('SELECT count(*) AS n FROM chunk_embeddings').get() as { n: number }).n).toBe(chunks);

    // The same files again: recognised by content, nothing extracted, nothing embedded.
    const again = await settle(engine.importFiles(files.map((p) => ({ path: p }))));
    expect(again.map((j) => j.note)).toEqual(files.map(() => 'already in the library'));
    expect(standin.stats.embeddingCalls).toBe(calls);

    // Re-indexing extracts and chunks again, but every vector comes from the cache.
    const doc = engine.lib().repo.list()[0]!;
    await settle([engine.reindexDocument(doc.id)]);
    expect(standin.stats.embeddingCalls).toBe(calls);

    // Deleted and imported again: still zero provider calls.
    engine.deleteDocument(doc.id);
    const back = await settle(engine.importFiles([{ path: files.find((f) => path.basename(f) === doc.filename)! }]));
    expect(back[0]!.state).toBe('done');
    expect(standin.stats.embeddingCalls).toBe(calls);
    expect((db.prepare('SELECT count(*) AS n FROM chunk_embeddings').get() as { n: number }).n).toBe((db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n);
  });

  it('searches in hybrid mode with the same provider, and in BM25 when asked', async () => {
    const hybrid = await engine.search({ query: 'perspectiva financeira receita lucro', k: 5 });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.hits.length).toBeGreaterThan(0);
    const bm25 = await engine.search({ query: 'relatorio financeiro', k: 5, mode: 'bm25' });
    expect(bm25.mode).toBe('bm25');
    expect(bm25.hits.every((h) => h.store === 'embedded' && h.pageLabel.length > 0)).toBe(true);
  });
});
