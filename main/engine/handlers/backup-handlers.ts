import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Operation } from '../../../preload/contract';
import { backupFolder, createBackup, type ProgressContext } from '../backup/backup';
import { backupStatePath, recordVerification } from '../backup/backup-state';
import { RESTORE_MARKER, restoreBackup } from '../backup/restore';
import { listBackupFiles, pruneScheduledBackups } from '../backup/retention';
import { sweepStalePartials } from '../backup/retention';
import { observeSchedule, scheduleWarning, startBackupScheduler, type BackupScheduler } from '../backup/schedule';
import { verifyBackup } from '../backup/verify';
import { LATEST_SCHEMA_VERSION } from '../db/migrate';
import type { MethodHandlers } from '../dispatch';
import { errorShape } from '../dispatch';
import type { Engine } from '../engine';
import { BscError } from '../errors';

type BackupMethods = Extract<keyof MethodHandlers, `backup.${string}`>;

const UPLOAD_ID = /^[A-Za-z0-9-]{8,64}$/;

export interface BackupHandlerOptions {
  /** Injected clock and tick interval, for tests of the schedule. */
  now?: () => Date;
  schedulerIntervalMs?: number;
}

/** The scheduler of the last engine given to backupHandlers (tests drive its tick). */
export const schedulers = new WeakMap<Engine, BackupScheduler>();

export function backupHandlers(engine: Engine, opts: BackupHandlerOptions = {}): Pick<MethodHandlers, BackupMethods> {
  const now = opts.now ?? (() => new Date());
  const stateFile = backupStatePath(engine.paths.root);
  let restoring = false;

  if (fs.existsSync(path.join(engine.paths.root, RESTORE_MARKER))) {
    // recoverInterruptedRestore(dataDir) must run before the database opens; say so loudly if it did not.
    engine.log.error('an interrupted restore was found but not recovered: call recoverInterruptedRestore before opening the database', { dataDir: engine.paths.root });
  }

  const busy = () => restoring || safeIsRunning(engine, 'backup');

  const startBackup = (input: { outPath?: string; includeDocuments?: boolean; includeEmbeddingCache?: boolean; kind?: 'manual' | 'scheduled' }) => {
    if (restoring) throw new BscError('BAD_INPUT', 'A restore is running; back up after it has finished.');
    return engine.operations().start('backup', (ctx) => createBackup(engine, { ...input, now: now() }, ctx));
  };

  // Scheduled backups and clean-up belong to the app or server, not to a CLI run beside them.
  if (engine.isPrimary) {
    const removed = sweepStalePartials(backupFolder(engine), now());
    if (removed.length) engine.log.info('half-written backups from an interrupted run removed', { removed });
  }
  const scheduler = startBackupScheduler({
    dataDir: engine.paths.root,
    schedule: () => engine.currentSettings().backup,
    busy,
    log: engine.log,
    now,
    intervalMs: opts.schedulerIntervalMs,
    async runBackup() {
      const op = startBackup({ kind: 'scheduled' });
      const done = await engine.operations().waitFor(op.id);
      if (done.state !== 'done') throw new Error(done.error?.message ?? `the backup ended ${done.state}`);
      return (done.result as { path: string }).path;
    },
    afterSuccess: () => {
      const removed = pruneScheduledBackups(backupFolder(engine), engine.currentSettings().backup.keep);
      if (removed.length > 0) engine.log.info('old scheduled backups removed', { removed });
    },
  });
  schedulers.set(engine, scheduler);
  if (!engine.isPrimary) scheduler.stop();
  engine.onClose(() => scheduler.stop());

  const archivePath = (input: { path: string } | { uploadId: string }): { file: string; upload: boolean } => {
    if ('uploadId' in input) {
      if (!UPLOAD_ID.test(input.uploadId)) throw new BscError('BAD_INPUT', 'That upload id is not valid.');
      const file = path.join(engine.paths.incoming, input.uploadId);
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
      const schedule = engine.currentSettings().backup;
      const at = now();
      const state = observeSchedule(stateFile, schedule, at);
      return {
        backups: await listBackupFiles(backupFolder(engine), state),
        lastScheduled: state.lastScheduled ? { at: state.lastScheduled.at, ok: state.lastScheduled.ok, error: state.lastScheduled.error } : null,
        warning: scheduleWarning(schedule, at, state),
      };
    },

    'backup.verify': (input) => {
      const { file } = archivePath(input);
      const operation = engine.operations().start('verify', async (ctx) => {
        const report = await verifyBackup(file, {
          maxSchemaVersion: LATEST_SCHEMA_VERSION, signal: ctx.signal, tempDir: engine.paths.root,
          onProgress: (p) => ctx.progress('verifying', p.bytesDone, p.bytesTotal),
        });
        recordVerification(stateFile, file, report.ok);
        return { path: file, ok: report.ok, problems: report.problems, checks: report.checks, manifest: report.manifest };
      });
      return { operation };
    },

    'backup.restore': (input) => {
      const { file, upload } = archivePath(input);
      if (restoring) throw new BscError('BAD_INPUT', 'A restore is already running.');
      if (safeIsRunning(engine, 'backup')) throw new BscError('BAD_INPUT', 'A backup is running; restore after it has finished (or cancel it).');
      restoring = true;
      const operation = trackDetached(engine, 'restore', (ctx) => restoreBackup(engine, file, ctx), () => {
        restoring = false;
        if (upload) fs.rmSync(file, { force: true });
      });
      return { operation };
    },
  };
}

function safeIsRunning(engine: Engine, kind: 'backup'): boolean {
  try {
    return engine.operations().isRunning(kind);
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
function trackDetached<T>(engine: Engine, kind: Operation['kind'], work: (ctx: ProgressContext) => Promise<T>, after: () => void): Operation {
  const startedMs = Date.now();
  let op: Operation = {
    id: randomUUID(), kind, state: 'running', stage: 'starting', done: 0, total: 0, etaMs: null,
    startedAt: new Date(startedMs).toISOString(), finishedAt: null, error: null, result: null,
  };
  record(engine, op);
  engine.send({ name: 'onOperation', payload: op });
  let lastEmit = 0;
  const ctx: ProgressContext = {
    progress(stage, done, total) {
      const t = Date.now();
      const changed = stage !== op.stage;
      op = { ...op, stage, done, total, etaMs: done > 0 && total > done ? Math.round(((t - startedMs) / done) * (total - done)) : null };
      if (!changed && t - lastEmit < 200) return;
      lastEmit = t;
      engine.send({ name: 'onOperation', payload: op });
    },
  };
  void work(ctx).then(
    (result) => { op = { ...op, state: 'done', stage: 'done', done: op.total, etaMs: null, finishedAt: new Date().toISOString(), result }; },
    (err: unknown) => {
      const error = errorShape(err);
      op = { ...op, state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', etaMs: null, finishedAt: new Date().toISOString(), error };
      engine.log.error('operation failed', { operation: op.id, kind, code: error.code, error: error.message });
    },
  ).finally(() => {
    after();
    record(engine, op);
    engine.send({ name: 'onOperation', payload: op });
  });
  return op;
}

/** Best effort: the record is history for operations.list; the event already told the user. */
function record(engine: Engine, op: Operation): void {
  try {
    engine.database().prepare(`INSERT INTO operations (id, kind, state, stage, done, total, error_code, error, result_json, started_at, finished_at)
      VALUES (@id, @kind, @state, @stage, @done, @total, @code, @error, @result, @startedAt, @finishedAt)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, stage = excluded.stage, done = excluded.done, total = excluded.total,
        error_code = excluded.error_code, error = excluded.error, result_json = excluded.result_json, finished_at = excluded.finished_at`).run({
      id: op.id, kind: op.kind, state: op.state, stage: op.stage, done: op.done, total: op.total,
      code: op.error?.code ?? null, error: op.error?.message ?? null, result: op.result === null ? null : JSON.stringify(op.result),
      startedAt: op.startedAt, finishedAt: op.finishedAt,
    });
  } catch (err) {
    engine.log.warn('could not record the operation', { operation: op.id, error: (err as Error).message });
  }
}
