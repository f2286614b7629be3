import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Status } from '../../preload/contract';
import { LATEST_SCHEMA_VERSION } from '../engine/db/migrate';
import { type RunningServer, authHeaders, callApi, startServer, tempDataDir, waitFor } from '../../test/run-server';

describe('server mode over the engine process', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('GET /health answers 200 with a healthy engine, database and store', async () => {
    const res = await fetch(`${server.url}/health`, { headers: authHeaders(server.url) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ healthy: true, engine: { ok: true }, database: { ok: true, schemaVersion: LATEST_SCHEMA_VERSION }, vectorStore: { ok: true, mode: 'embedded' } });
  });

  it('serves status() through POST /api/status in the contract shape', async () => {
    const { status, json } = await callApi(server.url, 'status');
    expect(status).toBe(200);
    expect(json.ok).toBe(true);
    expect(Status.parse(json.value).dataDir).toBe(server.dataDir);
  });

  it('rejects bad input with 400 and a clear {code, message}, and keeps serving', async () => {
    const bad = await callApi(server.url, 'settings.set', { ui: { theme: 'purple' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(bad.json.error.message).toMatch(/ui\.theme/);
    const notJson = await callApi(server.url, 'settings.set', '{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe('BAD_INPUT');
    const extra = await callApi(server.url, 'settings.set', { nope: 1 });
    expect(extra.status).toBe(400);
    const unknown = await callApi(server.url, 'no.such.method', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('UNKNOWN_METHOD');
    const huge = await callApi(server.url, 'settings.set', { ui: { language: 'x'.repeat(2_000_000) } });
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(JSON.stringify(bad.json)).not.toMatch(/at .*\.js:\d+/); // no stack traces
  });

  it('settings.set persists and is announced over SSE', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/events`, { signal: controller.signal, headers: authHeaders(server.url) });
    const reader = res.body!.getReader();
    const seen = (async () => {
      let text = '';
      while (!text.includes('event: onSettingsChanged')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    })();
    const set = await callApi(server.url, 'settings.set', { ui: { language: 'pt-BR' } });
    expect(set.json.value.ui.language).toBe('pt-BR');
    expect(await seen).toContain('"language":"pt-BR"');
    controller.abort();
    const onDisk = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'settings.json'), 'utf8'));
    expect(onDisk.ui.language).toBe('pt-BR');
  });

  it('restarts a killed engine and is healthy again within seconds', async () => {
    const before = (await callApi(server.url, 'status')).json.value.engine.pid as number;
    process.kill(before, 'SIGKILL');
    const after = await waitFor(async () => {
      const r = await fetch(`${server.url}/health`, { headers: authHeaders(server.url) });
      if (r.status !== 200) return undefined;
      const body = await r.json();
      return body.engine.pid !== before ? body : undefined;
    }, 10_000, 'engine restart').catch((err: Error) => { throw new Error(`${err.message}\n${server.output()}`); });
    expect(after.engine.restarts).toBeGreaterThanOrEqual(1);
    expect(server.output()).toMatch(/engine crashed/);
    // Settings survived the crash: they live on disk, not in the engine's memory.
    expect((await callApi(server.url, 'settings.get')).json.value.ui.language).toBe('pt-BR');
  });
});

describe('health when the database cannot be opened', () => {
  it('answers 503 with the reason, and the API reports the error by code', async () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(path.join(dataDir, 'library.sqlite'), 'garbage, not a database '.repeat(100));
    const server = await startServer({ dataDir });
    try {
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ healthy: false });
      const res = await fetch(`${server.url}/health`, { headers: authHeaders(server.url) });
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.healthy).toBe(false);
      expect(body.engine.ok).toBe(true);
      expect(body.database.ok).toBe(false);
      expect(body.database.detail).toMatch(/damaged|not an Agente BSC database/);
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
