// Data files readable by their owner only (issue 13.6): the server sets umask 077 before it forks
// the engine (children inherit it), so everything created from then on is 0600 in 0700 folders,
// and once at start it tightens what an older version left 0644/0755.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_UMASK = 0o077;

/** Removes group and other permissions under `dir` (symlinks are left alone, not followed). Returns how many entries changed. */
export function tightenPermissions(dir: string): number {
  let changed = 0;
  const visit = (p: string, depth: number) => {
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch { return; }
    if (st.isSymbolicLink() || (!st.isFile() && !st.isDirectory())) return;
    if ((st.mode & 0o077) !== 0) {
      try { fs.chmodSync(p, st.mode & 0o700); changed++; } catch { /* not ours: leave it */ }
    }
    if (!st.isDirectory() || depth > 8) return;
    let names: string[] = [];
    try { names = fs.readdirSync(p); } catch { return; }
    for (const name of names) visit(path.join(p, name), depth + 1);
  };
  visit(dir, 0);
  return changed;
}
