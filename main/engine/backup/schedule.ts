import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../../preload/contract';
import type { Logger } from '../observability/log';
import { type BackupState, backupStatePath, readBackupState, updateBackupState } from './backup-state';

export type BackupSchedule = Settings['backup'];

const DAY_MS = 24 * 60 * 60 * 1000;

export function periodMs(schedule: Pick<BackupSchedule, 'schedule'>): number | null {
  if (schedule.schedule === 'daily') return DAY_MS;
  if (schedule.schedule === 'weekly') return 7 * DAY_MS;
  return null;
}

/** The most recent moment at or before `now` when the schedule says a backup is due (local time). */
export function latestSlot(schedule: BackupSchedule, now: Date): Date | null {
  if (schedule.schedule === 'off') return null;
  const [h, m] = schedule.time.split(':').map(Number) as [number, number];
  const slot = new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, m, 0, 0);
  if (schedule.schedule === 'daily') {
    if (slot > now) slot.setDate(slot.getDate() - 1);
    return slot;
  }
  // weekly: back to the configured weekday, then a week further if that is still ahead of now.
  slot.setDate(slot.getDate() - ((slot.getDay() - schedule.weekday + 7) % 7));
  if (slot > now) slot.setDate(slot.getDate() - 7);
  return slot;
}

/**
 * The slot a scheduled backup should run for now, or null. A slot counts only when it falls after
 * the last scheduled run and after the schedule was switched on, so a missed slot (the computer
 * was off) runs once when the app is next open, and switching the schedule on does not fire at once.
 */
export function dueSlot(schedule: BackupSchedule, now: Date, state: Pick<BackupState, 'lastScheduled' | 'scheduleSince'>): Date | null {
  const slot = latestSlot(schedule, now);
  if (!slot || !state.scheduleSince) return null;
  const since = new Date(state.scheduleSince);
  const last = state.lastScheduled ? new Date(state.lastScheduled.at) : null;
  if (slot <= since) return null;
  if (last && slot <= last) return null;
  return slot;
}

/** What the Backup view shows in red: the last scheduled backup failed, or none ran in twice the period. */
export function scheduleWarning(schedule: BackupSchedule, now: Date, state: Pick<BackupState, 'lastScheduled' | 'scheduleSince'>): string | null {
  const period = periodMs(schedule);
  if (period === null) return null;
  const last = state.lastScheduled;
  if (last && !last.ok) return `The last scheduled backup, at ${last.at}, failed: ${last.error ?? 'unknown error'}`;
  const ref = last?.at ?? state.scheduleSince;
  if (!ref) return null;
  if (now.getTime() - new Date(ref).getTime() > 2 * period) {
    return last
      ? `No scheduled backup has run since ${last.at} (one is expected every ${schedule.schedule === 'daily' ? 'day' : 'week'}).`
      : `No scheduled backup has run since the schedule was switched on at ${ref}.`;
  }
  return null;
}

/** Keeps `scheduleSince` in step with the settings: set when the schedule is first seen on, cleared when off. */
export function observeSchedule(stateFile: string, schedule: BackupSchedule, now: Date): BackupState {
  const state = readBackupState(stateFile);
  const on = schedule.schedule !== 'off';
  if (on === (state.scheduleSince !== null)) return state;
  return updateBackupState(stateFile, (s) => {
    s.scheduleSince = on ? now.toISOString() : null;
  });
}

export interface SchedulerDeps {
  dataDir: string;
  schedule(): BackupSchedule;
  /** Runs one scheduled backup to its end; resolves with its path, rejects with why it failed. */
  runBackup(): Promise<string>;
  /** Called after a successful run (retention). */
  afterSuccess?(path: string): void;
  /** Whether a backup or restore is running right now: the tick waits for the next one. */
  busy(): boolean;
  log: Logger;
  now?: () => Date;
  intervalMs?: number;
}

export interface BackupScheduler {
  /** One check; exposed so tests drive time instead of waiting. */
  tick(): Promise<void>;
  stop(): void;
}

/** Checks every minute whether a scheduled backup is due and runs it; never keeps the process alive. */
export function startBackupScheduler(deps: SchedulerDeps): BackupScheduler {
  const now = deps.now ?? (() => new Date());
  const stateFile = backupStatePath(deps.dataDir);
  const lockFile = path.join(deps.dataDir, 'backup-schedule.lock');
  let running = false;

  async function tick(): Promise<void> {
    if (running) return;
    const schedule = deps.schedule();
    const at = now();
    const state = observeSchedule(stateFile, schedule, at);
    if (!dueSlot(schedule, at, state) || deps.busy()) return;
    // Another process on the same data folder (the CLI beside the app) may be ticking too.
    if (!takeLock(lockFile)) return;
    running = true;
    try {
      // Re-read under the lock: the other process may have just run this slot.
      if (!dueSlot(schedule, at, readBackupState(stateFile))) return;
      try {
        const file = await deps.runBackup();
        updateBackupState(stateFile, (s) => { s.lastScheduled = { at: at.toISOString(), ok: true, error: null, path: file }; });
        deps.log.info('scheduled backup done', { path: file });
        deps.afterSuccess?.(file);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        updateBackupState(stateFile, (s) => { s.lastScheduled = { at: at.toISOString(), ok: false, error: message, path: null }; });
        deps.log.error('scheduled backup failed', { error: message });
      }
    } finally {
      running = false;
      fs.rmSync(lockFile, { force: true });
    }
  }

  const timer = setInterval(() => {
    tick().catch((err: unknown) => deps.log.error('backup scheduler tick failed', { error: err }));
  }, deps.intervalMs ?? 60_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}

/** An exclusive lock file holding our pid; a lock whose process is gone is taken over. */
function takeLock(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = pid > 0;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive) return false;
      fs.rmSync(file, { force: true });
    }
  }
  return false;
}
