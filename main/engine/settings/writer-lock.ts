// One writer per data folder. The engine keeps state in memory (the next chunk id, running jobs),
// so two engines writing the same library corrupt each other's view (a `bsc index` beside a
// running server made the server's next import fail on a duplicate chunk id). The app, the server
// and the CLI's write commands take this lock; read-only commands do not need it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type WriterKind = 'app' | 'server' | 'cli';

export interface WriterLockHolder {
  pid: number;
  kind: WriterKind;
  /** What the holder is doing, for the message another process prints ("bsc index"). */
  command?: string;
  startedAt: string;
  hostname: string;
}

export const WRITER_LOCK_FILE = 'writer.lock';

export interface WriterLockOptions {
  pid?: number;
  hostname?: string;
  now?: () => Date;
  command?: string;
  /** Whether a process is alive (process.kill(pid, 0) by default). */
  isAlive?: (pid: number) => boolean;
}

export type WriterLockResult =
  | { ok: true; holder: WriterLockHolder; release(): void }
  | { ok: false; holder: WriterLockHolder };

export function writerLockPath(dataDir: string): string {
  return path.join(dataDir, WRITER_LOCK_FILE);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still holds the folder.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readWriterLock(dataDir: string): WriterLockHolder | null {
  return readLockFile(writerLockPath(dataDir));
}

function readLockFile(file: string): WriterLockHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WriterLockHolder>;
    if (typeof parsed.pid !== 'number' || !parsed.kind) return null;
    return parsed as WriterLockHolder;
  } catch {
    return null;
  }
}

/**
 * Moves the stale lock aside under a unique name before deleting it, never deleting by name: a
 * starter that judged the same stale lock a moment later would otherwise delete the fresh lock the
 * first one just took. If what was moved is not the stale holder, it goes back.
 */
function removeStaleLock(file: string, stale: WriterLockHolder | null, pid: number): void {
  const aside = `${file}.${pid}.${process.hrtime.bigint()}.stale`;
  try { fs.renameSync(file, aside); } catch { return; } // someone else moved it first
  const moved = readLockFile(aside);
  const same = JSON.stringify(moved) === JSON.stringify(stale);
  if (!same) { try { fs.linkSync(aside, file); } catch { /* a newer lock is in place already */ } }
  fs.rmSync(aside, { force: true });
}

function ageMs(file: string): number {
  try { return Date.now() - fs.statSync(file).mtimeMs; } catch { return Number.POSITIVE_INFINITY; }
}

/** A lock whose process is gone (crashed, killed) on this machine; one from another machine is never assumed stale. */
function isStale(holder: WriterLockHolder | null, hostname: string, isAlive: (pid: number) => boolean, file: string): boolean {
  // Unreadable: damaged (locks are linked into place whole). Stale once it is not brand new.
  if (!holder) return ageMs(file) > 5_000;
  return holder.hostname === hostname && !isAlive(holder.pid);
}

/**
 * Takes the data folder's writer lock, replacing a stale one. Creation is exclusive (O_EXCL), so
 * of two processes starting together exactly one wins. Released by `release()` or at exit.
 */
export function acquireWriterLock(dataDir: string, kind: WriterKind, opts: WriterLockOptions = {}): WriterLockResult {
  const file = writerLockPath(dataDir);
  const hostname = opts.hostname ?? os.hostname();
  const isAlive = opts.isAlive ?? processAlive;
  const me: WriterLockHolder = { pid: opts.pid ?? process.pid, kind, ...(opts.command ? { command: opts.command } : {}), startedAt: (opts.now?.() ?? new Date()).toISOString(), hostname };
  fs.mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Written whole under a private name, then linked into place: link() fails if the lock exists,
      // and no other starter can ever read a created-but-empty lock and take it for a dead writer's.
      const tmp = `${file}.${me.pid}.${process.hrtime.bigint()}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(me)}\n`, { mode: 0o600 });
      try { fs.linkSync(tmp, file); } finally { fs.rmSync(tmp, { force: true }); }
      const release = () => {
        process.removeListener('exit', release);
        const current = readWriterLock(dataDir);
        if (current?.pid === me.pid && current.startedAt === me.startedAt) fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { ok: true, holder: me, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readWriterLock(dataDir);
    if (holder && holder.pid === me.pid && holder.hostname === hostname) return { ok: false, holder };
    if (!isStale(holder, hostname, isAlive, file)) return { ok: false, holder: holder ?? { ...me, pid: -1 } };
    removeStaleLock(file, holder, me.pid);
  }
  return { ok: false, holder: readWriterLock(dataDir) ?? { ...me, pid: -1 } };
}

const KIND_NAMES: Record<WriterKind, string> = { app: 'the Agente BSC desktop app', server: 'the Agente BSC server', cli: 'another bsc command' };

/** "the Agente BSC server (pid 4242, started 2026-12-03 12:30) is using /data" */
export function describeHolder(holder: WriterLockHolder, dataDir: string): string {
  const started = holder.startedAt.replace('T', ' ').slice(0, 16);
  const what = holder.kind === 'cli' && holder.command ? `"${holder.command}"` : KIND_NAMES[holder.kind];
  const where = holder.hostname && holder.hostname !== os.hostname() ? ` on ${holder.hostname}` : '';
  return `${what} (pid ${holder.pid}${where}, started ${started} UTC) is writing to ${dataDir}`;
}
