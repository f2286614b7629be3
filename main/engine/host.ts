import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent, EventName, EventPayload, MethodName, MethodOutput, Reply } from '../../preload/contract';
import type { LogRecord, Logger } from './observability/log';
import type { FromEngine, ToEngine } from './protocol';

/** A running engine process, as the host sees it: Node's fork or Electron's utilityProcess. */
export interface EngineChild {
  readonly pid: number | undefined;
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnEngine = (env: Record<string, string>) => EngineChild;

/** The built engine entry, next to the bundle that imports this file (dist/main/). */
export function engineEntryPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'engine-process.js');
}

export function forkEngine(entry = engineEntryPath()): SpawnEngine {
  return (env) => {
    const child = fork(entry, [], { env: { ...process.env, ...env }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A child killed between our check and the write makes IPC fail with EPIPE. Unhandled, that
    // 'error' would take the server down with it; the 'exit' that follows fails the pending calls.
    child.on('error', () => {});
    return {
      get pid() { return child.pid; },
      send: (m) => { if (child.connected) child.send(m, (err) => { if (err) child.kill('SIGKILL'); }); },
      onMessage: (l) => child.on('message', (m) => l(m as FromEngine)),
      onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

export interface EngineHostOptions {
  dataDir: string;
  spawn: SpawnEngine;
  log: Logger;
  /** Per-call timeout; long work reports progress by events and returns early. */
  callTimeoutMs?: number;
}

type Pending = { resolve: (r: Reply<unknown>) => void; timer: NodeJS.Timeout };
type Listener = (event: EngineEvent) => void;

/**
 * Keeps one engine process alive: forwards calls, relays events, and restarts the engine with
 * backoff when it dies (in-flight calls fail with ENGINE_UNAVAILABLE instead of hanging).
 */
export class EngineHost {
  private child: EngineChild | null = null;
  private ready: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<Listener>();
  private restarts = 0;
  private stopping = false;
  private lastStart = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: EngineHostOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get restartCount(): number {
    return this.restarts;
  }

  start(): Promise<void> {
    this.stopping = false;
    this.lastStart = Date.now();
    this.broadcast({ name: 'onEngineState', payload: { state: this.restarts ? 'restarting' : 'starting', at: new Date().toISOString() } });
    const child = this.opts.spawn({ BSC_DATA_DIR: this.opts.dataDir, BSC_ENGINE_RESTARTS: String(this.restarts) });
    this.child = child;
    this.ready = new Promise<void>((resolve) => {
      child.onMessage((msg) => {
        if (msg.type === 'ready') {
          this.opts.log.info('engine ready', { pid: msg.pid, restarts: this.restarts });
          this.broadcast({ name: 'onEngineState', payload: { state: 'ready', at: new Date().toISOString() } });
          resolve();
        } else if (msg.type === 'reply') {
          const p = this.pending.get(msg.id);
          if (p) {
            clearTimeout(p.timer);
            this.pending.delete(msg.id);
            p.resolve(msg.reply);
          }
        } else if (msg.type === 'event') {
          this.broadcast(msg.event);
        } else if (msg.type === 'log') {
          this.writeEngineRecord(msg.record, child.pid);
        }
      });
      child.onExit((code, signal) => {
        resolve();
        if (this.child !== child) return;
        this.child = null;
        this.failPending('The engine stopped while handling this request; it is restarting. Try again.');
        if (this.stopping) return;
        const reason = `engine exited (${signal ?? `code ${code}`})`;
        this.opts.log.error('engine crashed', { code, signal, pid: child.pid });
        this.broadcast({ name: 'onEngineState', payload: { state: 'crashed', reason, at: new Date().toISOString() } });
        this.scheduleRestart();
      });
    });
    return this.ready;
  }

  /** The engine's log lines, written by this process: one writer per data folder's log. */
  private writeEngineRecord(record: LogRecord, pid: number | undefined): void {
    const log = this.opts.log;
    if (log.record) log.record({ ...record, proc: record.proc ?? 'engine', pid: record.pid ?? pid });
    else log[record.level]?.(record.msg, { ...record, proc: 'engine' });
  }

    private scheduleRestart(): void {
    // Back off when it keeps dying right after starting; start fresh after a healthy minute.
    if (Date.now() - this.lastStart > 60_000) this.restarts = 0;
    const delay = Math.min(10_000, 200 * 2 ** Math.min(this.restarts, 6));
    this.restarts += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) void this.start();
    }, delay);
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message } });
      this.pending.delete(id);
    }
  }

  private broadcast(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.onEvent((e) => { if (e.name === name) listener(e.payload as EventPayload<E>); });
  }

  /** Calls a method with an input that has not been validated yet (the engine validates it). */
  async callRaw(method: string, input: unknown, signal?: AbortSignal): Promise<Reply<unknown>> {
    await this.ready;
    const child = this.child;
    if (!child) return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'The engine is restarting; try again in a moment.' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        child.send({ type: 'cancel', id });
        resolve({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: `The engine did not answer ${method} in time.` } });
      }, this.opts.callTimeoutMs ?? 120_000);
      this.pending.set(id, { resolve, timer });
      signal?.addEventListener('abort', () => child.send({ type: 'cancel', id }), { once: true });
      child.send({ type: 'call', id, method, input });
    });
  }

  call<K extends MethodName>(method: K, input?: unknown, signal?: AbortSignal): Promise<Reply<MethodOutput<K>>> {
    return this.callRaw(method, input, signal) as Promise<Reply<MethodOutput<K>>>;
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve(); }, timeoutMs);
      child.onExit(() => { clearTimeout(timer); resolve(); });
      child.send({ type: 'shutdown' });
    });
    this.child = null;
    this.failPending('The engine was stopped.');
  }
}
