import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import type { LogFields, Logger } from '../observability/log';
import { bundledQdrantPath, startBundledQdrant } from './bundled';
import type { BundledQdrant, BundledQdrantOptions } from './bundled';

const root = path.resolve(import.meta.dirname, '../../..');
const standin = path.join(root, 'test/standins/qdrant-process-standin.mjs');

interface Line { level: string; msg: string; fields: LogFields }
function memoryLog(lines: Line[] = [], bindings: LogFields = {}): Logger & { lines: Line[] } {
  const write = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields: { ...bindings, ...fields } });
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => memoryLog(lines, { ...bindings, ...b }) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const handles: BundledQdrant[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function options(env: Record<string, string> = {}, over: Partial<BundledQdrantOptions> = {}): BundledQdrantOptions & { log: Logger & { lines: Line[] } } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-qdrant-bundled-'));
  dirs.push(dir);
  return {
    binaryPath: process.execPath,
    args: [standin],
    storageDir: path.join(dir, 'qdrant', 'storage'),
    log: memoryLog(),
    env,
    readyTimeoutMs: 5000,
    restart: { maxRestarts: 3, baseDelayMs: 50 },
    stopGraceMs: 2000,
    ...over,
  } as BundledQdrantOptions & { log: Logger & { lines: Line[] } };
}

async function start(opts: BundledQdrantOptions): Promise<BundledQdrant> {
  const h = await startBundledQdrant(opts);
  handles.push(h);
  return h;
}

describe('bundled Qdrant (process stand-in)', () => {
  it('starts on a free loopback port with its storage, API key and output in our log, and is ready', async () => {
    const opts = options({ STANDIN_READY_DELAY_MS: '200' });
    const t0 = performance.now();
    const q = await start(opts);
    const startMs = performance.now() - t0;
    console.log(`bundled stand-in start → ready: ${startMs.toFixed(0)} ms (stand-in listens after 200 ms)`);
    expect(startMs).toBeGreaterThanOrEqual(190);
    expect(q.state).toBe('ready');
    expect(q.url).toBe(`http://127.0.0.1:${q.port}`);
    expect(q.pid && pidAlive(q.pid)).toBe(true);
    expect((await fetch(`${q.url}/readyz`)).status).toBe(200);
    // The key guards the API: without it 401, with it the version.
    expect((await fetch(`${q.url}/`)).status).toBe(401);
    expect(await (await fetch(`${q.url}/`, { headers: { 'api-key': q.apiKey } })).json()).toMatchObject({ version: '1.19.0' });
    expect(fs.existsSync(path.join(opts.storageDir, 'collections'))).toBe(true);
    // One key per data folder, kept beside the storage and reused on the next start.
    const keyFile = path.join(path.dirname(opts.storageDir), 'qdrant-api-key');
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(q.apiKey);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
        expect(opts.log.lines.find((l) => l.msg.endsWith(`Qdrant HTTP listening on ${q.port}`))?.fields).toMatchObject({ component: 'qdrant', stream: 'stdout' });
    await q.stop();
    const again = await start({ ...opts, log: memoryLog() });
    expect(again.apiKey).toBe(q.apiKey);
  });

  it('restarts after a crash and is ready again with restarts = 1', async () => {
    // The crash comes well after the stand-in is up (it needs 100–250 ms on a loaded machine).
    const opts = options({ STANDIN_CRASH_AFTER_MS: '600' }, { restart: { maxRestarts: 3, baseDelayMs: 100 } });
    const q = await start(opts);
    const firstPid = q.pid;
    const states: string[] = [];
    q.on('state', (s) => states.push(s));
    const crashedAt = await new Promise<number>((resolve) => q.on('exit', () => resolve(performance.now())));
    const readyAt = await new Promise<number>((resolve) => q.on('ready', () => resolve(performance.now())));
    console.log(`bundled stand-in restart (exit → ready, 100 ms backoff): ${(readyAt - crashedAt).toFixed(0)} ms`);
    expect(q.restarts).toBe(1);
    expect(q.state).toBe('ready');
    expect(q.pid).not.toBe(firstPid);
    expect(states).toEqual(['restarting', 'starting', 'ready']);
    expect(readyAt - crashedAt).toBeGreaterThanOrEqual(95);
    expect((await fetch(`${q.url}/readyz`)).status).toBe(200);
    expect(opts.log.lines.some((l) => l.level === 'error' && l.msg.includes('Panic occurred'))).toBe(true);
  });

  it('gives up after maxRestarts with state crashed and the last output in the error', async () => {
    const opts = options({ STANDIN_CRASH_AFTER_MS: '600' }, { restart: { maxRestarts: 2, baseDelayMs: 20 } });
    const q = await start(opts);
    const err = await new Promise<BscError>((resolve) => q.on('crashed', resolve));
    expect(q.state).toBe('crashed');
    expect(q.restarts).toBe(2);
    expect(err).toBeInstanceOf(BscError);
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).toMatch(/restarted 2 time\(s\); giving up/);
    expect(err.message).toMatch(/stand-in crash \(STANDIN_CRASH_AFTER_MS\)/);
    expect(q.pid).toBeUndefined();
  });

  it('stops cleanly: SIGTERM, exit code 0, no process left', async () => {
    const t0 = performance.now();
    const q = await start(options());
    console.log(`bundled stand-in start → ready (no delay): ${(performance.now() - t0).toFixed(0)} ms`);
    const t1 = performance.now();
    const pid = q.pid as number;
    const exits: Array<{ code: number | null; expected: boolean }> = [];
    q.on('exit', (e) => exits.push(e));
    await q.stop();
    console.log(`bundled stand-in stop (SIGTERM → exit): ${(performance.now() - t1).toFixed(0)} ms`);
    expect(exits).toEqual([{ code: 0, signal: null, expected: true }]);
    expect(q.state).toBe('stopped');
    expect(pidAlive(pid)).toBe(false);
    await q.stop(); // twice is harmless
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-qdrant-stubborn-'));
    dirs.push(dir);
    // Wraps the stand-in and swallows SIGTERM, as a hung Qdrant would.
    const stubborn = path.join(dir, 'stubborn.mjs');
    fs.writeFileSync(stubborn, `await import(${JSON.stringify(standin)});\nprocess.removeAllListeners('SIGTERM');\nprocess.on('SIGTERM', () => {});\n`);
    const q = await start(options({}, { args: [stubborn], stopGraceMs: 300 }));
    const pid = q.pid as number;
    const exits: Array<{ signal: string | null }> = [];
    q.on('exit', (e) => exits.push(e));
    const t0 = performance.now();
    await q.stop();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(exits[0]?.signal).toBe('SIGKILL');
    expect(pidAlive(pid)).toBe(false);
  });

  it('fails with a clear error when not ready in time, and leaves no process behind', async () => {
    const opts = options({ STANDIN_READY_DELAY_MS: '5000' }, { readyTimeoutMs: 300 });
    const pids: number[] = [];
    const log = opts.log;
    const err = await startBundledQdrant(opts).then(() => { throw new Error('started'); }, (e: unknown) => e as BscError);
    expect(err).toBeInstanceOf(BscError);
    expect(err.message).toMatch(/did not become ready within 300 ms/);
    expect(err.message).toContain('Loading raft state'); // its output, for the user to read
    expect(err.details).toMatchObject({ reason: 'qdrant-not-ready' });
    for (const l of log.lines) if (l.msg === 'Qdrant started') pids.push(l.fields.pid as number);
    expect(pids).toHaveLength(1);
    expect(pidAlive(pids[0] as number)).toBe(false);
  });

  it('fails with a clear error when the binary is missing', async () => {
    const missing = bundledQdrantPath(path.join(os.tmpdir(), 'no-such-resources'), 'linux', 'x64');
    expect(missing).toBe(path.join(os.tmpdir(), 'no-such-resources', 'qdrant', 'linux-x64', 'qdrant'));
    expect(bundledQdrantPath('/r', 'win32', 'x64')).toBe(path.join('/r', 'qdrant', 'win32-x64', 'qdrant.exe'));
    const err = await startBundledQdrant(options({}, { binaryPath: missing, args: undefined })).then(() => { throw new Error('started'); }, (e: unknown) => e as BscError);
    expect(err).toBeInstanceOf(BscError);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain(missing);
    expect(err.message).toMatch(/npm run fetch-qdrant/);
    expect(err.message).toMatch(/scripts\/fetch-qdrant\.ts/);
  });

  it('reports a binary that dies at once as crashed after its restarts, with its output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-qdrant-broken-'));
    dirs.push(dir);
    const broken = path.join(dir, 'broken.mjs');
    fs.writeFileSync(broken, `console.error('error while loading shared libraries: libfoo.so');\nprocess.exit(127);\n`);
    const err = await startBundledQdrant(options({}, { args: [broken], restart: { maxRestarts: 1, baseDelayMs: 10 } })).then(() => { throw new Error('started'); }, (e: unknown) => e as BscError);
    expect(err).toBeInstanceOf(BscError);
    expect(err.message).toMatch(/code 127/);
    expect(err.message).toContain('libfoo.so');
    expect(err.details).toMatchObject({ reason: 'qdrant-crashed', restarts: 1 });
  });
});
