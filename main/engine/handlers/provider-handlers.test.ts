import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob, MethodName } from '../../../preload/contract';
import { type AnthropicStandin, startAnthropicStandin } from '../../../test/standins/anthropic-standin';
import { type CohereStandin, startCohereStandin } from '../../../test/standins/cohere-standin';
import { type OpenAIStandin, startOpenAIStandin } from '../../../test/standins/openai-standin';
import { startQdrantStandin } from '../../../test/standins/qdrant-standin';
import { dispatchCall, type MethodHandlers } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { createRotatingLog } from '../observability/log';
import { secretsFileIn } from '../settings/secrets';
import { providerHandlers } from './provider-handlers';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const hasSpecs = fs.existsSync(path.resolve(repoRoot, '../shared/specs/qdrant-openapi.json'));
const TERMINAL = new Set(['done', 'failed', 'cancelled', 'needs-password']);

const ANTHROPIC_KEY = 'sk-ant-api03-unit-QQQ111222333444555666-abcd';
const OPENAI_KEY = 'sk-unit-embed-777888999000111222333-wxyz';
// Not shaped like any known key, so only our own scrubbing can keep it out of logs.
const COHERE_KEY = 'cohere0unit0key0AAAABBBBCCCCDDDD0tail';

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('secrets, provider tests and embedding stats on a real engine', () => {
  let dir: string;
  let engine: Engine;
  let handlers: MethodHandlers;
  let anthropic: AnthropicStandin;
  let openai: OpenAIStandin;
  let cohere: CohereStandin;
  const call = async (method: MethodName, input?: unknown) => dispatchCall(handlers, method, input, { signal: new AbortController().signal });

  beforeAll(async () => {
    anthropic = await startAnthropicStandin({ apiKey: ANTHROPIC_KEY });
    openai = await startOpenAIStandin({ apiKey: OPENAI_KEY });
    cohere = await startCohereStandin({ apiKey: COHERE_KEY });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-providers-'));
    const dataDir = path.join(dir, 'data');
    // A real log file, so the test can grep it for keys.
    engine = new Engine({ dataDir, cohereBaseUrl: cohere.url, log: createRotatingLog({ dir: path.join(dataDir, 'logs'), maxFileBytes: 1e7, retentionDays: 1 }) });
    handlers = { ...engineHandlers(engine), ...providerHandlers(engine.services, { cohereBaseUrl: cohere.url, timeoutMs: 5_000 }) };
  });
  afterAll(async () => {
    engine.close();
    await Promise.all([anthropic.close(), openai.close(), cohere.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores keys in <data>/secrets.json (0600) and reports them masked only', async () => {
    const before = await call('secrets.status');
    expect(before).toMatchObject({ ok: true, value: { storage: 'file' } });
    const set = await call('secrets.set', { name: 'anthropicApiKey', value: ANTHROPIC_KEY });
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    expect((set.value as { secrets: Record<string, unknown> }).secrets.anthropicApiKey).toEqual({ set: true, masked: 'sk-…abcd', fromEnv: false });
    expect(JSON.stringify(set.value)).not.toContain(ANTHROPIC_KEY);
    const file = secretsFileIn(engine.paths.root);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(ANTHROPIC_KEY);
    for (const [name, value] of [['openaiApiKey', OPENAI_KEY], ['cohereApiKey', COHERE_KEY]] as const) {
      expect((await call('secrets.set', { name, value })).ok).toBe(true);
    }
    // Removing and re-adding works; an empty value is refused by the contract.
    expect((await call('secrets.set', { name: 'cohereApiKey', value: null })).ok).toBe(true);
    expect(engine.secrets().get('cohereApiKey')).toBeUndefined();
    expect((await call('secrets.set', { name: 'cohereApiKey', value: '' }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect((await call('secrets.set', { name: 'cohereApiKey', value: COHERE_KEY })).ok).toBe(true);
  });

  it('tests the chat provider: OK, a rejected key, an address nobody answers', async () => {
    expect(await call('providers.test', { target: 'chat' })).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringMatching(/nothing|No language model/i) } });
    engine.updateSettings({ chat: { provider: 'anthropic', baseUrl: anthropic.url } });
    // The key was saved while no chat provider was set (so for Anthropic's own API): not sent to the stand-in until entered for it.
    expect(await call('providers.test', { target: 'chat' })).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('was saved for https://api.anthropic.com') } });
    await call('secrets.set', { name: 'anthropicApiKey', value: ANTHROPIC_KEY });
    const ok = await call('providers.test', { target: 'chat' });
    expect(ok).toMatchObject({ ok: true, value: { target: 'chat', ok: true, detail: expect.stringMatching(/^Anthropic answered with claude-\S+ in \d+ ms\.$/) } });

    await call('secrets.set', { name: 'anthropicApiKey', value: 'sk-ant-api03-WRONGWRONGWRONGWRONG-0000' });
    const rejected = await call('providers.test', { target: 'chat' });
    expect(rejected).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('Anthropic rejected the API key (401)') } });
    await call('secrets.set', { name: 'anthropicApiKey', value: ANTHROPIC_KEY });

    const down = `http://127.0.0.1:${await closedPort()}`;
    engine.updateSettings({ chat: { baseUrl: down } });
    await call('secrets.set', { name: 'anthropicApiKey', value: ANTHROPIC_KEY });
    const unreachable = await call('providers.test', { target: 'chat' });
    expect(unreachable).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining(`Cannot reach ${down}`) } });
    engine.updateSettings({ chat: { provider: 'none', baseUrl: null } });
  });

  it('tests embeddings by embedding one text, and says where it could not reach', async () => {
    engine.updateSettings({ embeddings: { provider: 'openai', baseUrl: openai.url, model: 'text-embedding-3-small', dimensions: 64 } });
    await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY });
    const ok = await call('providers.test', { target: 'embeddings' });
    expect(ok).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringMatching(/^OpenAI returned a 64-dimension vector with text-embedding-3-small in \d+ ms\.$/) } });
    const down = `http://127.0.0.1:${await closedPort()}/v1`;
    engine.updateSettings({ embeddings: { baseUrl: down } });
    await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY });
    const unreachable = await call('providers.test', { target: 'embeddings' });
    expect(unreachable).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining(`Cannot reach ${down}`) } });
    engine.updateSettings({ embeddings: { baseUrl: openai.url } });
    await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY });
  });

  it('tests Cohere rerank, and names a rejected key', async () => {
    expect(await call('providers.test', { target: 'rerank' })).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringContaining('off') } });
    engine.updateSettings({ rerank: { provider: 'cohere' } });
    expect(await call('providers.test', { target: 'rerank' })).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringMatching(/Cohere reranked 2 passages with rerank-v3.5/) } });
    await call('secrets.set', { name: 'cohereApiKey', value: 'bad-cohere-key-0000000000000' });
    expect(await call('providers.test', { target: 'rerank' })).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('Cohere rejected the API key (401)') } });
    await call('secrets.set', { name: 'cohereApiKey', value: null });
    expect(await call('providers.test', { target: 'rerank' })).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('No Cohere API key') } });
    await call('secrets.set', { name: 'cohereApiKey', value: COHERE_KEY });
    engine.updateSettings({ rerank: { provider: 'none' } });
  });

  it('counts the chunks a model still lacks, before and after importing, and after a model change', async () => {
    const empty = await call('embeddings.stats');
    expect(empty).toMatchObject({ ok: true, value: { fingerprint: 'openai|text-embedding-3-small|64', missingForCurrentModel: 0 } });

    const sample = engine.sampleLibraryDir();
    const files = fs.readdirSync(sample).filter((f) => f.endsWith('.md') && f !== 'README.md').slice(0, 2).map((f) => ({ path: path.join(sample, f) }));
    const jobs = engine.importFiles(files);
    for (;;) {
      const all = engine.lib().queue.jobs().filter((j: ImportJob) => jobs.some((x) => x.id === j.id));
      if (all.every((j) => TERMINAL.has(j.state))) { expect(all.every((j) => j.state === 'done')).toBe(true); break; }
      await new Promise((r) => setTimeout(r, 25));
    }
    const chunks = (engine.database().prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    expect(chunks).toBeGreaterThan(2);

    const after = await call('embeddings.stats');
    expect(after).toMatchObject({ ok: true, value: { missingForCurrentModel: 0, fingerprint: 'openai|text-embedding-3-small|64' } });
    if (!after.ok) return;
    const v = after.value as { entries: number; bytes: number; misses: number };
    expect(v.entries).toBeGreaterThanOrEqual(chunks);
    expect(v.bytes).toBe(v.entries * 64 * 4);
    expect(v.misses).toBeGreaterThanOrEqual(chunks);

    // Another model: every chunk would be embedded again; and back: none.
    engine.updateSettings({ embeddings: { dimensions: 32 } });
    expect(await call('embeddings.stats')).toMatchObject({ ok: true, value: { fingerprint: 'openai|text-embedding-3-small|32', missingForCurrentModel: chunks } });
    engine.updateSettings({ embeddings: { dimensions: 64 } });
    expect(await call('embeddings.stats')).toMatchObject({ ok: true, value: { missingForCurrentModel: 0 } });
  });

  it('tests the embedded store with a full-text and a vector query', async () => {
    const r = await call('providers.test', { target: 'vectorStore' });
    expect(r).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringMatching(/embedded store answered in \d+ ms: \d+ vectors stored, full-text search works, vector search \(64 dimensions\) works/) } });
  });

  it('shows cache stats, without a fingerprint, when the provider cannot be built', async () => {
    await call('secrets.set', { name: 'openaiApiKey', value: null });
    const r = await call('embeddings.stats');
    expect(r).toMatchObject({ ok: true, value: { fingerprint: null, missingForCurrentModel: null } });
    if (r.ok) expect((r.value as { entries: number }).entries).toBeGreaterThan(0);
    await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY });
  });

  it.skipIf(!hasSpecs)('tests an external Qdrant by its version, and refuses one of another version', async () => {
    const good = await startQdrantStandin({ version: '1.19.0' });
    const old = await startQdrantStandin({ version: '1.11.3' });
    try {
      engine.updateSettings({ vectorStore: { mode: 'external', qdrantUrl: good.url } });
      expect(await call('providers.test', { target: 'vectorStore' })).toMatchObject({ ok: true, value: { ok: true, detail: expect.stringMatching(/^Qdrant 1\.19\.0 at http:\/\/127\.0\.0\.1:\d+ answered/) } });
      engine.updateSettings({ vectorStore: { qdrantUrl: old.url } });
      expect(await call('providers.test', { target: 'vectorStore' })).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('version 1.11.3') } });
    } finally {
      engine.updateSettings({ vectorStore: { mode: 'embedded', qdrantUrl: null } });
      await Promise.all([good.close(), old.close()]);
    }
  });

  it('never wrote a key into the logs or settings', () => {
    const logs = fs.readdirSync(engine.paths.logs).map((f) => fs.readFileSync(path.join(engine.paths.logs, f), 'utf8')).join('\n');
    expect(logs).toContain('provider test');
    expect(logs).toContain('provider key changed');
    for (const key of [ANTHROPIC_KEY, OPENAI_KEY, COHERE_KEY]) {
      expect(logs).not.toContain(key);
      expect(fs.readFileSync(engine.paths.settings, 'utf8')).not.toContain(key);
    }
  });
});
