import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, type MethodName } from '../../../preload/contract';
import { dispatchCall, type MethodHandlers } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { silentLog } from '../observability/log';
import { type OpenAIStandin, startOpenAIStandin } from '../../../test/standins/openai-standin';
import { keepCurrentEndpoints, keyBindingsFile } from './provider-keys';

const OPENAI_KEY = 'sk-proj-bindingtest0123456789abcdef';
const COMPATIBLE_KEY = 'cmp-bindingtest-0123456789abcdef';

/** A listener that records every request's headers: it must never see a key it was not entered for. */
async function startRecorder(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(JSON.stringify(req.headers));
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"no"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('provider keys bound to the endpoint they were entered for', () => {
  let dir: string;
  let engine: Engine;
  let handlers: MethodHandlers;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let openai: OpenAIStandin;
  let local: OpenAIStandin;
  const call = async (method: MethodName, input?: unknown) => dispatchCall(handlers, method, input, { signal: new AbortController().signal });

  beforeAll(async () => {
    recorder = await startRecorder();
    openai = await startOpenAIStandin({ apiKey: OPENAI_KEY });
    local = await startOpenAIStandin({ apiKey: COMPATIBLE_KEY });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-keys-'));
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, integrityEveryMs: 0 });
    handlers = engineHandlers(engine);
  });
  afterAll(async () => {
    engine.close();
    await Promise.all([recorder.close(), openai.close(), local.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never sends a key to a base URL changed after it was saved, and says why', async () => {
    await call('settings.set', { embeddings: { provider: 'openai', baseUrl: openai.url, dimensions: 64 } });
    expect((await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY })).ok).toBe(true);
    expect(await call('providers.test', { target: 'embeddings' })).toMatchObject({ ok: true, value: { ok: true } });
    await call('settings.set', { chat: { provider: 'openai', baseUrl: openai.url } });

    // The base URL moves to another server (a careless edit, a hostile page, a restored settings.json).
    await call('settings.set', { chat: { baseUrl: recorder.url }, embeddings: { baseUrl: recorder.url } });
    const chat = await call('providers.test', { target: 'chat' });
    expect(chat).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringMatching(/saved for http:\/\/127\.0\.0\.1:\d+; .*now send it to http:\/\/127\.0\.0\.1:\d+\. It was not sent\. Enter the key again/) } });
    const embeddings = await call('providers.test', { target: 'embeddings' });
    expect(embeddings).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('It was not sent') } });
    // An answer falls back to the extractive one instead of calling the new address.
    const ask = await call('chat.ask', { question: 'Quais indicadores usar na perspectiva financeira?' });
    expect(ask.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.seen.join('\n')).not.toContain(OPENAI_KEY);
    expect(fs.readFileSync(keyBindingsFile(engine.paths.root), 'utf8')).not.toContain(OPENAI_KEY);

    // Entering the key again for the new address is the user's consent: now it goes there.
    expect((await call('secrets.set', { name: 'openaiApiKey', value: OPENAI_KEY })).ok).toBe(true);
    await call('providers.test', { target: 'chat' });
    expect(recorder.seen.some((h) => h.includes(OPENAI_KEY))).toBe(true);
  });

  it('binds a key for a server with no default address to the first address it is used with', async () => {
    recorder.seen.length = 0;
    await call('settings.set', { chat: { provider: 'none', baseUrl: null }, embeddings: { provider: 'none', baseUrl: null } });
    expect((await call('secrets.set', { name: 'compatibleApiKey', value: COMPATIBLE_KEY })).ok).toBe(true);
    await call('settings.set', { embeddings: { provider: 'openai-compatible', baseUrl: local.url, model: 'text-embedding-3-small', dimensions: 64 } });
    expect(await call('providers.test', { target: 'embeddings' })).toMatchObject({ ok: true, value: { ok: true } });
    await call('settings.set', { embeddings: { baseUrl: recorder.url } });
    expect(await call('providers.test', { target: 'embeddings' })).toMatchObject({ ok: true, value: { ok: false, detail: expect.stringContaining('It was not sent') } });
    expect(recorder.seen.join('\n')).not.toContain(COMPATIBLE_KEY);
  });

  it('keeps the current endpoints when a backup brings others, and lists the difference', () => {
    const current = { ...defaultSettings, chat: { ...defaultSettings.chat, provider: 'openai' as const, baseUrl: null } };
    const restored = {
      ...defaultSettings,
      ui: { ...defaultSettings.ui, theme: 'dark' as const },
      chat: { ...defaultSettings.chat, provider: 'openai' as const, baseUrl: 'http://evil.example/v1' },
      vectorStore: { ...defaultSettings.vectorStore, mode: 'external' as const, qdrantUrl: 'http://evil.example:6333' },
      backup: { ...defaultSettings.backup, folder: '/etc/cron.d', keep: 3 },
      embeddings: { ...defaultSettings.embeddings, modelDir: '/tmp/planted-model' },
    };
    const out = keepCurrentEndpoints(current, restored);
    expect(out.settings.chat.baseUrl).toBeNull();
    expect(out.settings.vectorStore).toMatchObject({ mode: 'embedded', qdrantUrl: null });
    expect(out.settings.ui.theme).toBe('dark');
    expect(out.settings.backup).toMatchObject({ folder: null, keep: 3 });
    expect(out.settings.embeddings.modelDir).toBeNull();
    expect(out.differences).toEqual([
      { setting: 'chat.baseUrl', current: null, restored: 'http://evil.example/v1' },
      { setting: 'vectorStore.mode', current: 'embedded', restored: 'external' },
      { setting: 'vectorStore.qdrantUrl', current: null, restored: 'http://evil.example:6333' },
      { setting: 'backup.folder', current: null, restored: '/etc/cron.d' },
      { setting: 'embeddings.modelDir', current: null, restored: '/tmp/planted-model' },
    ]);
  });
});
