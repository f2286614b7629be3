import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Status } from '../../../preload/contract';
import { type OpenAIStandin, startOpenAIStandin } from '../../../test/standins/openai-standin';
import { type QdrantStandin, startQdrantStandin } from '../../../test/standins/qdrant-standin';
import { waitForJobs } from '../../../test/wait-for-jobs';
import { dispatchCall, type MethodHandlers } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { silentLog } from './log';

const KEY = 'sk-proj-statustest0123456789abcdef';
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const hasSpecs = fs.existsSync(path.resolve(repoRoot, '../shared/specs/qdrant-openapi.json'));

// Status tells the truth: each configuration set through the contract is read back as it is.
describe('Status reports the configured providers, the real store and the integrity check', () => {
  let dir: string;
  let engine: Engine;
  let handlers: MethodHandlers;
  let openai: OpenAIStandin;
  const call = async <T>(method: MethodName, input?: unknown): Promise<T> => {
    const r = await dispatchCall(handlers, method, input, { signal: new AbortController().signal });
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  const status = () => call<Status>('status');

  beforeAll(async () => {
    openai = await startOpenAIStandin({ apiKey: KEY });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-status-'));
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, integrityEveryMs: 0 });
    handlers = engineHandlers(engine);
  });
  afterAll(async () => {
    engine.close();
    await openai.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts offline: no providers, the embedded store, no integrity check run by reading Status', async () => {
    const s = await status();
    expect(s.healthy).toBe(true);
    expect(s.providers.embeddings).toMatchObject({ id: 'none', endpoint: null, lastCall: null });
    expect(s.providers.chat).toMatchObject({ id: 'none', detail: expect.stringContaining('extractive') });
    expect(s.providers.rerank).toMatchObject({ id: 'none' });
    expect(s.vectorStore).toMatchObject({ ok: true, mode: 'embedded', state: 'ready', detail: expect.stringContaining('embedded') });
    expect(s.database.integrity).toBeNull();
    expect((await status()).database.integrity).toBeNull();
  });

  it('runs the integrity check on demand and shows its result', async () => {
    const checked = await call<{ ok: boolean; detail: string; ms: number }>('database.checkIntegrity');
    expect(checked).toMatchObject({ ok: true, detail: 'quick_check: ok' });
    expect((await status()).database).toMatchObject({ ok: true, integrity: { ok: true, checkedAt: expect.any(String) } });
  });

  it('shows the embedding provider, its address, and whether it answered', async () => {
    await call('settings.set', { embeddings: { provider: 'openai', baseUrl: openai.url, model: 'text-embedding-3-small', dimensions: 64 } });
    await call('secrets.set', { name: 'openaiApiKey', value: KEY });
    expect((await status()).providers.embeddings).toMatchObject({ id: 'openai', endpoint: openai.url, detail: expect.stringContaining('text-embedding-3-small'), lastCall: null });
    // An import embeds: the provider answered.
    const file = path.join(engine.sampleLibraryDir(), '02-perspectiva-financeira.md');
    const [job] = await waitForJobs(engine, engine.importFiles([{ path: file }]));
    expect(job!.state).toBe('done');
    expect((await status()).providers.embeddings.lastCall).toMatchObject({ ok: true, detail: expect.stringMatching(/embedded \d+ texts?/) });
    expect((await status()).vectorStore.points).toBeGreaterThan(0);
    // The stand-in refuses the next calls: the last call failed, with its reason.
    openai.script.failNext(401, 20);
    await call('providers.test', { target: 'embeddings' });
    expect((await status()).providers.embeddings.lastCall).toMatchObject({ ok: false });
    openai.script.clearFailures();
  });

  it('shows the language model and reranker as configured', async () => {
    await call('settings.set', { chat: { provider: 'anthropic', baseUrl: null }, rerank: { provider: 'cohere', model: 'rerank-v3.5' } });
    const s = await status();
    expect(s.providers.chat).toMatchObject({ id: 'anthropic', endpoint: 'https://api.anthropic.com', lastCall: null });
    expect(s.providers.rerank).toMatchObject({ id: 'cohere', detail: 'cohere rerank-v3.5', endpoint: 'https://api.cohere.com' });
    await call('settings.set', { chat: { provider: 'none' }, rerank: { provider: 'none' } });
    expect((await status()).providers.chat.id).toBe('none');
  });

  describe.skipIf(!hasSpecs)('with an external Qdrant (stand-in checked against the official spec)', () => {
    let qdrant: QdrantStandin;
    beforeAll(async () => { qdrant = await startQdrantStandin({ version: '1.19.0' }); });
    afterAll(async () => { await call('settings.set', { vectorStore: { mode: 'embedded', qdrantUrl: null } }); await qdrant.close(); });

    it('reports the Qdrant it uses and its health, and an unhealthy engine when it is down', async () => {
      await call('settings.set', { vectorStore: { mode: 'external', qdrantUrl: qdrant.url } });
      await engine.stores().ensureConnected();
      const up = await status();
      expect(up.vectorStore).toMatchObject({ ok: true, mode: 'external', state: 'ready', version: '1.19.0', detail: expect.stringContaining('external Qdrant 1.19.0') });
      await qdrant.close();
      const down = await status();
      expect(down.vectorStore).toMatchObject({ ok: false, mode: 'external' });
      expect(down.healthy).toBe(false);
      expect(qdrant.violations).toEqual([]);
    });
  });
});
