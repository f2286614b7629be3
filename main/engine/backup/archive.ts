import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Header as TarHeader, Pack } from 'tar-stream';
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

const READ_CHUNK = 1024 * 1024;
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

async function packArchive(
  partial: string,
  draft: BackupManifest,
  reserved: number,
  files: BackupFile[],
  sources: string[],
  signal: AbortSignal | undefined,
  advance: (n: number, entry: string) => void,
): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(partial), signal ? { signal } : {});
  // Observe the pipeline's failure now, so it is never unhandled while the feed is still running.
  written.catch(() => undefined);
  const mtime = new Date(draft.createdAt);
  try {
    await addEntry(pack, { name: MANIFEST_ENTRY, size: reserved, mtime }, oneChunk(manifestBytes(draft)));
    for (const [i, file] of files.entries()) {
      const entry = draft.entries[i]!;
      const body = entry.stored
        ? readWhole(sources[i]!, entry.stored.bytes, signal)
        : readHashing(file, entry, signal, advance);
      await addEntry(pack, { name: file.name, size: entry.stored?.bytes ?? entry.bytes, mtime }, body);
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
}

async function* oneChunk(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

async function* readWhole(file: string, bytes: number, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  if (bytes === 0) return;
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: READ_CHUNK })) {
    throwIfCancelled(signal);
    yield chunk as Buffer;
  }
}

/**
 * Streams a file's declared bytes into the archive, hashing them on the way: the sha256 goes into
 * `entry` (completing the manifest later). A file whose size changed is refused.
 */
async function* readHashing(
  file: BackupFile,
  entry: BackupEntry,
  signal: AbortSignal | undefined,
  advance: (n: number, entry: string) => void,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (entry.bytes > 0) {
    // Read only the declared range: a file that grew would otherwise overrun its tar header.
    for await (const chunk of createReadStream(file.path, { start: 0, end: entry.bytes - 1, highWaterMark: READ_CHUNK })) {
      throwIfCancelled(signal);
      const buf = chunk as Buffer;
      hash.update(buf);
      bytes += buf.length;
      advance(buf.length, file.name);
      yield buf;
    }
  }
  const sizeNow = (await stat(file.path)).size;
  const sha256 = hash.digest('hex');
  // Originals are named by their sha256: a same-size edit mid-read shows as a different hash.
  const named = /^documents\/([0-9a-f]{64})(\.|$)/.exec(file.name)?.[1];
  if (bytes !== entry.bytes || sizeNow !== entry.bytes || (named !== undefined && named !== sha256)) {
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

/** Writes one tar entry with backpressure; resolves when tar-stream has taken all of it. */
function addEntry(pack: Pack, header: Pick<TarHeader, 'name' | 'size' | 'mtime'>, body: AsyncIterable<Buffer>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: unknown = null;
    const sink = pack.entry({ ...header, type: 'file', mode: 0o644 }, (err) => {
      if (failed !== null) reject(failed);
      else if (err) reject(err);
      else resolve();
    });
    // Failures reach the caller through the callback above; an unheard 'error' event would crash the process.
    sink.on('error', () => undefined);
    void (async () => {
      try {
        for await (const chunk of body) {
          // The pack is destroyed on cancel or error; stop feeding a dead entry.
          if (sink.destroyed) throw new Error('the archive stream was closed');
          if (!sink.write(chunk)) await drainedOrClosed(sink);
        }
        sink.end(null);
      } catch (err) {
        failed = err;
        sink.destroy(err as Error);
        reject(err);
      }
    })();
  });
}

function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
