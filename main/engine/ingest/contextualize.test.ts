import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../../preload/contract';
import { type AnthropicStandin, startAnthropicStandin } from '../../../test/standins/anthropic-standin';
import { Engine } from '../engine';
import { silentLog } from '../observability/log';
import { waitForJobs } from '../../../test/wait-for-jobs';
import { documentWindow } from './contextualize';


describe('contextual retrieval at import (Anthropic stand-in, real SDK)', () => {
  let standin: AnthropicStandin;
  let dir: string;
  let engine: Engine;
  beforeAll(async () => {
    standin = await startAnthropicStandin({ apiKey: 'sk-ant-context-test' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-context-'));
    process.env.ANTHROPIC_API_KEY = 'sk-ant-context-test';
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog });
    engine.updateSettings({ chat: { provider: 'anthropic', baseUrl: standin.url, contextualRetrieval: true } });
    // Keys are bound to the endpoint they were entered for: the environment's key, entered again for the stand-in.
    engine.useSecretStore(engine.secrets(), 'anthropicApiKey');
  });
  afterAll(async () => {
    delete process.env.ANTHROPIC_API_KEY;
    engine.close();
    await standin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settle = (jobs: Array<Pick<ImportJob, 'id'>>, timeoutMs?: number) => waitForJobs(engine, jobs, timeoutMs);

  it('situates every chunk with the whole document in a cached prompt, indexes the context, and never pays twice', async () => {
    const file = path.join(engine.sampleLibraryDir(), '02-perspectiva-financeira.md');
    standin.script.clear();
    for (let i = 0; i < 200; i++) standin.script.reply((req) => `Contexto: trecho do guia da perspectiva financeira (${req.promptText.includes('<chunk>') ? 'com trecho' : 'sem trecho'}) sobre zebrafinanca.`);
    const [job] = await settle(engine.importFiles([{ path: file }]));
    expect(job!.state).toBe('done');
    const db = engine.database();
    const chunks = db.prepare('SELECT id, context FROM chunks').all() as Array<{ id: number; context: string | null }>;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.context?.includes('com trecho'))).toBe(true);
    const calls = standin.calls;
    expect(calls).toBe(chunks.length);
    const req = standin.requests[0]!;
    const system = JSON.stringify(req.body.system);
    expect(system).toContain('<document>');
    expect(system).toContain('cache_control');
    expect(req.promptText).toContain('EBITDA');
    // The context is searchable: a word only the context carries finds the chunk.
    const hits = await engine.search({ query: 'zebrafinanca', mode: 'bm25', k: 3 });
    expect(hits.hits.length).toBeGreaterThan(0);

    // Re-index: same document, same chunks, same model → every context from the cache.
    const [re] = await settle([engine.reindexDocument(engine.lib().repo.list()[0]!.id)]);
    expect(re!.state).toBe('done');
    expect(standin.calls).toBe(calls);
  });

  it('keeps importing without contexts when the model fails', async () => {
    standin.script.clear();
    standin.script.fail(401, { times: 50 });
    const file = path.join(engine.sampleLibraryDir(), '03-perspectiva-clientes.md');
    const [job] = await settle(engine.importFiles([{ path: file }]));
    expect(job!.state).toBe('done');
    const doc = engine.lib().repo.get(job!.documentId!)!;
    const withContext = engine.database().prepare('SELECT count(*) AS n FROM chunks WHERE document_id = ? AND context IS NOT NULL').get(doc.id) as { n: number };
    expect(withContext.n).toBe(0);
  });

  it('shows a long document only the neighbourhood of the chunk', () => {
    const doc = `${'a'.repeat(400_000)}ALVO${'b'.repeat(400_000)}`;
    const w = documentWindow(doc, 'ALVO');
    expect(w.length).toBe(60_000);
    expect(w).toContain('ALVO');
  });
});
