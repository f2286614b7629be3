import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ErrorCode, Operation, OperationKind } from '../../preload/contract';
import type { AppDatabase } from './db/open';
import { errorShape } from './dispatch';
import { BscError } from './errors';
import type { Logger } from './observability/log';
import { type ProgressPace, paceProgress } from './progress';

type Kind = z.infer<typeof OperationKind>;

export interface OperationContext {
  signal: AbortSignal;
  /** Report progress; `done`/`total` in any unit (bytes, points), the same throughout. */
  progress(stage: string, done: number, total: number): void;
}

interface Row {
  id: string; kind: Kind; state: Operation['state']; stage: string; done: number; total: number; error_code: string | null; error: string | null;
  result_json: string | null; started_at: string; finished_at: string | null;
}

const PROGRESS_EVERY_MS = 200;

/**
 * Runs long operations one per kind at a time, records them in the database, reports progress
 * (with an ETA) as onOperation events, and lets the user cancel. After a crash, what was running
 * is marked failed with the reason, never left "running" forever.
 */
export class OperationRunner {
  private readonly running = new Map<string, { controller: AbortController; pace: ProgressPace; kind: Kind }>();
  private readonly s;

  constructor(private readonly db: AppDatabase, private readonly emit: (op: Operation) => void, private readonly log: Logger, opts: { markInterrupted?: boolean } = {}) {
    this.s = {
      insert: db.prepare(`INSERT INTO operations (id, kind, state, stage, started_at) VALUES (?, ?, 'running', ?, ?)`),
      progress: db.prepare('UPDATE operations SET stage = ?, done = ?, total = ? WHERE id = ?'),
      finish: db.prepare('UPDATE operations SET state = ?, error_code = ?, error = ?, result_json = ?, finished_at = ? WHERE id = ?'),
      get: db.prepare('SELECT * FROM operations WHERE id = ?'),
      recent: db.prepare('SELECT * FROM operations ORDER BY started_at DESC LIMIT 50'),
      interrupted: db.prepare(`UPDATE operations SET state = 'failed', error_code = 'INTERNAL', error = 'Interrupted: Agente BSC stopped while this was running. Nothing was changed; start it again.', finished_at = ? WHERE state = 'running' RETURNING id, kind`),
    };
    const interrupted = opts.markInterrupted === false ? [] : (this.s.interrupted.all(new Date().toISOString()) as Array<{ id: string; kind: string }>);
    for (const r of interrupted) {
      this.log.warn('operation interrupted by a restart', { operation: r.id, kind: r.kind });
    }
  }

  private toOperation(r: Row, etaMs: number | null = null): Operation {
    return {
      id: r.id, kind: r.kind, state: r.state, stage: r.stage, done: r.done, total: r.total, etaMs,
      startedAt: r.started_at, finishedAt: r.finished_at,
      error: r.error_code ? { code: r.error_code as ErrorCode, message: r.error ?? '' } : null,
      result: r.result_json ? (JSON.parse(r.result_json) as unknown) : null,
    };
  }

  get(id: string): Operation | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? this.toOperation(r) : null;
  }

  list(): Operation[] {
    return (this.s.recent.all() as Row[]).map((r) => this.toOperation(r));
  }

  isRunning(kind: Kind): boolean {
    return [...this.running.values()].some((r) => r.kind === kind);
  }

  /** Starts `work` in the background and returns its operation at once. */
  start<T>(kind: Kind, work: (ctx: OperationContext) => Promise<T>, opts: { exclusiveWith?: Kind[] } = {}): Operation {
    for (const k of [kind, ...(opts.exclusiveWith ?? [])]) {
      if (this.isRunning(k)) throw new BscError('BAD_INPUT', `A ${k} is already running; wait for it or cancel it.`);
    }
    const id = randomUUID();
    this.s.insert.run(id, kind, 'starting', new Date().toISOString());
    const controller = new AbortController();
    const pace = paceProgress({ everyMs: PROGRESS_EVERY_MS });
    pace.tick('starting', 0, 0);
    const run = { controller, pace, kind };
    this.running.set(id, run);
    const op = this.get(id)!;
    this.emit(op);
    const ctx: OperationContext = {
      signal: controller.signal,
      progress: (stage, done, total) => {
        this.s.progress.run(stage, done, total, id);
        // A new stage always goes out (the UI and the CLI name it); ticks within a stage are throttled.
        const { emit, etaMs } = pace.tick(stage, done, total);
        if (emit) this.emit(this.toOperation(this.s.get.get(id) as Row, etaMs));
      },
    };
    void work(ctx).then(
      (result) => this.finish(id, 'done', null, result),
      (err: unknown) => {
        const shape = errorShape(err);
        this.finish(id, shape.code === 'CANCELLED' ? 'cancelled' : 'failed', shape, null);
        if (shape.code !== 'CANCELLED') this.log.error('operation failed', { operation: id, kind, code: shape.code, error: shape.message });
      },
    );
    return op;
  }

  private finish(id: string, state: Operation['state'], error: { code: string; message: string } | null, result: unknown): void {
    this.running.delete(id);
    this.s.finish.run(state, error?.code ?? null, error?.message ?? null, result === null || result === undefined ? null : JSON.stringify(result), new Date().toISOString(), id);
    const op = this.get(id);
    if (op) this.emit(op);
  }

  cancel(id: string): boolean {
    const run = this.running.get(id);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  /** Resolves when the operation has finished (tests, CLI). */
  async waitFor(id: string, pollMs = 50): Promise<Operation> {
    for (;;) {
      const op = this.get(id);
      if (!op) throw new BscError('NOT_FOUND', 'No such operation.');
      if (op.state !== 'running') return op;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  cancelAll(): void {
    for (const r of this.running.values()) r.controller.abort();
  }
}

/** The runner of the open database (it records into it, so it is rebuilt at each reopen). */
export interface OperationsService {
  runner(): OperationRunner;
  /** The runner if the database is open now (status, shutdown), without opening it. */
  ifOpen(): OperationRunner | null;
}

export function createOperationsService(deps: {
  database: { get(): AppDatabase; lastError(): BscError | null; onOpen(l: (db: AppDatabase) => void): void };
  emit: (op: Operation) => void;
  log: Logger;
  /** False for a CLI run beside the app: the app marks interrupted operations, not it. */
  primary: boolean;
}): OperationsService {
  let runner: OperationRunner | null = null;
  deps.database.onOpen((db) => { runner = new OperationRunner(db, deps.emit, deps.log, { markInterrupted: deps.primary }); });
  return {
    runner() {
      deps.database.get();
      if (!runner) throw deps.database.lastError() ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
      return runner;
    },
    ifOpen: () => runner,
  };
}
