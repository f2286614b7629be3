import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Writes a file so a crash leaves either the old content or the new, never half (temporary file,
 * fsync, rename — write-file-atomic), then syncs the folder so the rename itself survives a
 * power cut. The one way the engine replaces a small file (settings, keys, state, markers).
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic.sync(file, data, { ...(opts.mode !== undefined ? { mode: opts.mode } : {}), fsync: true });
  syncDirectory(path.dirname(file));
}

/** Flushes a folder's entries (renames, new files) to disk; a no-op where folders cannot be opened (Windows). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
