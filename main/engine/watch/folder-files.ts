import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BscError } from '../errors';
import { isImportable } from '../ingest/import-queue';

/** A file's size and modification time, or null when it is gone (or not a regular file). */
export function statFile(file: string): { size: number; mtimeMs: number } | null {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** The content hash the library names documents by, streamed so a large file is not held in memory. */
export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * Importable files under a folder, as paths relative to it with forward slashes, and the
 * subfolders that could not be read (their files are unknown, not gone).
 */
export function listFolder(root: string): { files: string[]; unreadable: string[] } {
  const files: string[] = [];
  const unreadable: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      unreadable.push(toRelative(root, dir));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isImportable(entry.name)) files.push(toRelative(root, full));
    }
  };
  walk(root);
  return { files, unreadable };
}

export function toRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/**
 * The name a watched file's document is listed under: the folder's own name and the path inside
 * it ("Cliente A/2024/relatorio.pdf"). Distinct names keep two "relatorio.pdf" of different
 * folders from replacing each other (the import queue replaces a document by name).
 */
export function documentNameFor(root: string, rel: string): string {
  return `${path.basename(root) || root}/${rel}`;
}

/** True when `dir` is `root` or inside it (both already resolved). */
function isWithin(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The folder as it will be stored: absolute, symlinks resolved, an existing directory, and — in
 * server mode — under one of the allowed import roots (BSC_IMPORT_ROOTS), as imports are.
 */
export function resolveWatchFolder(input: string, allowedRoots: readonly string[] | null): string {
  if (!path.isAbsolute(input)) throw new BscError('BAD_INPUT', `"${input}" is not an absolute folder path.`);
  let real: string;
  try {
    real = fs.realpathSync(input);
  } catch {
    throw new BscError('NOT_FOUND', `The folder "${input}" does not exist or cannot be read.`);
  }
  if (!fs.statSync(real).isDirectory()) throw new BscError('BAD_INPUT', `"${input}" is a file, not a folder.`);
  if (allowedRoots) {
    const roots = allowedRoots.map((r) => { try { return fs.realpathSync(r); } catch { return path.resolve(r); } });
    if (!roots.some((r) => isWithin(real, r))) {
      throw new BscError('PATH_NOT_ALLOWED', `"${input}" is outside the folders this server may read (BSC_IMPORT_ROOTS: ${allowedRoots.join(', ') || 'none'}).`, { path: input });
    }
  }
  return real;
}

/** BSC_IMPORT_ROOTS (path-delimiter separated), or null when unset: the server's import policy. */
export function importRootsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const raw = env.BSC_IMPORT_ROOTS;
  if (raw === undefined) return null;
  return raw.split(path.delimiter).map((s) => s.trim()).filter(Boolean);
}
