import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Header as TarHeader, Pack } from 'tar-stream';
import { BscError, throwIfCancelled } from '../errors';
import { BackupManifest, MANIFEST_ENTRY, describeEntryName, entryListProblem, type BackupEntry } from './manifest';
import { verifyBackup } from './verify';

/** Added to the archive's name while it is written: a listing of `*.bscbackup` never shows it. */
export const PARTIAL_SUFFIX = '.partial';

export function partialPathFor(outPath: string): string {
  return outPath + PARTIAL_SUFFIX;
}

export type BackupFile = { name: string; path: string };
export type BackupProgress = { bytesDone: number; bytesTotal: number; entry: string };
export type WriteBackupOptions = {
  outPath: string;
  manifest: Omit<BackupManifest, 'entries'>;
  files: BackupFile[];
  signal?: AbortSignal;
  onProgress?(p: BackupProgress): void;
};
export type WrittenBackup = { path: string; bytes: number; manifest: BackupManifest };

const READ_CHUNK = 1024 * 1024;

/**
 * Writes a .bscbackup: manifest first, then each file, streamed and hashed twice (once for the
 * manifest, once while packing, so a file that changes mid-backup is caught). The archive appears
 * under outPath only once it is complete, synced to disk and verified; on failure or cancel the
 * partial file is removed.
 *
 * Progress covers three passes of equal weight: hashing, packing, verifying.
 */
export async function writeBackupArchive(opts: WriteBackupOptions): Promise<WrittenBackup> {
  const { signal, files } = opts;
  throwIfCancelled(signal);
  const listProblem = entryListProblem(files);
  if (listProblem) throw new BscError('BAD_INPUT', `Cannot write this backup: ${listProblem}.`);

  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  const sum = sizes.reduce((a, b) => a + b, 0);
  const bytesTotal = 3 * sum;
  let bytesDone = 0;
  const advance = (n: number, entry: string) => {
    bytesDone += n;
    opts.onProgress?.({ bytesDone, bytesTotal, entry });
  };

  const entries: BackupEntry[] = [];
  for (const file of files) {
    const { bytes, sha256 } = await hashFile(file.path, signal, (n) => advance(n, file.name));
    entries.push({ name: file.name, bytes, sha256 });
  }
  const parsed = BackupManifest.safeParse({ ...opts.manifest, entries });
  if (!parsed.success) {
    throw new BscError('BAD_INPUT', `Cannot write this backup: the manifest is invalid (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  }
  const manifest = parsed.data;

  const partial = partialPathFor(opts.outPath);
  try {
    await packArchive(partial, manifest, files, signal, advance);
    await syncFile(partial);
    const afterPacking = bytesDone;
    const report = await verifyBackup(partial, {
      maxSchemaVersion: manifest.schemaVersion,
      signal,
      onProgress: (p) => {
        const share = p.bytesTotal > 0 ? Math.floor((sum * p.bytesDone) / p.bytesTotal) : sum;
        bytesDone = afterPacking + share;
        opts.onProgress?.({ bytesDone, bytesTotal, entry: p.entry });
      },
    });
    if (!report.ok) {
      throw new BscError('BACKUP_INVALID', `The backup just written failed its own verification: ${report.problems[0] ?? 'unknown problem'}.`, {
        problems: report.problems,
      });
    }
    throwIfCancelled(signal);
    await rename(partial, opts.outPath);
    await syncDirectory(path.dirname(opts.outPath));
  } catch (err) {
    await rm(partial, { force: true });
    if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
    throw err;
  }
  return { path: opts.outPath, bytes: (await stat(opts.outPath)).size, manifest };
}

async function hashFile(file: string, signal: AbortSignal | undefined, onChunk: (n: number) => void): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    throwIfCancelled(signal);
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    onChunk(buf.length);
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function packArchive(
  partial: string,
  manifest: BackupManifest,
  files: BackupFile[],
  signal: AbortSignal | undefined,
  advance: (n: number, entry: string) => void,
): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createGzip({ level: 1 }), createWriteStream(partial), signal ? { signal } : {});
  // Observe the pipeline's failure now, so it is never unhandled while the feed is still running.
  written.catch(() => undefined);
  const mtime = new Date(manifest.createdAt);
  try {
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
    await addEntry(pack, { name: MANIFEST_ENTRY, size: manifestBytes.length, mtime }, oneChunk(manifestBytes));
    for (const [i, file] of files.entries()) {
      const declared = manifest.entries[i];
      if (!declared) throw new Error('manifest entries out of step with files');
      await addEntry(pack, { name: file.name, size: declared.bytes, mtime }, readCheckingHash(file, declared, signal, advance));
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

/** Streams a file's declared bytes, failing if they no longer hash to what the manifest says. */
async function* readCheckingHash(
  file: BackupFile,
  declared: BackupEntry,
  signal: AbortSignal | undefined,
  advance: (n: number, entry: string) => void,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (declared.bytes > 0) {
    // Read only the declared range: a file that grew would otherwise overrun its tar header.
    for await (const chunk of createReadStream(file.path, { start: 0, end: declared.bytes - 1, highWaterMark: READ_CHUNK })) {
      throwIfCancelled(signal);
      const buf = chunk as Buffer;
      hash.update(buf);
      bytes += buf.length;
      advance(buf.length, file.name);
      yield buf;
    }
  }
  const sizeNow = (await stat(file.path)).size;
  if (bytes !== declared.bytes || sizeNow !== declared.bytes || hash.digest('hex') !== declared.sha256) {
    throw new BscError(
      'BACKUP_INVALID',
      `${describeEntryName(file.name)} changed while the backup was being written; run the backup again.`,
      { entry: file.name },
    );
  }
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

/** Makes the rename itself durable; directories cannot be opened for sync on Windows, so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // not supported on this platform
  }
}
