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
 * Everything one bundled Qdrant shares between the steps below: fixed settings plus the mutable
 * state of the supervised child (the steps used to be closures over these as local variables).
 */
interface Supervisor {
  readonly opts: BundledQdrantOptions;
  readonly log: Logger;
  readonly events: EventEmitter;
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly workDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly output: string[];
  readonly graceMs: number;
  readonly stableAfterMs: number;
  readonly killOnExit: () => void;
  state: BundledQdrantState;
  child: ChildProcess | undefined;
  exited: Promise<void>;
  restarts: number;
  failures: number; // consecutive
  readySince: number;
  stopping: boolean;
  restartTimer: NodeJS.Timeout | undefined;
}

type LaunchOutcome = { ok: true } | { ok: false; reason: string; timedOut: boolean };

/**
 * Starts Qdrant as a child process on a free loopback port and resolves once GET /readyz answers
 * 200. Unexpected exits are restarted with exponential backoff; past maxRestarts consecutive
 * failures the handle turns 'crashed' and emits the error with the last lines Qdrant printed.
 */
export async function startBundledQdrant(opts: BundledQdrantOptions): Promise<BundledQdrant> {
  const s = await prepareSupervisor(opts);
  const handle = createHandle(s);
  const first = await launchUntilReady(s);
  if (first.ok) return handle;
  if (!first.timedOut && opts.restart.maxRestarts > 0) {
    // A first start that died may be a transient failure: give it the same restarts as later crashes.
    if (await restartLoop(s, first.reason)) return handle;
  }
  await handle.stop();
  throw firstStartError(s, first);
}

/** Checks the binary, prepares the storage folder and API key, picks the ports; spawns nothing. */
async function prepareSupervisor(opts: BundledQdrantOptions): Promise<Supervisor> {
  assertBinaryPresent(opts.binaryPath, opts.args);
  fs.mkdirSync(opts.storageDir, { recursive: true });
  const workDir = path.dirname(path.resolve(opts.storageDir));
  const apiKey = opts.apiKey ?? readOrCreateQdrantApiKey(path.join(workDir, 'qdrant-api-key'));
  const port = await pickFreeLoopbackPort();
  const grpcPort = await pickFreeLoopbackPort();
  const s: Supervisor = {
    opts,
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    workDir,
    log: opts.log.child({ component: 'qdrant', port }),
    events: new EventEmitter(),
    output: [],
    graceMs: opts.stopGraceMs ?? 10_000,
    stableAfterMs: opts.stableAfterMs ?? 300_000,
    env: qdrantEnv(opts, { workDir, apiKey, port, grpcPort }),
    // Without this, a Node process that exits without calling stop() would leave Qdrant running.
    killOnExit: () => s.child?.kill('SIGTERM'),
    state: 'starting',
    child: undefined,
    exited: Promise.resolve(),
    restarts: 0,
    failures: 0,
    readySince: 0,
    stopping: false,
    restartTimer: undefined,
  };
  process.once('exit', s.killOnExit);
  return s;
}

function qdrantEnv(opts: BundledQdrantOptions, at: { workDir: string; apiKey: string; port: number; grpcPort: number }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    QDRANT__SERVICE__HOST: '127.0.0.1',
    QDRANT__SERVICE__HTTP_PORT: String(at.port),
    QDRANT__SERVICE__GRPC_PORT: String(at.grpcPort),
    QDRANT__SERVICE__API_KEY: at.apiKey,
    QDRANT__STORAGE__STORAGE_PATH: path.resolve(opts.storageDir),
    QDRANT__STORAGE__SNAPSHOTS_PATH: path.join(at.workDir, 'qdrant-snapshots'),
    QDRANT__TELEMETRY_DISABLED: 'true',
    QDRANT__CLUSTER__ENABLED: 'false',
    ...opts.env,
  };
}

function createHandle(s: Supervisor): BundledQdrant {
  return {
    url: s.url,
    port: s.port,
    apiKey: s.apiKey,
    get state() {
      return s.state;
    },
    get pid() {
      const { child } = s;
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    get restarts() {
      return s.restarts;
    },
    on(event, listener) {
      s.events.on(event, listener as (...args: unknown[]) => void);
      return () => s.events.off(event, listener as (...args: unknown[]) => void);
    },
    async stop() {
      s.stopping = true;
      if (s.restartTimer) clearTimeout(s.restartTimer);
      if (s.child) await terminate(s, s.child);
      process.off('exit', s.killOnExit);
      setState(s, 'stopped');
    },
  };
}

function setState(s: Supervisor, next: BundledQdrantState): void {
  if (s.state === next) return;
  s.state = next;
  s.events.emit('state', next);
}

function recordLine(s: Supervisor, stream: 'stdout' | 'stderr', raw: string): void {
  const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
  if (!line) return;
  s.output.push(line);
  if (s.output.length > OUTPUT_LINES_KEPT) s.output.shift();
  const level = /\bERROR\b|panic/i.test(line) ? 'error' : /\bWARN\b/.test(line) ? 'warn' : 'info';
  s.log[level](line, { stream });
}

function spawnOnce(s: Supervisor): ChildProcess {
  const { opts } = s;
  const proc = spawn(opts.binaryPath, [...(opts.args ?? [])], { cwd: s.workDir, env: s.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  pipeOutput(s, proc);
  s.exited = watchExit(s, proc);
  s.child = proc;
  s.log.info('Qdrant started', { pid: proc.pid, binary: opts.binaryPath });
  return proc;
}

/** Feeds the child's stdout/stderr, line by line, to recordLine. */
function pipeOutput(s: Supervisor, proc: ChildProcess): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    proc[stream]?.setEncoding('utf8');
    proc[stream]?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) recordLine(s, stream, l);
    });
    proc[stream]?.on('end', () => partial && recordLine(s, stream, partial));
  }
}

/** Resolves when the child has exited or failed to start; unexpected exits go to onUnexpectedExit. */
function watchExit(s: Supervisor, proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    proc.once('error', (err) => {
      recordLine(s, 'stderr', `could not start ${s.opts.binaryPath}: ${err.message}`);
      resolve();
    });
    proc.once('exit', (code, signal) => {
      const expected = s.stopping;
      s.log[expected ? 'info' : 'warn']('Qdrant exited', { code, signal, pid: proc.pid });
      s.events.emit('exit', { code, signal, expected });
      resolve();
      if (!expected && s.child === proc) void onUnexpectedExit(s, code, signal);
    });
  });
}

function crashError(s: Supervisor, summary: string): BscError {
  return new BscError('PROVIDER_UNAVAILABLE', `The bundled Qdrant ${summary}. Its last output:\n${s.output.slice(-15).join('\n')}`, {
    reason: 'qdrant-crashed',
    restarts: s.restarts,
    lastOutput: s.output.slice(-15),
  });
}

function firstStartError(s: Supervisor, first: { reason: string; timedOut: boolean }): BscError {
  if (first.timedOut) {
    return new BscError(
      'PROVIDER_UNAVAILABLE',
      `The bundled Qdrant did not become ready within ${s.opts.readyTimeoutMs} ms (${first.reason}). Its last output:\n${s.output.slice(-15).join('\n')}`,
      { reason: 'qdrant-not-ready', lastOutput: s.output.slice(-15) },
    );
  }
  return crashError(s, `could not start (${first.reason})`);
}

/** Spawns and waits for /readyz; on a timeout the child is killed so a retry starts clean. */
async function launchUntilReady(s: Supervisor): Promise<LaunchOutcome> {
  const proc = spawnOnce(s);
  setState(s, 'starting');
  const result = await waitForQdrantReady(s.url, {
    timeoutMs: s.opts.readyTimeoutMs,
    abandon: () => (s.stopping ? 'stopped' : proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined ? `exited with code ${proc.exitCode ?? proc.signalCode}` : undefined),
  });
  if (result.ready && !s.stopping) {
    s.readySince = Date.now();
    setState(s, 'ready');
    s.log.info('Qdrant ready', { waitedMs: result.waitedMs, pid: proc.pid, restarts: s.restarts });
    s.events.emit('ready', { pid: proc.pid ?? -1, waitedMs: result.waitedMs });
    return { ok: true };
  }
  const reason = result.ready ? 'stopped' : result.reason;
  const timedOut = !result.ready && proc.exitCode === null && proc.signalCode === null;
  if (timedOut) await terminate(s, proc);
  return { ok: false, reason, timedOut };
}

async function onUnexpectedExit(s: Supervisor, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
  if (s.state === 'starting') return; // launchUntilReady sees the exit and decides
  if (s.readySince && Date.now() - s.readySince >= s.stableAfterMs) s.failures = 0;
  await restartLoop(s, `exited unexpectedly (code ${code ?? signal})`);
}

/** Resolves true once Qdrant is ready again, false when it gave up or was stopped. */
async function restartLoop(s: Supervisor, firstReason: string): Promise<boolean> {
  const { restart } = s.opts;
  let reason = firstReason;
  while (!s.stopping) {
    if (s.failures >= restart.maxRestarts) {
      setState(s, 'crashed');
      const err = crashError(s, `${reason} and was restarted ${s.restarts} time(s); giving up`);
      s.log.error('Qdrant gave up restarting', { restarts: s.restarts, reason });
      s.events.emit('crashed', err);
      return false;
    }
    s.failures++;
    s.restarts++;
    const delayMs = Math.min(restart.baseDelayMs * 2 ** (s.failures - 1), restart.maxDelayMs ?? 30_000);
    setState(s, 'restarting');
    s.log.warn('Restarting Qdrant', { attempt: s.restarts, delayMs, reason });
    s.events.emit('restarting', { attempt: s.restarts, delayMs });
    await new Promise<void>((resolve) => (s.restartTimer = setTimeout(resolve, delayMs)));
    s.restartTimer = undefined;
    if (s.stopping) return false;
    const outcome = await launchUntilReady(s);
    if (outcome.ok) return true;
    reason = outcome.reason;
  }
  return false;
}

async function terminate(s: Supervisor, proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const done = s.exited;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    s.log.warn('Qdrant ignored SIGTERM; killing it', { pid: proc.pid, graceMs: s.graceMs });
    proc.kill('SIGKILL');
  }, s.graceMs);
  await done;
  clearTimeout(timer);
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
