import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'qdrant-process-standin.mjs');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Running {
  child: ChildProcess;
  port: number;
  storage: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Running[] = [];
const tmpDirs: string[] = [];

async function launch(env: Record<string, string> = {}, port?: number): Promise<Running> {
  const httpPort = port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qdrant-proc-'));
  tmpDirs.push(dir);
  const storage = path.join(dir, 'data', 'storage');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, QDRANT__SERVICE__HTTP_PORT: String(httpPort), QDRANT__STORAGE__STORAGE_PATH: storage, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const running = { child, port: httpPort, storage, stdout: () => out, exited };
  started.push(running);
  return running;
}

async function waitForReady(port: number, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return Date.now() - t0;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterEach(() => {
  for (const r of started.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Qdrant process stand-in', () => {
  it('creates its storage, becomes ready after the configured delay and answers like Qdrant', async () => {
    const q = await launch({ STANDIN_READY_DELAY_MS: '300' });
    await expect(fetch(`http://127.0.0.1:${q.port}/readyz`)).rejects.toThrow();
    const waited = await waitForReady(q.port);
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(existsSync(path.join(q.storage, 'collections'))).toBe(true);
    expect(await (await fetch(`http://127.0.0.1:${q.port}/healthz`)).text()).toBe('healthz check passed');
    expect(await (await fetch(`http://127.0.0.1:${q.port}/`)).json()).toMatchObject({ title: 'qdrant - vector search engine', version: '1.19.0' });
    expect(q.stdout()).toContain(`Qdrant HTTP listening on ${q.port}`);
  });

  it('exits cleanly with code 0 on SIGTERM', async () => {
    const q = await launch();
    await waitForReady(q.port);
    q.child.kill('SIGTERM');
    expect(await q.exited).toEqual({ code: 0, signal: null });
    expect(q.stdout()).toMatch(/SIGTERM received; starting graceful shutdown/);
  });

  it('crashes with exit code 101 when told to', async () => {
    const q = await launch({ STANDIN_CRASH_AFTER_MS: '150' });
    await waitForReady(q.port);
    expect(await q.exited).toEqual({ code: 101, signal: null });
    expect(q.stdout()).toMatch(/Panic occurred/);
  });

  it('panics with exit code 101 when its port is already taken', async () => {
    const first = await launch();
    await waitForReady(first.port);
    const second = await launch({}, first.port);
    expect((await second.exited).code).toBe(101);
    expect(second.stdout()).toMatch(/EADDRINUSE|address already in use/i);
  });

  it('requires the api key on / when one is configured', async () => {
    const q = await launch({ QDRANT__SERVICE__API_KEY: 'k' });
    await waitForReady(q.port);
    expect((await fetch(`http://127.0.0.1:${q.port}/`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${q.port}/`, { headers: { 'api-key': 'k' } })).status).toBe(200);
  });
});
