import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Operation } from '../../../preload/contract';
import type { ProgressContext } from '../backup/backup';
import { backupStatePath } from '../backup/backup-state';
import { RESTORE_MARKER } from '../backup/restore';
import { listBackupFiles, pruneScheduledBackups } from '../backup/retention';
import { sweepStalePartials } from '../backup/retention';
import { observeSchedule, scheduleWarning, startBackupScheduler, type BackupScheduler } from '../backup/schedule';
import type { BackupService, RestoreService } from '../backup/service';
import type { MethodHandlers } from '../dispatch';
import { errorShape } from '../dispatch';
import { BscError } from '../errors';
import { paceProgress } from '../progress';
import type { EngineServices } from '../services';

type BackupMethods = Extract<keyof MethodHandlers, `backup.${string}`>;

const UPLOAD_ID = /^[A-Za-z0-9-]{8,64}$/;

export interface BackupHandlerOptions {
  /** Injected clock and tick interval, for tests of the schedule. */
  now?: () => Date;
  schedulerIntervalMs?: number;
}

export type BackupHandlerDeps = Pick<EngineServices, 'paths' | 'log' | 'settings' | 'operations' | 'events' | 'database' | 'lifecycle'> & {
  backups: BackupService;
  restores: RestoreService;
};

/** The scheduler of the last services given to backupHandlers (tests drive its tick). */
export const schedulers = new WeakMap<object, BackupScheduler>();

export function backupHandlers(deps: BackupHandlerDeps, opts: BackupHandlerOptions = {}): Pick<MethodHandlers, BackupMethods> {
  const { paths, log, settings, operations, lifecycle, backups } = deps;
  const now = opts.now ?? (() => new Date());
  const stateFile = backupStatePath(paths.root);
  let restoring = false;

  if (fs.existsSync(path.join(paths.root, RESTORE_MARKER))) {
    // recoverInterruptedRestore(dataDir) must run before the database opens; say so loudly if it did not.
    log.error('an interrupted restore was found but not recovered: call recoverInterruptedRestore before opening the database', { dataDir: paths.root });
  }

  const busy = () => restoring || safeIsRunning(deps, 'backup');

  const startBackup = (input: { outPath?: string; includeDocuments?: boolean; includeEmbeddingCache?: boolean; kind?: 'manual' | 'scheduled' }) => {
    if (restoring) throw new BscError('BAD_INPUT', 'A restore is running; back up after it has finished.');
    return operations.runner().start('backup', (ctx) => backups.create({ ...input, now: now() }, ctx));
  };

  // Scheduled backups and clean-up belong to the app or server, not to a CLI run beside them.
  if (lifecycle.primary) {
    const removed = sweepStalePartials(backups.folder(), now());
    if (removed.length) log.info('half-written backups from an interrupted run removed', { removed });
  }
  const scheduler = startBackupScheduler({
    dataDir: paths.root,
    schedule: () => settings.current().backup,
    busy,
    log,
    now,
    intervalMs: opts.schedulerIntervalMs,
    async runBackup() {
      const op = startBackup({ kind: 'scheduled' });
      const done = await operations.runner().waitFor(op.id);
      if (done.state !== 'done') throw new Error(done.error?.message ?? `the backup ended ${done.state}`);
      return (done.result as { path: string }).path;
    },
    afterSuccess: () => {
      const removed = pruneScheduledBackups(backups.folder(), settings.current().backup.keep);
      if (removed.length > 0) log.info('old scheduled backups removed', { removed });
    },
  });
  schedulers.set(deps, scheduler);
  if (!lifecycle.primary) scheduler.stop();
  lifecycle.onClose(() => scheduler.stop());

  const archivePath = (input: { path: string } | { uploadId: string }): { file: string; upload: boolean } => {
    if ('uploadId' in input) {
      if (!UPLOAD_ID.test(input.uploadId)) throw new BscError('BAD_INPUT', 'That upload id is not valid.');
      const file = path.join(paths.incoming, input.uploadId);
      if (!fs.existsSync(file)) throw new BscError('NOT_FOUND', 'That upload is no longer on the server; send the file again.');
      return { file, upload: true };
    }
    const file = path.resolve(input.path);
    if (!fs.existsSync(file)) throw new BscError('NOT_FOUND', `${file} does not exist.`);
    if (!fs.statSync(file).isFile()) throw new BscError('BAD_INPUT', `${file} is not a file.`);
    return { file, upload: false };
  };

  return {
    'backup.create': (input) => ({ operation: startBackup({ ...input }) }),

    'backup.list': async () => {
      const schedule = settings.current().backup;
      const at = now();
      const state = observeSchedule(stateFile, schedule, at);
      return {
        backups: await listBackupFiles(backups.folder(), state),
        lastScheduled: state.lastScheduled ? { at: state.lastScheduled.at, ok: state.lastScheduled.ok, error: state.lastScheduled.error } : null,
        warning: scheduleWarning(schedule, at, state),
      };
    },

    'backup.verify': (input) => {
      const { file } = archivePath(input);
      const operation = operations.runner().start('verify', async (ctx) => {
        const report = await backups.verify(file, ctx);
        return { path: file, ok: report.ok, problems: report.problems, checks: report.checks, manifest: report.manifest };
      });
      return { operation };
    },

    'backup.restore': (input) => {
      const { file, upload } = archivePath(input);
      if (restoring) throw new BscError('BAD_INPUT', 'A restore is already running.');
      if (safeIsRunning(deps, 'backup')) throw new BscError('BAD_INPUT', 'A backup is running; restore after it has finished (or cancel it).');
      restoring = true;
      const operation = trackDetached(deps, 'restore', (ctx) => deps.restores.restore(file, ctx), () => {
        restoring = false;
        if (upload) fs.rmSync(file, { force: true });
      });
      return { operation };
    },
  };
}

function safeIsRunning(deps: Pick<EngineServices, 'operations'>, kind: 'backup'): boolean {
  try {
    return deps.operations.runner().isRunning(kind);
  } catch {
    return false;
  }
}

/**
 * A long operation that outlives the database it started on. The OperationRunner records into
 * the open database with statements prepared on it, so it cannot follow a restore across the
 * swap; this emits the same onOperation events and writes the final record into whichever
 * database is open when the work ends. A restore is not cancellable: it is verified and staged
 * before anything changes, and the swap itself takes milliseconds.
 */
function trackDetached<T>(deps: Pick<EngineServices, 'events' | 'log' | 'database'>, kind: Operation['kind'], work: (ctx: ProgressContext) => Promise<T>, after: () => void): Operation {
  const startedMs = Date.now();
  let op: Operation = {
    id: randomUUID(), kind, state: 'running', stage: 'starting', done: 0, total: 0, etaMs: null,
    startedAt: new Date(startedMs).toISOString(), finishedAt: null, error: null, result: null,
  };
  record(deps, op);
  deps.events.send({ name: 'onOperation', payload: op });
  const pace = paceProgress({ everyMs: 200, startedMs });
  pace.tick(op.stage, 0, 0);
  const ctx: ProgressContext = {
    progress(stage, done, total) {
      const { emit, etaMs } = pace.tick(stage, done, total);
      op = { ...op, stage, done, total, etaMs };
      if (!emit) return;
      deps.events.send({ name: 'onOperation', payload: op });
    },
  };
  void work(ctx).then(
    (result) => { op = { ...op, state: 'done', stage: 'done', done: op.total, etaMs: null, finishedAt: new Date().toISOString(), result }; },
    (err: unknown) => {
      const error = errorShape(err);
      op = { ...op, state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', etaMs: null, finishedAt: new Date().toISOString(), error };
      deps.log.error('operation failed', { operation: op.id, kind, code: error.code, error: error.message });
    },
  ).finally(() => {
    after();
    record(deps, op);
    deps.events.send({ name: 'onOperation', payload: op });
  });
  return op;
}

/** Best effort: the record is history for operations.list; the event already told the user. */
function record(deps: Pick<EngineServices, 'log' | 'database'>, op: Operation): void {
  try {
    deps.database.get().prepare(`INSERT INTO operations (id, kind, state, stage, done, total, error_code, error, result_json, started_at, finished_at)
      VALUES (@id, @kind, @state, @stage, @done, @total, @code, @error, @result, @startedAt, @finishedAt)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, stage = excluded.stage, done = excluded.done, total = excluded.total,
        error_code = excluded.error_code, error = excluded.error, result_json = excluded.result_json, finished_at = excluded.finished_at`).run({
      id: op.id, kind: op.kind, state: op.state, stage: op.stage, done: op.done, total: op.total,
      code: op.error?.code ?? null, error: op.error?.message ?? null, result: op.result === null ? null : JSON.stringify(op.result),
      startedAt: op.startedAt, finishedAt: op.finishedAt,
    });
  } catch (err) {
    deps.log.warn('could not record the operation', { operation: op.id, error: (err as Error).message });
  }
}
