import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../preload/contract';
import { dispatchCall } from '../dispatch';
import { Engine, backupDepsOf, engineHandlers } from '../engine';
import { backupHandlers, schedulers } from '../handlers/backup-handlers';
import { silentLog } from '../observability/log';
import { backupStatePath, readBackupState } from './backup-state';
import { backupFileName, backupKindOf, backupsToPrune, sweepStalePartials } from './retention';
import { dueSlot, latestSlot, scheduleWarning } from './schedule';

const sched = (over: Partial<Settings['backup']>): Settings['backup'] => ({ ...defaultSettings.backup, ...over });
const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi);

describe('schedule arithmetic (local time)', () => {
  it('finds the latest daily and weekly slot at or before now', () => {
    const daily = sched({ schedule: 'daily', time: '02:30' });
    expect(latestSlot(daily, local(2026, 3, 10, 2, 29))).toEqual(local(2026, 3, 9, 2, 30));
    expect(latestSlot(daily, local(2026, 3, 10, 2, 30))).toEqual(local(2026, 3, 10, 2, 30));
    // 2026-03-10 is a Tuesday; weekday 1 = Monday.
    const weekly = sched({ schedule: 'weekly', time: '09:00', weekday: 1 });
    expect(latestSlot(weekly, local(2026, 3, 10, 8))).toEqual(local(2026, 3, 9, 9));
    expect(latestSlot(weekly, local(2026, 3, 9, 8, 59))).toEqual(local(2026, 3, 2, 9));
    expect(latestSlot(sched({ schedule: 'off' }), local(2026, 3, 10))).toBeNull();
  });

  it('a slot is due once, only after the schedule was switched on and after the last run', () => {
    const daily = sched({ schedule: 'daily', time: '02:00' });
    const since = local(2026, 3, 10, 15).toISOString();
    expect(dueSlot(daily, local(2026, 3, 10, 16), { scheduleSince: since, lastScheduled: null })).toBeNull();
    expect(dueSlot(daily, local(2026, 3, 11, 2, 1), { scheduleSince: since, lastScheduled: null })).toEqual(local(2026, 3, 11, 2));
    const ran = { at: local(2026, 3, 11, 2, 1).toISOString(), ok: true, error: null, path: null };
    expect(dueSlot(daily, local(2026, 3, 11, 23), { scheduleSince: since, lastScheduled: ran })).toBeNull();
    // The computer was off for three days: one catch-up run, not three.
    expect(dueSlot(daily, local(2026, 3, 14, 9), { scheduleSince: since, lastScheduled: ran })).toEqual(local(2026, 3, 14, 2));
    expect(dueSlot(daily, local(2026, 3, 14, 9), { scheduleSince: null, lastScheduled: ran })).toBeNull();
  });

  it('warns when the last run failed or none ran in twice the period', () => {
    const daily = sched({ schedule: 'daily' });
    const since = local(2026, 3, 1).toISOString();
    const okRun = { at: local(2026, 3, 5, 2).toISOString(), ok: true, error: null, path: null };
    expect(scheduleWarning(daily, local(2026, 3, 6, 12), { scheduleSince: since, lastScheduled: okRun })).toBeNull();
    expect(scheduleWarning(daily, local(2026, 3, 7, 3), { scheduleSince: since, lastScheduled: okRun })).toMatch(/No scheduled backup has run since/);
    expect(scheduleWarning(sched({ schedule: 'weekly' }), local(2026, 3, 7, 3), { scheduleSince: since, lastScheduled: okRun })).toBeNull();
    const failed = { at: local(2026, 3, 6, 2).toISOString(), ok: false, error: 'disk full', path: null };
    expect(scheduleWarning(daily, local(2026, 3, 6, 3), { scheduleSince: since, lastScheduled: failed })).toMatch(/failed: disk full/);
    expect(scheduleWarning(daily, local(2026, 3, 4), { scheduleSince: since, lastScheduled: null })).toMatch(/since the schedule was switched on/);
    expect(scheduleWarning(sched({ schedule: 'off' }), local(2026, 3, 30), { scheduleSince: since, lastScheduled: failed })).toBeNull();
  });
});

describe('retention', () => {
  it('keeps the newest N scheduled backups and never touches manual or safety ones', () => {
    const at = (d: number, h = 2) => local(2026, 3, d, h);
    const names = [
      backupFileName(at(1), 'scheduled'), backupFileName(at(2), 'scheduled'), backupFileName(at(3), 'scheduled'),
      backupFileName(at(3), 'scheduled', 2), backupFileName(at(4), 'scheduled'),
      backupFileName(at(1), 'manual'), backupFileName(at(1), 'safety'), 'my-own-copy.bscbackup',
    ];
    expect(names[0]).toBe('agente-bsc-20260301-020000-auto.bscbackup');
    expect(names.map(backupKindOf)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled', 'scheduled', 'manual', 'safety', 'manual']);
    expect(backupsToPrune(names, 2).sort()).toEqual([names[0], names[1], names[2]].sort());
    expect(backupsToPrune(names, 7)).toEqual([]);
  });
});

describe('the scheduler over a real engine', () => {
  let dir: string;
  let engine: Engine;
  let clock: Date;
  let deps: ReturnType<typeof backupDepsOf>;
  let call: <T>(m: string, i?: unknown) => Promise<T>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-schedule-'));
    clock = local(2026, 3, 10, 12);
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog });
    // engineHandlers builds the backup handlers on the real clock; these replace them with ours.
    deps = backupDepsOf(engine.services);
    const handlers = { ...engineHandlers(engine), ...backupHandlers(deps, { now: () => clock, schedulerIntervalMs: 3_600_000 }) };
    call = async <T>(m: string, i?: unknown) => {
      const r = await dispatchCall(handlers, m, i, { signal: new AbortController().signal });
      if (!r.ok) throw new Error(r.error.message);
      return r.value as T;
    };
  });
  afterEach(() => {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs due backups, keeps the last N, records failures and warns', async () => {
    const folder = path.join(dir, 'my-backups');
    engine.updateSettings({ backup: { schedule: 'daily', time: '02:00', folder, keep: 2 } });
    const manual = await call<{ operation: { id: string } }>('backup.create', {});
    expect((await engine.operations().waitFor(manual.operation.id)).state).toBe('done');
    const tick = schedulers.get(deps)!.tick;
    await tick(); // first sight of the schedule: nothing is due yet
    expect(fs.readdirSync(folder).filter((n) => n.endsWith('-auto.bscbackup'))).toEqual([]);

    for (const day of [11, 12, 13]) {
      clock = local(2026, 3, day, 2, 1);
      await tick();
      await tick(); // a second check in the same slot does nothing
    }
    const auto = fs.readdirSync(folder).filter((n) => n.endsWith('-auto.bscbackup')).sort();
    expect(auto).toHaveLength(2); // keep: 2, the oldest pruned
    expect(auto[0]).toMatch(/^agente-bsc-20260312-/);
    expect(fs.readdirSync(folder).filter((n) => !n.endsWith('-auto.bscbackup'))).toHaveLength(1); // the manual one stays
    let list = await call<{ backups: Array<{ scheduled: boolean; verification: string }>; lastScheduled: { ok: boolean } | null; warning: string | null }>('backup.list');
    expect(list.backups.filter((b) => b.scheduled)).toHaveLength(2);
    expect(list.backups.every((b) => b.verification === 'ok')).toBe(true);
    expect(list.lastScheduled?.ok).toBe(true);
    expect(list.warning).toBeNull();

    // Two days pass without the app running: overdue.
    clock = local(2026, 3, 15, 3);
    list = await call('backup.list');
    expect(list.warning).toMatch(/No scheduled backup has run since/);

    // The folder becomes unusable: the run fails, is recorded, and the warning says why.
    fs.writeFileSync(path.join(dir, 'not-a-folder'), 'x');
    engine.updateSettings({ backup: { folder: path.join(dir, 'not-a-folder', 'sub') } });
    await tick();
    const state = readBackupState(backupStatePath(path.join(dir, 'data')));
    expect(state.lastScheduled?.ok).toBe(false);
    list = await call('backup.list');
    expect(list.lastScheduled?.ok).toBe(false);
    expect(list.warning).toMatch(/failed: .*(ENOTDIR|not a directory)/i);
  }, 60_000);
});


describe('stale partial archives', () => {
  it('are swept once a day old, fresh ones are left alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-partials-'));
    try {
      const old = path.join(dir, 'agente-bsc-20260101-000000.bscbackup.partial');
      const fresh = path.join(dir, 'agente-bsc-20260102-000000.bscbackup.partial');
      const kept = path.join(dir, 'agente-bsc-20260101-000000.bscbackup');
      for (const f of [old, fresh, kept]) fs.writeFileSync(f, 'x');
      const now = new Date('2026-01-03T00:00:00Z');
      fs.utimesSync(old, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      fs.utimesSync(fresh, new Date('2026-01-02T12:00:00Z'), new Date('2026-01-02T12:00:00Z'));
      expect(sweepStalePartials(dir, now)).toEqual([path.basename(old)]);
      expect(fs.existsSync(fresh) && fs.existsSync(kept)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
