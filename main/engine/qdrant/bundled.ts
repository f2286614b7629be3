import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { BscError } from '../errors';
import type { Logger } from '../observability/log';
import { readOrCreateQdrantApiKey } from './api-key';
import { pickFreeLoopbackPort, waitForQdrantReady } from './readiness';

export type BundledQdrantState = 'starting' | 'ready' | 'crashed' | 'restarting' | 'stopped';

export interface BundledQdrantOptions {
  binaryPath: string;
  /** Arguments before Qdrant's own; tests run the stand-in as `node qdrant-process-standin.mjs`. */
  args?: string[];
  storageDir: string;
  log: Logger;
  /** Extra environment for the child, over ours. */
  env?: Record<string, string>;
  /** Default: one key per data folder, kept in `<storageDir>/../qdrant-api-key`. */
  apiKey?: string;
  readyTimeoutMs: number;
  /** Restarts after unexpected exits; delay = baseDelayMs · 2^(consecutive failures − 1), at most maxDelayMs. */
  restart: { maxRestarts: number; baseDelayMs: number; maxDelayMs?: number };
  /** SIGTERM, then SIGKILL after this long (default 10 s: Qdrant flushes its WAL on SIGTERM). */
  stopGraceMs?: number;
  /** Up this long without a crash, the consecutive-failure count starts again (default 5 min). */
  stableAfterMs?: number;
}

export interface BundledQdrantEvents {
  state: [BundledQdrantState];
  ready: [{ pid: number; waitedMs: number }];
  exit: [{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
  restarting: [{ attempt: number; delayMs: number }];
  crashed: [BscError];
}

export interface BundledQdrant {
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly state: BundledQdrantState;
  readonly pid: number | undefined;
  /** Restarts since start, all of them (the give-up limit counts consecutive failures only). */
  readonly restarts: number;
  on<E extends keyof BundledQdrantEvents>(event: E, listener: (...args: BundledQdrantEvents[E]) => void): () => void;
  stop(): Promise<void>;
}

const OUTPUT_LINES_KEPT = 40;

/** Where the packaged app keeps the binary for this machine: resources/qdrant/<platform>-<arch>/qdrant[.exe]. */
export function bundledQdrantPath(resourcesDir: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return path.join(resourcesDir, 'qdrant', `${platform}-${arch}`, platform === 'win32' ? 'qdrant.exe' : 'qdrant');
}

/**
 * Starts Qdrant as a child process on a free loopback port and resolves once GET /readyz answers
 * 200. Unexpected exits are restarted with exponential backoff; past maxRestarts consecutive
 * failures the handle turns 'crashed' and emits the error with the last lines Qdrant printed.
 */
export async function startBundledQdrant(opts: BundledQdrantOptions): Promise<BundledQdrant> {
  assertBinaryPresent(opts.binaryPath, opts.args);
  fs.mkdirSync(opts.storageDir, { recursive: true });
  const workDir = path.dirname(path.resolve(opts.storageDir));
  const apiKey = opts.apiKey ?? readOrCreateQdrantApiKey(path.join(workDir, 'qdrant-api-key'));
  const port = await pickFreeLoopbackPort();
  const grpcPort = await pickFreeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const log = opts.log.child({ component: 'qdrant', port });
  const events = new EventEmitter();
  const output: string[] = [];
  const graceMs = opts.stopGraceMs ?? 10_000;
  const stableAfterMs = opts.stableAfterMs ?? 300_000;

  let state: BundledQdrantState = 'starting';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let restarts = 0;
  let failures = 0; // consecutive
  let readySince = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const setState = (next: BundledQdrantState) => {
    if (state === next) return;
    state = next;
    events.emit('state', next);
  };

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QDRANT__SERVICE__HOST: '127.0.0.1',
    QDRANT__SERVICE__HTTP_PORT: String(port),
    QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
    QDRANT__SERVICE__API_KEY: apiKey,
    QDRANT__STORAGE__STORAGE_PATH: path.resolve(opts.storageDir),
    QDRANT__STORAGE__SNAPSHOTS_PATH: path.join(workDir, 'qdrant-snapshots'),
    QDRANT__TELEMETRY_DISABLED: 'true',
    QDRANT__CLUSTER__ENABLED: 'false',
    ...opts.env,
  };

  // Without this, a Node process that exits without calling stop() would leave Qdrant running.
  const killOnExit = () => child?.kill('SIGTERM');
  process.once('exit', killOnExit);

  function recordLine(stream: 'stdout' | 'stderr', raw: string): void {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    if (!line) return;
    output.push(line);
    if (output.length > OUTPUT_LINES_KEPT) output.shift();
    const level = /\bERROR\b|panic/i.test(line) ? 'error' : /\bWARN\b/.test(line) ? 'warn' : 'info';
    log[level](line, { stream });
  }

  function spawnOnce(): ChildProcess {
    const proc = spawn(opts.binaryPath, [...(opts.args ?? [])], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      proc[stream]?.setEncoding('utf8');
      proc[stream]?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const l of lines) recordLine(stream, l);
      });
      proc[stream]?.on('end', () => partial && recordLine(stream, partial));
    }
    exited = new Promise<void>((resolve) => {
      proc.once('error', (err) => {
        recordLine('stderr', `could not start ${opts.binaryPath}: ${err.message}`);
        resolve();
      });
      proc.once('exit', (code, signal) => {
        const expected = stopping;
        log[expected ? 'info' : 'warn']('Qdrant exited', { code, signal, pid: proc.pid });
        events.emit('exit', { code, signal, expected });
        resolve();
        if (!expected && child === proc) void onUnexpectedExit(code, signal);
      });
    });
    child = proc;
    log.info('Qdrant started', { pid: proc.pid, binary: opts.binaryPath });
    return proc;
  }

  function crashError(summary: string): BscError {
    return new BscError('PROVIDER_UNAVAILABLE', `The bundled Qdrant ${summary}. Its last output:\n${output.slice(-15).join('\n')}`, {
      reason: 'qdrant-crashed',
      restarts,
      lastOutput: output.slice(-15),
    });
  }

  /** Spawns and waits for /readyz; on a timeout the child is killed so a retry starts clean. */
  async function launchUntilReady(): Promise<{ ok: true } | { ok: false; reason: string; timedOut: boolean }> {
    const proc = spawnOnce();
    setState('starting');
    const result = await waitForQdrantReady(url, {
      timeoutMs: opts.readyTimeoutMs,
      abandon: () => (stopping ? 'stopped' : proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined ? `exited with code ${proc.exitCode ?? proc.signalCode}` : undefined),
    });
    if (result.ready && !stopping) {
      readySince = Date.now();
      setState('ready');
      log.info('Qdrant ready', { waitedMs: result.waitedMs, pid: proc.pid, restarts });
      events.emit('ready', { pid: proc.pid ?? -1, waitedMs: result.waitedMs });
      return { ok: true };
    }
    const reason = result.ready ? 'stopped' : result.reason;
    const timedOut = !result.ready && proc.exitCode === null && proc.signalCode === null;
    if (timedOut) await terminate(proc);
    return { ok: false, reason, timedOut };
  }

  async function onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (state === 'starting') return; // launchUntilReady sees the exit and decides
    if (readySince && Date.now() - readySince >= stableAfterMs) failures = 0;
    await restartLoop(`exited unexpectedly (code ${code ?? signal})`);
  }

  /** Resolves true once Qdrant is ready again, false when it gave up or was stopped. */
  async function restartLoop(firstReason: string): Promise<boolean> {
    let reason = firstReason;
    while (!stopping) {
      if (failures >= opts.restart.maxRestarts) {
        setState('crashed');
        const err = crashError(`${reason} and was restarted ${restarts} time(s); giving up`);
        log.error('Qdrant gave up restarting', { restarts, reason });
        events.emit('crashed', err);
        return false;
      }
      failures++;
      restarts++;
      const delayMs = Math.min(opts.restart.baseDelayMs * 2 ** (failures - 1), opts.restart.maxDelayMs ?? 30_000);
      setState('restarting');
      log.warn('Restarting Qdrant', { attempt: restarts, delayMs, reason });
      events.emit('restarting', { attempt: restarts, delayMs });
      await new Promise<void>((resolve) => (restartTimer = setTimeout(resolve, delayMs)));
      restartTimer = undefined;
      if (stopping) return false;
      const outcome = await launchUntilReady();
      if (outcome.ok) return true;
      reason = outcome.reason;
    }
    return false;
  }

  async function terminate(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    const done = exited;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      log.warn('Qdrant ignored SIGTERM; killing it', { pid: proc.pid, graceMs });
      proc.kill('SIGKILL');
    }, graceMs);
    await done;
    clearTimeout(timer);
  }

  const handle: BundledQdrant = {
    url,
    port,
    apiKey,
    get state() {
      return state;
    },
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    get restarts() {
      return restarts;
    },
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return () => events.off(event, listener as (...args: unknown[]) => void);
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (child) await terminate(child);
      process.off('exit', killOnExit);
      setState('stopped');
    },
  };

  const first = await launchUntilReady();
  if (first.ok) return handle;
  if (!first.timedOut && opts.restart.maxRestarts > 0) {
    // A first start that died may be a transient failure: give it the same restarts as later crashes.
    if (await restartLoop(first.reason)) return handle;
  }
  await handle.stop();
  if (first.timedOut) {
    throw new BscError(
      'PROVIDER_UNAVAILABLE',
      `The bundled Qdrant did not become ready within ${opts.readyTimeoutMs} ms (${first.reason}). Its last output:\n${output.slice(-15).join('\n')}`,
      { reason: 'qdrant-not-ready', lastOutput: output.slice(-15) },
    );
  }
  throw crashError(`could not start (${first.reason})`);
}

function assertBinaryPresent(binaryPath: string, args: string[] | undefined): void {
  try {
    // With args the binary is an interpreter (tests); only Qdrant itself must be executable.
    fs.accessSync(binaryPath, args?.length ? fs.constants.R_OK : fs.constants.X_OK);
    if (!fs.statSync(binaryPath).isFile()) throw new Error('not a file');
  } catch {
    const platform = `${process.platform}-${process.arch}`;
    throw new BscError(
      'NOT_FOUND',
      `The bundled Qdrant binary is missing or not executable at ${binaryPath}. Fetch it with \`npm run fetch-qdrant -- --platform ${platform}\` ` +
        `(scripts/fetch-qdrant.ts; or \`npx tsx scripts/fetch-qdrant.ts --platform ${platform}\`), or choose another vector store in Settings.`,
      { reason: 'qdrant-binary-missing', binaryPath },
    );
  }
}
