import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import tar from 'tar-stream';
import type { Header as TarHeader } from 'tar-stream';
import { BscError } from '../errors';
import { schemaProblems } from './schema-check';
import {
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  describeEntryName,
  entryNameProblem,
  parseManifest,
  type BackupEntry,
  type BackupManifest,
} from './manifest';

export type VerifyCheck = { name: string; ok: boolean; detail: string };
export type VerifyReport = {
  ok: boolean;
  manifest: BackupManifest | null;
  problems: string[];
  checks: VerifyCheck[];
  /** Decompressed bytes read before stopping: shows a decompression bomb was cut short. */
  inflatedBytes: number;
};
/** Progress over the compressed file, the one size known before reading. */
/** One entry as tar-stream yields it: its header, then its bytes. */
type TarEntry = AsyncIterable<unknown> & { header: TarHeader };

export type ArchiveProgress = { bytesDone: number; bytesTotal: number; entry: string };
export type VerifyOptions = {
  maxSchemaVersion: number;
  signal?: AbortSignal;
  onProgress?(p: ArchiveProgress): void;
  /** Where the database is copied to be opened; defaults to the OS temp folder. */
  tempDir?: string;
};

const CHECKS = ['archive', 'manifest', 'schema version', 'entry names', 'entry types', 'entries', 'checksums', 'database'] as const;
type CheckName = (typeof CHECKS)[number];

const SUCCESS: Record<CheckName, string> = {
  archive: 'tar (and gzip) read to the end',
  manifest: `${MANIFEST_ENTRY} is the first entry and valid`,
  'schema version': 'database schema is one this version can read',
  'entry names': 'every entry name is a safe relative path',
  'entry types': 'every entry is a regular file',
  entries: 'every listed entry is present exactly once with its declared size, and nothing else',
  checksums: 'every entry matches its sha256',
  database: `${DATABASE_ENTRY} passes integrity_check, its user_version matches the manifest, and its schema is exactly ours`,
};

/** Header, padding and pax records per entry, plus the end-of-archive blocks: slack over declared sizes. */
const TAR_OVERHEAD_PER_ENTRY = 4096;
const TAR_OVERHEAD_TOTAL = 1024 * 1024;

class Findings {
  readonly problems: string[] = [];
  readonly byCheck = new Map<CheckName, string[]>();
  constructor(private readonly stopAtFirst: boolean) {}

  /** Records a problem; a fatal one (or any, when extracting) ends the walk. */
  add(check: CheckName, message: string, fatal = false): void {
    this.problems.push(message);
    const list = this.byCheck.get(check) ?? [];
    list.push(message);
    this.byCheck.set(check, list);
    if (fatal || this.stopAtFirst) throw new StopWalk();
  }
}

class StopWalk extends Error {}
class InflationLimit extends Error {}
class ArchiveReadError extends Error {}
/** Our own disk failing while writing an entry out: a real error, not a flaw in the archive. */
class TargetWriteError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

export type ArchiveWalk = {
  manifest: BackupManifest | null;
  findings: Findings;
  /** Entries whose size and sha256 matched the manifest. */
  intact: Set<string>;
  /** Entries written to disk, by name. */
  written: Map<string, string>;
  inflatedBytes: number;
  /** True when the archive was read to its end. */
  complete: boolean;
};

export type WalkOptions = {
  maxSchemaVersion: number;
  signal?: AbortSignal;
  onProgress?(p: ArchiveProgress): void;
  /** Extraction stops at the first problem; verification reads on to report them all. */
  stopAtFirstProblem: boolean;
  /** Where to write a listed, well-formed entry's bytes, or null to only hash them. */
  targetFor(name: string): Promise<string | null>;
  /** The folder written entries go to and which of them are written: its free space is checked first. */
  writes?: { dir: string; entries: 'database' | 'all' };
};

/** An archive's entries may expand to this many times its size (gzip of a SQLite file: ~2–10×)… */
export const MAX_EXPANSION_RATIO = 20;
/** …or by this much, whichever is more, so small libraries with empty pages are not refused. */
export const EXPANSION_SLACK_BYTES = 64 * 1024 * 1024;
/** Free space kept beyond what an extraction writes, so a restore never fills the disk. */
const FREE_SPACE_MARGIN = 64 * 1024 * 1024;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/**
 * Refuses, before anything is written, a manifest whose sizes no real backup of this archive's
 * size could have, or that would not fit on the disk it is written to.
 */
async function declaredSizeProblem(manifest: BackupManifest, archiveBytes: number, writes: WalkOptions['writes']): Promise<string | null> {
  const declared = manifest.entries.reduce((sum, e) => sum + e.bytes, 0);
  const limit = Math.max(archiveBytes * MAX_EXPANSION_RATIO, archiveBytes + EXPANSION_SLACK_BYTES);
  if (declared > limit) {
    return `the manifest declares ${mib(declared)} of entries in a ${mib(archiveBytes)} archive, more than any real backup expands to (possible decompression bomb); nothing was written`;
  }
  if (!writes) return null;
  const toWrite = writes.entries === 'all' ? declared : (manifest.entries.find((e) => e.name === DATABASE_ENTRY)?.bytes ?? 0);
  let free: number;
  try {
    const fsStats = await statfs(writes.dir);
    free = fsStats.bavail * fsStats.bsize;
  } catch {
    return null; // statfs unsupported here: the writes themselves will report a full disk
  }
  if (toWrite + FREE_SPACE_MARGIN > free) {
    return `not enough free disk space in ${writes.dir}: the backup needs ${mib(toWrite)} (plus ${mib(FREE_SPACE_MARGIN)} to spare) and ${mib(free)} is free; nothing was written`;
  }
  return null;
}

/** What the file is before it is read: its size and whether it is gzip (format 1) or a plain tar (format 2). */
async function sniffContainer(file: string, findings: Findings): Promise<{ fileSize: number; gzipped: boolean } | null> {
  try {
    const fileSize = (await stat(file)).size;
    const magic = await readMagic(file);
    const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
    const plainTar = magic.subarray(257, 262).toString('latin1') === 'ustar';
    if (!gzipped && !plainTar) {
      const zip = magic[0] === 0x50 && magic[1] === 0x4b;
      findings.add(
        'archive',
        zip
          ? 'the file is a ZIP archive, not an Agente BSC backup (a .bscbackup is a tar archive)'
          : 'the file is neither a tar archive nor gzip-compressed: it is not an Agente BSC backup',
        true,
      );
    }
    return { fileSize, gzipped };
  } catch (err) {
    if (err instanceof StopWalk) return null;
    findings.problems.push(`cannot read the file: ${(err as Error).message}`);
    findings.byCheck.set('archive', [`cannot read the file: ${(err as Error).message}`]);
    return null;
  }
}

/** The read side of a walk: file → (gunzip) → inflation meter → tar entries, with the meter's cap adjustable. */
interface ArchiveStream {
  extract: tar.Extract;
  /** The most inflated bytes the walk accepts; raised once the manifest says what to expect. */
  cap: number;
  /** The entry being read, for progress reports. */
  entry: string;
  close(): void;
}

function openArchiveStream(file: string, container: { fileSize: number; gzipped: boolean }, walk: ArchiveWalk, opts: WalkOptions): ArchiveStream {
  const source = createReadStream(file, { highWaterMark: 1024 * 1024 });
  // Format 1 is a tar.gz; format 2 a plain tar whose SQLite entries are gzip-compressed one by one.
  const gunzip = container.gzipped ? createGunzip() : new PassThrough();
  const extract = tar.extract();
  const stream: ArchiveStream = {
    extract, cap: MAX_MANIFEST_BYTES + TAR_OVERHEAD_TOTAL, entry: MANIFEST_ENTRY,
    close: () => { opts.signal?.removeEventListener('abort', onAbort); source.destroy(); gunzip.destroy(); meter.destroy(); extract.destroy(); },
  };
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      walk.inflatedBytes += chunk.length;
      if (walk.inflatedBytes > stream.cap) done(new InflationLimit());
      else done(null, chunk);
    },
  });
  let bytesDone = 0;
  source.on('data', (chunk) => {
    bytesDone += chunk.length;
    opts.onProgress?.({ bytesDone, bytesTotal: container.fileSize, entry: stream.entry });
  });
  source.on('error', (err) => extract.destroy(new ArchiveReadError(err.message)));
  gunzip.on('error', (err) => extract.destroy(err));
  meter.on('error', (err) => extract.destroy(err));
  const onAbort = () => extract.destroy(new BscError('CANCELLED', 'Cancelled.'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  source.pipe(gunzip).pipe(meter).pipe(extract);
  return stream;
}

/** The manifest, first entry of every backup: what the rest must be, checked before anything is written. */
async function takeManifest(entry: TarEntry, walk: ArchiveWalk, stream: ArchiveStream, container: { fileSize: number; gzipped: boolean }, opts: WalkOptions): Promise<Map<string, BackupEntry>> {
  const { findings } = walk;
  const manifest = await readManifestEntry(entry, findings);
  walk.manifest = manifest;
  const listed = new Map(manifest.entries.map((e) => [e.name, e] as const));
  const containerProblem = containerMismatch(manifest, container.gzipped);
  if (containerProblem) findings.add('archive', containerProblem, true);
  stream.cap = 512 + roundUp512(entry.header.size ?? 0) + TAR_OVERHEAD_TOTAL;
  for (const e of manifest.entries) stream.cap += roundUp512(e.stored?.bytes ?? e.bytes) + TAR_OVERHEAD_PER_ENTRY;
  const sizeProblem = await declaredSizeProblem(manifest, container.fileSize, opts.writes);
  if (sizeProblem) findings.add('entries', sizeProblem, true);
  if (manifest.schemaVersion > opts.maxSchemaVersion) {
    findings.add('schema version', `made by a newer version of Agente BSC: database schema ${manifest.schemaVersion}, this version reads up to ${opts.maxSchemaVersion}`);
  }
  return listed;
}

/** Why an entry after the manifest must be skipped (drained unread), or null when it is a listed file to copy. */
function entryRefusal(header: TarHeader, name: string, listed: Map<string, BackupEntry>, seen: Set<string>): { check: CheckName; problem: string; fatal?: boolean } | 'skip' | null {
  const label = describeEntryName(name);
  const unsafe = entryNameProblem(name);
  if (unsafe) return { check: 'entry names', problem: `entry ${label}: unsafe name (${unsafe})` };
  if (header.type === 'directory' && isParentOfListed(name, listed)) return 'skip';
  if (header.type !== 'file') return { check: 'entry types', problem: `entry ${label}: ${describeType(header)}; a backup holds only regular files` };
  const declared = listed.get(name);
  if (!declared) return { check: 'entries', problem: `entry ${label}: not listed in the manifest` };
  if (seen.has(name)) return { check: 'entries', problem: `entry ${label}: appears more than once` };
  const size = header.size ?? 0;
  const storedBytes = declared.stored?.bytes ?? declared.bytes;
  if (size !== storedBytes) {
    return {
      check: 'entries', fatal: size > storedBytes,
      problem: `entry ${label}: the archive holds ${size} bytes but the manifest declares ${storedBytes}${size > storedBytes ? ' (refusing to read past the declared size)' : ''}`,
    };
  }
  return null;
}

/** One entry after the manifest: refused and drained, or copied (or only hashed) and checked against its sha256. */
async function walkEntry(entry: TarEntry, walk: ArchiveWalk, listed: Map<string, BackupEntry>, seen: Set<string>, opts: WalkOptions): Promise<void> {
  const header = entry.header;
  // tar marks directories with a trailing slash; the name check wants the bare path.
  const name = header.type === 'directory' ? header.name.replace(/\/$/, '') : header.name;
  const refusal = entryRefusal(header, name, listed, seen);
  if (refusal) {
    if (refusal !== 'skip') walk.findings.add(refusal.check, refusal.problem, refusal.fatal);
    await drain(entry);
    return;
  }
  seen.add(name);
  const declared = listed.get(name)!;
  const label = describeEntryName(name);
  const target = await opts.targetFor(name);
  const copied = await copyEntry(declared.stored ? inflated(entry, declared.bytes) : entry, declared.bytes, target, walk.findings, label);
  if (target) walk.written.set(name, target);
  if (copied.sha256 !== declared.sha256) walk.findings.add('checksums', `entry ${label}: checksum mismatch`);
  else walk.intact.add(name);
}

/** A stream that ended early: cancelled, a target that could not be written, or a damaged archive (a finding). */
function endOfWalk(err: unknown, walk: ArchiveWalk, signal: AbortSignal | undefined): void {
  if (err instanceof StopWalk) return;
  if (err instanceof TargetWriteError) throw err.original;
  if (signal?.aborted || (err instanceof BscError && err.code === 'CANCELLED')) throw new BscError('CANCELLED', 'Cancelled.');
  try {
    walk.findings.add('archive', describeStreamError(err, walk.inflatedBytes));
  } catch (stop) {
    if (!(stop instanceof StopWalk)) throw stop;
  }
}

/**
 * Reads a .bscbackup from start to end once, checking everything that can be checked while
 * streaming. Never follows the archive's word on sizes: each entry is cut off at the size the
 * manifest declares, and the whole stream at the sum of them.
 */
export async function walkBackupArchive(file: string, opts: WalkOptions): Promise<ArchiveWalk> {
  const findings = new Findings(opts.stopAtFirstProblem);
  const walk: ArchiveWalk = { manifest: null, findings, intact: new Set(), written: new Map(), inflatedBytes: 0, complete: false };
  throwIfAborted(opts.signal);
  const container = await sniffContainer(file, findings);
  if (!container) return walk;
  const stream = openArchiveStream(file, container, walk, opts);
  let listed: Map<string, BackupEntry> | null = null;
  const seen = new Set<string>();
  try {
    for await (const entry of stream.extract) {
      throwIfAborted(opts.signal);
      stream.entry = entry.header.name;
      if (!listed) listed = await takeManifest(entry, walk, stream, container, opts);
      else await walkEntry(entry, walk, listed, seen, opts);
    }
    if (!listed) findings.add('manifest', `the archive is empty: no ${MANIFEST_ENTRY}`, true);
    walk.complete = true;
    for (const name of listed?.keys() ?? []) {
      if (!seen.has(name)) findings.add('entries', `entry ${name}: missing from the archive`);
    }
  } catch (err) {
    endOfWalk(err, walk, opts.signal);
  } finally {
    stream.close();
  }
  return walk;
}

/** A format-2 manifest in a plain tar, a format-1 one in a tar.gz: anything else was tampered with. */
function containerMismatch(manifest: BackupManifest, gzipped: boolean): string | null {
  if (manifest.formatVersion === 1 && !gzipped) return 'a format-1 backup must be gzip-compressed, and this tar is not';
  if (manifest.formatVersion === 2 && gzipped) return 'a format-2 backup is a plain tar, and this one is gzip-compressed';
  if (manifest.formatVersion === 1 && manifest.entries.some((e) => e.stored)) return 'a format-1 manifest cannot list compressed entries';
  return null;
}

/**
 * A gzip-compressed entry's bytes, decompressed, cut off one byte past what the manifest declares
 * (copyEntry then refuses it): a small entry cannot inflate into a large file.
 */
async function* inflated(entry: TarEntry, declaredBytes: number): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const feed = (async () => {
    try {
      for await (const chunk of entry) if (!gunzip.write(chunk as Buffer)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  let out = 0;
  try {
    for await (const chunk of gunzip) {
      const buf = chunk as Buffer;
      out += buf.length;
      yield out > declaredBytes ? buf.subarray(0, buf.length - (out - declaredBytes - 1)) : buf;
      if (out > declaredBytes) break;
    }
  } finally {
    gunzip.destroy();
    await drain(entry).catch(() => undefined);
    await feed;
  }
}

async function readMagic(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(263);
    const { bytesRead } = await fh.read(buf, 0, 263, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function readManifestEntry(entry: TarEntry, findings: Findings): Promise<BackupManifest> {
  const header = entry.header;
  if (header.name !== MANIFEST_ENTRY || header.type !== 'file') {
    findings.add('manifest', `the first entry is ${describeEntryName(header.name)}, not ${MANIFEST_ENTRY}: not an Agente BSC backup`, true);
  }
  const size = header.size ?? 0;
  if (size > MAX_MANIFEST_BYTES) findings.add('manifest', `${MANIFEST_ENTRY} is ${size} bytes, larger than any real manifest`, true);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  const reading = parseManifest(Buffer.concat(chunks).toString('utf8'));
  if (!reading.ok) findings.add(reading.newerFormat ? 'schema version' : 'manifest', reading.problem, true);
  // add() above throws on a bad manifest; this is only reached with a good one.
  return (reading as { ok: true; manifest: BackupManifest }).manifest;
}

async function copyEntry(
  entry: AsyncIterable<unknown>,
  limit: number,
  target: string | null,
  findings: Findings,
  label: string,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = target ? await guardWrite(() => open(target, 'wx')) : null;
  try {
    for await (const chunk of entry) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      // tar-stream already stops at the header's size, which we checked; this is the second lock.
      if (bytes > limit) findings.add('entries', `entry ${label}: larger than its declared ${limit} bytes`, true);
      hash.update(buf);
      if (fh) {
        await guardWrite(async () => {
          let offset = 0;
          while (offset < buf.length) offset += (await fh.write(buf, offset)).bytesWritten;
        });
      }
    }
    if (fh) await guardWrite(() => fh.sync());
  } finally {
    await fh?.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function guardWrite<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new TargetWriteError(err);
  }
}

async function drain(entry: TarEntry): Promise<void> {
  for await (const _ of entry) {
    // discard: the stream-wide inflation cap bounds how much this can read
  }
}

function isParentOfListed(dirName: string, listed: Map<string, BackupEntry>): boolean {
  const prefix = dirName.endsWith('/') ? dirName : `${dirName}/`;
  for (const name of listed.keys()) if (name.startsWith(prefix)) return true;
  return false;
}

function describeType(header: TarHeader): string {
  switch (header.type) {
    case 'symlink':
      return `is a symbolic link (to ${JSON.stringify(header.linkname ?? '')})`;
    case 'link':
      return `is a hard link (to ${JSON.stringify(header.linkname ?? '')})`;
    case 'directory':
      return 'is an unexpected directory';
    case 'character-device':
    case 'block-device':
      return 'is a device';
    default:
      return `is a ${header.type ?? 'entry of unknown type'}`;
  }
}

function describeStreamError(err: unknown, inflatedBytes: number): string {
  if (err instanceof InflationLimit) {
    return `the archive inflates beyond the sizes its manifest declares (possible decompression bomb): stopped after ${inflatedBytes} bytes`;
  }
  if (err instanceof ArchiveReadError) return `cannot read the file: ${err.message}`;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    if (/unexpected end of file/i.test(message)) return 'the archive is truncated: it ends before its last entry';
    return `the archive is damaged: corrupt gzip data (${message})`;
  }
  if (/unexpected end of data/i.test(message)) return 'the archive is truncated: it ends in the middle of an entry';
  if (/invalid tar header/i.test(message)) return 'the archive is damaged: a tar header is corrupt';
  return `the archive is damaged: ${message}`;
}

function roundUp512(n: number): number {
  return Math.ceil(n / 512) * 512;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
}

/**
 * Opens the restored database read-only and asks SQLite itself whether it is sound and whether
 * its schema is the one the manifest claims. Returns problems, empty when all is well.
 */
export async function checkBackupDatabase(file: string, schemaVersion: number): Promise<string[]> {
  // A read-only open of a WAL database creates empty -wal/-shm files; remove the ones we caused.
  const sidecars = [`${file}-wal`, `${file}-shm`];
  const preexisting = await Promise.all(sidecars.map((p) => stat(p).then(() => true, () => false)));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const messages = rows.map((r) => r.integrity_check);
    if (messages.length !== 1 || messages[0] !== 'ok') {
      const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : '';
      return [`database ${DATABASE_ENTRY}: fails integrity_check: ${messages[0] ?? 'no result'}${more}`];
    }
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    if (userVersion !== schemaVersion) {
      return [`database ${DATABASE_ENTRY}: its schema version is ${userVersion} but the manifest says ${schemaVersion}`];
    }
    const schema = schemaProblems(db, userVersion);
    if (schema.length > 0) {
      const more = schema.length > 1 ? ` (and ${schema.length - 1} more)` : '';
      return [`database ${DATABASE_ENTRY}: its schema is not the one Agente BSC builds for version ${userVersion}: ${schema[0]}${more}`];
    }
    return [];
  } catch (err) {
    return [`database ${DATABASE_ENTRY}: cannot be read by SQLite (${(err as Error).message})`];
  } finally {
    db?.close();
    await Promise.all(sidecars.map((p, i) => (preexisting[i] ? undefined : rm(p, { force: true }))));
  }
}

/** Turns a walk and the database check into the report the UI and CLI show. */
export function buildVerifyReport(walk: ArchiveWalk, databaseProblems: string[] | { skipped: string }): VerifyReport {
  const problems = [...walk.findings.problems];
  if (Array.isArray(databaseProblems)) problems.push(...databaseProblems);
  const checks = CHECKS.map((name): VerifyCheck => {
    if (name === 'database') {
      if (!Array.isArray(databaseProblems)) return { name, ok: false, detail: `not checked: ${databaseProblems.skipped}` };
      return databaseProblems.length > 0
        ? { name, ok: false, detail: databaseProblems.join('; ') }
        : { name, ok: true, detail: SUCCESS[name] };
    }
    const found = walk.findings.byCheck.get(name);
    if (found && found.length > 0) return { name, ok: false, detail: found.join('; ') };
    if (!walk.complete) return { name, ok: false, detail: 'not checked: reading stopped at an earlier problem' };
    return { name, ok: true, detail: SUCCESS[name] };
  });
  return {
    ok: problems.length === 0 && checks.every((c) => c.ok),
    manifest: walk.manifest,
    problems,
    checks,
    inflatedBytes: walk.inflatedBytes,
  };
}

/** Why the database cannot be checked after this walk, or null when it can. */
export function databaseSkipReason(walk: ArchiveWalk): string | null {
  if (!walk.manifest) return 'no valid manifest';
  if (!walk.complete) return 'the archive could not be read to the end';
  if (!walk.intact.has(DATABASE_ENTRY)) return `${DATABASE_ENTRY} is missing or damaged`;
  if (!walk.written.has(DATABASE_ENTRY)) return `${DATABASE_ENTRY} was not extracted`;
  return null;
}

/**
 * Checks a .bscbackup end to end without touching the library: archive integrity, manifest,
 * every entry's size and sha256, entry safety, and that the database opens and is sound.
 * Throws only when cancelled; every flaw in the file is reported in the result.
 */
export async function verifyBackup(file: string, opts: VerifyOptions): Promise<VerifyReport> {
  const tempRoot = opts.tempDir ?? os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const scratch = await mkdtemp(path.join(tempRoot, 'bsc-verify-'));
  try {
    const walk = await walkBackupArchive(file, {
      maxSchemaVersion: opts.maxSchemaVersion,
      signal: opts.signal,
      onProgress: opts.onProgress,
      stopAtFirstProblem: false,
      targetFor: async (name) => (name === DATABASE_ENTRY ? path.join(scratch, 'app.sqlite') : null),
      writes: { dir: scratch, entries: 'database' },
    });
    const skip = databaseSkipReason(walk);
    const dbPath = walk.written.get(DATABASE_ENTRY);
    const databaseProblems =
      skip === null && dbPath && walk.manifest ? await checkBackupDatabase(dbPath, walk.manifest.schemaVersion) : { skipped: skip ?? 'unknown' };
    return buildVerifyReport(walk, databaseProblems);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
