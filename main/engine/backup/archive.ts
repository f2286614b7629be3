import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { BscError, throwIfCancelled } from '../errors';
import {
  BACKUP_FORMAT_VERSION, BackupManifest, DATABASE_ENTRY, MANIFEST_ENTRY, describeEntryName, entryListProblem, parseManifest, type BackupEntry,
} from './manifest';
import { checkBackupDatabase } from './verify';
import { syncDirectory } from '../atomic-write';

/** Added to the archive's name while it is written: a listing of `*.bscbackup` never shows it. */
export const PARTIAL_SUFFIX = '.partial';

export function partialPathFor(outPath: string): string {
  return outPath + PARTIAL_SUFFIX;
}

/** `compress`: store gzip-compressed (default: SQLite files only; PDFs, DOCX and images are compressed already). */
export type BackupFile = { name: string; path: string; compress?: boolean };
export type BackupProgress = { bytesDone: number; bytesTotal: number; entry: string };
export type WriteBackupOptions = {
  outPath: string;
  manifest: Omit<BackupManifest, 'entries' | 'formatVersion'> & { formatVersion?: number };
  files: BackupFile[];
  signal?: AbortSignal;
  onProgress?(p: BackupProgress): void;
};
export type WrittenBackup = { path: string; bytes: number; manifest: BackupManifest };

// Large reads and writes: fewer system calls and stream hops per gigabyte of PDFs.
const READ_CHUNK = 4 * 1024 * 1024;
/** A sha256 of the right shape, replaced in place once the entry has been read. */
const PENDING_SHA = '0'.repeat(64);

const compressed = (f: BackupFile) => f.compress ?? f.name.endsWith('.sqlite');

/**
 * Writes a .bscbackup (format 2): a plain tar, manifest first, each file read once. SQLite files go
 * in gzip-compressed (level 1), everything else as is; every sha256 is computed while the bytes are
 * written, and the manifest — written first with the hashes pending, the same length — is
 * completed in place at the end. The database is checked (integrity, schema) before it goes in, and
 * the written file is checked by its tar headers and manifest rather than read again in full. The
 * archive appears under outPath only once complete and synced; on failure or cancel nothing stays.
 */
export async function writeBackupArchive(opts: WriteBackupOptions): Promise<WrittenBackup> {
  const { signal, files } = opts;
  throwIfCancelled(signal);
  const listProblem = entryListProblem(files);
  if (listProblem) throw new BscError('BAD_INPUT', `Cannot write this backup: ${listProblem}.`);

  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesDone = 0;
  const advance = (n: number, entry: string) => {
    bytesDone += n;
    opts.onProgress?.({ bytesDone, bytesTotal, entry });
  };

  const partial = partialPathFor(opts.outPath);
  const temps: string[] = [];
  try {
    await checkDatabaseBeforeArchiving(files, opts.manifest.schemaVersion);
    // SQLite files are compressed first (their compressed size goes in their tar header).
    const sources: string[] = [];
    const entries: BackupEntry[] = [];
    for (const [i, file] of files.entries()) {
      if (compressed(file)) {
        const gz = `${partial}.${i}.gz`;
        temps.push(gz);
        const out = await gzipHashing(file.path, gz, signal, (n) => advance(n, file.name));
        entries.push({ name: file.name, bytes: out.bytes, sha256: out.sha256, stored: { encoding: 'gzip', bytes: out.storedBytes } });
        sources.push(gz);
      } else {
        entries.push({ name: file.name, bytes: sizes[i]!, sha256: PENDING_SHA });
        sources.push(file.path);
      }
    }
    const draft = parsedManifest({ ...opts.manifest, formatVersion: BACKUP_FORMAT_VERSION, entries });
    const reserved = manifestBytes(draft).length;
    await packArchive(partial, draft, reserved, files, sources, signal, advance);
    const manifest = parsedManifest(draft);
    await completeManifest(partial, manifest, reserved);
    await syncFile(partial);
    const problem = await archiveLayoutProblem(partial, manifest, reserved);
    if (problem) {
      throw new BscError('BACKUP_INVALID', `The backup just written failed its own verification: ${problem}.`, { problems: [problem] });
    }
    throwIfCancelled(signal);
    await rename(partial, opts.outPath);
    syncDirectory(path.dirname(opts.outPath)); // the rename itself survives a power cut
    return { path: opts.outPath, bytes: (await stat(opts.outPath)).size, manifest };
  } catch (err) {
    await rm(partial, { force: true });
    if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
    throw err;
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}

function parsedManifest(candidate: unknown): BackupManifest {
  const parsed = BackupManifest.safeParse(candidate);
  if (!parsed.success) {
    throw new BscError('BAD_INPUT', `Cannot write this backup: the manifest is invalid (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  }
  return parsed.data;
}

function manifestBytes(manifest: BackupManifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
}

/** The database entry must pass what restore will ask of it (integrity, version, exact schema) before it is archived. */
async function checkDatabaseBeforeArchiving(files: BackupFile[], schemaVersion: number): Promise<void> {
  const db = files.find((f) => f.name === DATABASE_ENTRY);
  if (!db) return;
  const problems = await checkBackupDatabase(db.path, schemaVersion);
  if (problems.length > 0) {
    throw new BscError('BACKUP_INVALID', `The backup just written failed its own verification: ${problems[0]}.`, { problems });
  }
}

/** gzip (level 1: fast, and a SQLite file still shrinks 2–5×) while hashing the original bytes. */
async function gzipHashing(source: string, target: string, signal: AbortSignal | undefined, onChunk: (n: number) => void): Promise<{ bytes: number; sha256: string; storedBytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (signal?.aborted) return done(new BscError('CANCELLED', 'Cancelled.'));
      hash.update(chunk);
      bytes += chunk.length;
      onChunk(chunk.length);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(source, { highWaterMark: READ_CHUNK }), tap, createGzip({ level: 1 }), createWriteStream(target));
  return { bytes, sha256: hash.digest('hex'), storedBytes: (await stat(target)).size };
}

/** A ustar header for a regular file (names up to 100 bytes, or 255 split at a slash into prefix/name). */
function ustarHeader(name: string, size: number, mtime: Date): Buffer {
  if (size >= 8 ** 11) throw new BscError('BAD_INPUT', `${name} is larger than a tar entry can hold (8 GiB).`);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new BscError('BAD_INPUT', `The entry name ${name} is too long for the archive.`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const h = Buffer.alloc(512);
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  h.write(base, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * Writes the tar with positional writes: each header, then the entry's bytes copied in large
 * chunks (the next read runs while the current chunk is hashed and written), then padding.
 */
async function packArchive(
  partial: string,
  draft: BackupManifest,
  reserved: number,
  files: BackupFile[],
  sources: string[],
  signal: AbortSignal | undefined,
  advance: (n: number, entry: string) => void,
): Promise<void> {
  const out = await open(partial, 'w');
  let offset = 0;
  const write = async (buf: Buffer) => {
    for (let done = 0; done < buf.length; ) {
      const { bytesWritten } = await out.write(buf, done, buf.length - done, offset);
      done += bytesWritten;
      offset += bytesWritten;
    }
  };
  const pad = () => write(Buffer.alloc(roundUp512(offset) - offset));
  const mtime = new Date(draft.createdAt);
  try {
    const manifest = manifestBytes(draft);
    await write(ustarHeader(MANIFEST_ENTRY, reserved, mtime));
    await write(Buffer.concat([manifest, Buffer.alloc(reserved - manifest.length, 0x20)]));
    await pad();
    for (const [i, file] of files.entries()) {
      const entry = draft.entries[i]!;
      const size = entry.stored?.bytes ?? entry.bytes;
      await write(ustarHeader(file.name, size, mtime));
      const hash = entry.stored ? null : createHash('sha256');
      await copyInto(sources[i]!, size, write, signal, (chunk) => {
        hash?.update(chunk);
        if (hash) advance(chunk.length, file.name);
      });
      if (hash) await checkUnchanged(file, entry, hash.digest('hex'));
      await pad();
    }
    await write(Buffer.alloc(1024)); // the end-of-archive blocks
  } finally {
    await out.close();
  }
}

async function copyInto(source: string, size: number, write: (b: Buffer) => Promise<void>, signal: AbortSignal | undefined, onChunk: (b: Buffer) => void): Promise<void> {
  const src = await open(source, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, 1)));
    let spare = Buffer.allocUnsafe(buf.length);
    let pos = 0;
    let reading = size > 0 ? src.read(buf, 0, Math.min(buf.length, size), 0) : null;
    while (reading) {
      throwIfCancelled(signal);
      const { bytesRead } = await reading;
      if (bytesRead === 0) break; // shrank: checkUnchanged reports it
      const chunk = buf.subarray(0, bytesRead);
      pos += bytesRead;
      [buf, spare] = [spare, buf];
      reading = pos < size ? src.read(buf, 0, Math.min(buf.length, size - pos), pos) : null;
      onChunk(chunk);
      await write(chunk);
    }
    if (pos < size) await write(Buffer.alloc(size - pos)); // keep the tar well-formed; the size check refuses the backup
  } finally {
    await src.close();
  }
}

/** A file read for the archive must still be what was read: same size, and for originals (named by their sha256) the same hash. */
async function checkUnchanged(file: BackupFile, entry: BackupEntry, sha256: string): Promise<void> {
  const sizeNow = (await stat(file.path)).size;
  const named = /^documents\/([0-9a-f]{64})(\.|$)/.exec(file.name)?.[1];
  if (sizeNow !== entry.bytes || (named !== undefined && named !== sha256)) {
    throw new BscError(
      'BACKUP_INVALID',
      `${describeEntryName(file.name)} changed while the backup was being written; run the backup again.`,
      { entry: file.name },
    );
  }
  entry.sha256 = sha256;
}

/** Overwrites the manifest's bytes (right after the first tar header) with the completed one, padded to the same length. */
async function completeManifest(partial: string, manifest: BackupManifest, reserved: number): Promise<void> {
  const text = manifestBytes(manifest);
  if (text.length > reserved) throw new BscError('INTERNAL', 'The completed manifest outgrew the space reserved for it.');
  const fh = await open(partial, 'r+');
  try {
    await fh.write(Buffer.concat([text, Buffer.alloc(reserved - text.length, 0x20)]), 0, reserved, 512);
  } finally {
    await fh.close();
  }
}

/**
 * Reads back only the tar headers and the manifest of the written archive (a few KB, not the
 * data): each entry where, as what and as large as the manifest says, then the end blocks.
 */
async function archiveLayoutProblem(partial: string, manifest: BackupManifest, reserved: number): Promise<string | null> {
  const expected = [{ name: MANIFEST_ENTRY, size: reserved }, ...manifest.entries.map((e) => ({ name: e.name, size: e.stored?.bytes ?? e.bytes }))];
  const fh = await open(partial, 'r');
  try {
    let offset = 0;
    const block = Buffer.alloc(512);
    for (const want of expected) {
      await fh.read(block, 0, 512, offset);
      const header = parseUstarHeader(block);
      if (header?.extended) {
        // A long name in a pax record: tar-stream writes it for names over 100 bytes. Skip the record.
        offset += 512 + roundUp512(header.size);
        await fh.read(block, 0, 512, offset);
      }
      const h = parseUstarHeader(block);
      if (!h || h.size !== want.size || (!header?.extended && h.name !== want.name)) return `entry ${want.name} is not where its tar header should be`;
      offset += 512 + roundUp512(h.size);
    }
    const manifestText = Buffer.alloc(reserved);
    await fh.read(manifestText, 0, reserved, 512);
    const reread = parseManifest(manifestText.toString('utf8'));
    if (!reread.ok || JSON.stringify(reread.manifest) !== JSON.stringify(manifest)) return `${MANIFEST_ENTRY} did not read back as written`;
    await fh.read(block, 0, 512, offset);
    if (block.some((b) => b !== 0)) return 'the archive does not end after its last entry';
    return null;
  } finally {
    await fh.close();
  }
}

function parseUstarHeader(block: Buffer): { name: string; size: number; extended: boolean } | null {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  const recorded = parseInt(block.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim(), 8);
  if (recorded !== sum) return null;
  const field = (from: number, to: number) => block.subarray(from, to).toString('utf8').replace(/\0.*$/s, '');
  const prefix = field(345, 500);
  const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
  const type = String.fromCharCode(block[156]!);
  return { name, size: parseInt(field(124, 136).trim(), 8), extended: type === 'x' };
}

function roundUp512(n: number): number {
  return Math.ceil(n / 512) * 512;
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
