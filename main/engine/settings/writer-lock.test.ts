import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireWriterLock, describeHolder, readWriterLock, writerLockPath } from './writer-lock';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-lock-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('one writer per data folder', () => {
  it('writes pid, kind and start time, refuses a second writer naming the first, and frees the folder on release', () => {
    const dir = tmp();
    const first = acquireWriterLock(dir, 'server', { pid: process.pid });
    expect(first.ok).toBe(true);
    expect(readWriterLock(dir)).toMatchObject({ pid: process.pid, kind: 'server', hostname: os.hostname() });
    const second = acquireWriterLock(dir, 'cli', { pid: process.pid + 1, command: 'bsc index' });
    expect(second).toMatchObject({ ok: false, holder: { kind: 'server', pid: process.pid } });
    expect(describeHolder(second.holder, dir)).toMatch(new RegExp(`^the Agente BSC server \\(pid ${process.pid}, started .* is writing to ${dir}$`));
    if (first.ok) first.release();
    expect(fs.existsSync(writerLockPath(dir))).toBe(false);
    expect(acquireWriterLock(dir, 'cli', { pid: process.pid + 1 }).ok).toBe(true);
  });

  it('replaces the lock of a process that died, and a damaged lock file once it is old', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    fs.writeFileSync(writerLockPath(dir), JSON.stringify({ pid: deadPid, kind: 'app', startedAt: new Date().toISOString(), hostname: os.hostname() }));
    const taken = acquireWriterLock(dir, 'server');
    expect(taken).toMatchObject({ ok: true, holder: { kind: 'server', pid: process.pid } });
    if (taken.ok) taken.release();
    // A damaged lock file: left alone while it could still be someone's, replaced once it is old.
    fs.writeFileSync(writerLockPath(dir), '{"pid":');
    expect(acquireWriterLock(dir, 'cli').ok).toBe(false);
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(writerLockPath(dir), minuteAgo, minuteAgo);
    expect(acquireWriterLock(dir, 'cli').ok).toBe(true);
  });

  it("never takes over a lock held from another machine (a shared folder), even if that pid is not alive here", () => {
    const dir = tmp();
    fs.writeFileSync(writerLockPath(dir), JSON.stringify({ pid: 999_999, kind: 'app', startedAt: '2026-12-03T10:00:00.000Z', hostname: 'laptop-da-ana' }));
    const r = acquireWriterLock(dir, 'cli', { isAlive: () => false });
    expect(r.ok).toBe(false);
    expect(describeHolder(r.holder, dir)).toContain('on laptop-da-ana');
  });

  it('of many starters finding the same dead holder\'s lock, exactly one wins (none deletes the winner\'s fresh lock)', async () => {
    const dir = tmp();
    fs.writeFileSync(writerLockPath(dir), JSON.stringify({ pid: 999_999, kind: 'app', startedAt: '2026-12-03T10:00:00.000Z', hostname: os.hostname() }));
    const script = `import('${path.join(import.meta.dirname, 'writer-lock.ts').replace(/\\/g, '/')}').then(m => { const r = m.acquireWriterLock(process.argv[1], 'cli', { isAlive: (p) => p !== 999999 && p > 0 }); console.log(r.ok ? 'won' : 'lost'); setTimeout(() => {}, 8000); })`;
    const tsx = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');
    const outs = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
      const p = spawn(tsx, ['-e', script, dir]);
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.on('exit', () => resolve(out.trim()));
    })));
    expect(outs.filter((o) => o === 'won')).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.stale') || f.endsWith('.tmp'))).toEqual([]);
  }, 30_000);

  // The winner holds the lock long enough for every starter to have tried (tsx start-up varies by seconds under load).
  it('lets exactly one of many simultaneous starters win', async () => {
    const dir = tmp();
    const script = `import('${path.join(import.meta.dirname, 'writer-lock.ts').replace(/\\/g, '/')}').then(m => { const r = m.acquireWriterLock(process.argv[1], 'cli'); console.log(r.ok ? 'won' : 'lost'); setTimeout(() => {}, 8000); })`;
    const tsx = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');
    const outs = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
      const p = spawn(tsx, ['-e', script, dir]);
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.on('exit', () => resolve(out.trim()));
    })));
    expect(outs.filter((o) => o === 'won')).toHaveLength(1);
    expect(outs.filter((o) => o === 'lost')).toHaveLength(5);
  }, 30_000);
});
