import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { BackupEntry } from '../../../preload/contract';
import { type BackupState, verificationOf } from './backup-state';
import { BACKUP_EXTENSION, MANIFEST_ENTRY, parseManifest, type BackupManifest } from './manifest';

/** manual: "Back up now" or the CLI; scheduled: the timer; safety: taken by a restore before it replaces anything. */
export type BackupKind = 'manual' | 'scheduled' | 'safety';

const KIND_SUFFIX: Record<BackupKind, string> = { manual: '', scheduled: '-auto', safety: '-before-restore' };
const NAME = /^agente-bsc-(\d{8})-(\d{6})(?:-(\d+))?(-auto|-before-restore)?\.bscbackup$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `agente-bsc-YYYYMMDD-HHMMSS[-N][-auto|-before-restore].bscbackup`, local time (what the user reads). */
export function backupFileName(at: Date, kind: BackupKind, counter = 1): string {
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `agente-bsc-${stamp}${counter > 1 ? `-${counter}` : ''}${KIND_SUFFIX[kind]}${BACKUP_EXTENSION}`;
}

/** A free path in `folder` for a new backup; never an existing file. */
export function newBackupPath(folder: string, at: Date, kind: BackupKind): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, backupFileName(at, kind, n));
    if (!fs.existsSync(candidate) && !fs.existsSync(`${candidate}.partial`)) return candidate;
  }
}

/** The kind a file name says; files we did not name (copied in by hand) count as manual. */
export function backupKindOf(filename: string): BackupKind {
  const m = NAME.exec(filename);
  if (m?.[4] === '-auto') return 'scheduled';
  if (m?.[4] === '-before-restore') return 'safety';
  return 'manual';
}

/**
 * Which scheduled backups to delete so that `keep` remain: the oldest by their time stamp.
 * Manual and safety backups are never candidates, whatever their number or age.
 */
export function backupsToPrune(filenames: readonly string[], keep: number): string[] {
  const scheduled = filenames.filter((f) => backupKindOf(f) === 'scheduled' && NAME.test(f));
  const newestFirst = [...scheduled].sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
  return newestFirst.slice(Math.max(0, keep));
}

function sortKey(filename: string): string {
  const m = NAME.exec(filename);
  return m ? `${m[1]}${m[2]}${pad(Number(m[3] ?? 1), 6)}` : '';
}

/** Deletes the scheduled backups beyond `keep` in `folder`; returns the names removed. */
export function pruneScheduledBackups(folder: string, keep: number): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const doomed = backupsToPrune(names, keep);
  for (const name of doomed) fs.rmSync(path.join(folder, name), { force: true });
  return doomed;
}

const manifestCache = new Map<string, { key: string; manifest: BackupManifest | null }>();
/** Listing reads only the first entry; a manifest larger than this is not shown (verify still reads it). */
const LIST_MANIFEST_LIMIT = 8 * 1024 * 1024;

/** The manifest at the head of a .bscbackup, or null when the file does not start with a valid one. */
export async function readBackupManifest(file: string): Promise<BackupManifest | null> {
  const source = fs.createReadStream(file);
  // Format 1 is a tar.gz, format 2 a plain tar.
  const gunzip = (await startsWithGzipMagic(file)) ? createGunzip() : new PassThrough();
  const extract = tar.extract();
  source.on('error', (err) => extract.destroy(err));
  gunzip.on('error', (err) => extract.destroy(err));
  source.pipe(gunzip).pipe(extract);
  try {
    for await (const entry of extract) {
      if (entry.header.name !== MANIFEST_ENTRY || (entry.header.size ?? 0) > LIST_MANIFEST_LIMIT) return null;
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const reading = parseManifest(Buffer.concat(chunks).toString('utf8'));
      return reading.ok ? reading.manifest : null;
    }
    return null;
  } catch {
    return null;
  } finally {
    source.destroy();
    gunzip.destroy();
    extract.destroy();
  }
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      return head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

/** The .bscbackup files in `folder` (never `.partial` ones), newest first. */
export async function listBackupFiles(folder: string, state: BackupState): Promise<BackupEntry[]> {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const out: BackupEntry[] = [];
  for (const filename of names) {
    if (!filename.endsWith(BACKUP_EXTENSION)) continue;
    const file = path.join(folder, filename);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    const key = `${st.size}:${st.mtimeMs}`;
    let cached = manifestCache.get(file);
    if (cached?.key !== key) {
      cached = { key, manifest: await readBackupManifest(file) };
      manifestCache.set(file, cached);
    }
    const verification = verificationOf(state, file, st);
    out.push({
      path: file,
      filename,
      bytes: st.size,
      createdAt: cached.manifest?.createdAt ?? st.mtime.toISOString(),
      scheduled: backupKindOf(filename) === 'scheduled',
      // A file whose head is not a manifest fails verification for sure.
      verification: cached.manifest === null && verification === 'unknown' ? 'failed' : verification,
      counts: cached.manifest?.counts ?? null,
    });
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * Deletes `.partial` archives a killed backup left behind, once they are a day old (a younger one
 * may belong to a backup running in another process right now). They were never listed.
 */
export function sweepStalePartials(folder: string, now: Date, maxAgeMs = 86_400_000): string[] {
  if (!fs.existsSync(folder)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(folder)) {
    if (!name.endsWith('.partial')) continue;
    const full = path.join(folder, name);
    try {
      if (now.getTime() - fs.statSync(full).mtimeMs > maxAgeMs) {
        fs.rmSync(full, { force: true });
        removed.push(name);
      }
    } catch {
      // Gone already.
    }
  }
  return removed;
}
