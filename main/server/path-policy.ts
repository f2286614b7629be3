// Server-side paths (issue 13.2). In the server, whoever holds the web login is not the owner of
// the machine: paths they send may only name files under the folders the operator listed —
// imports under BSC_IMPORT_ROOTS, backups under the backups folder (or BSC_BACKUP_DIR). Each path
// is resolved, its symlinks followed (realpath) and checked again, and the engine receives the
// resolved path. The desktop app and the CLI do not go through here: their user owns the machine.
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorCode, MethodName } from '../../preload/contract';

export interface ServerPathRoots {
  /** Folders whose files may be imported or watched by path (BSC_IMPORT_ROOTS); empty: uploads only. */
  importRoots: string[];
  /** Folders backups may be written to, verified and restored from (BSC_BACKUP_DIR or <data>/backups). */
  backupRoots: string[];
}

export type PolicyDecision = { ok: true; input: unknown } | { ok: false; error: { code: ErrorCode; message: string } };

type Kind = 'import' | 'backup';

/** The methods whose inputs carry server paths; a test fails when the contract grows another. */
export const METHODS_WITH_PATHS: readonly MethodName[] = ['library.import', 'watch.add', 'backup.create', 'backup.verify', 'backup.restore', 'settings.set'];

/** The real path of `p`, following symlinks as far as the path exists (a new file's folder). */
function realPathOf(p: string): string {
  const missing: string[] = [];
  let at = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...missing.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return p;
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function createPathPolicy(roots: ServerPathRoots, backupFolder: () => Promise<string | null>) {
  const realRoots = (kind: Kind) => (kind === 'import' ? roots.importRoots : roots.backupRoots).map((r) => realPathOf(path.resolve(r)));

  const refuse = (message: string): PolicyDecision => ({ ok: false, error: { code: 'PATH_NOT_ALLOWED', message } });

  /** The resolved path when it lies under a root of `kind`, else the reason it does not. */
  function place(kind: Kind, given: string): { path: string } | { reason: string } {
    const where = kind === 'import' ? 'BSC_IMPORT_ROOTS' : 'the backup folder (BSC_BACKUP_DIR)';
    const allowed = realRoots(kind);
    if (allowed.length === 0) {
      return { reason: kind === 'import' ? 'This server imports uploaded files only; folders on the server can be imported once they are listed in BSC_IMPORT_ROOTS.' : 'This server has no backup folder for paths.' };
    }
    if (!path.isAbsolute(given)) return { reason: `"${given.slice(0, 200)}" is not an absolute path on the server.` };
    const real = realPathOf(path.resolve(given));
    if (!allowed.some((root) => isInside(real, root))) {
      return { reason: `The server only reaches files under ${where}: ${allowed.join(', ')}. "${given.slice(0, 200)}" is outside.` };
    }
    return { path: real };
  }

  /** Replaces each path in `input` (found by `paths`) with its checked real path. */
  function rewrite(kind: Kind, input: unknown, paths: Array<{ get(): string | null | undefined; set(p: string): void }>): PolicyDecision {
    for (const slot of paths) {
      const given = slot.get();
      if (given === null || given === undefined) continue;
      const placed = place(kind, given);
      if ('reason' in placed) return refuse(placed.reason);
      slot.set(placed.path);
    }
    return { ok: true, input };
  }

  const field = <T extends object>(obj: T | undefined, key: keyof T) => ({
    get: () => (obj ? (obj[key] as unknown as string | null | undefined) : undefined),
    set: (p: string) => { if (obj) (obj as Record<keyof T, unknown>)[key] = p; },
  });

  /** Checks one validated API input; returns it with resolved paths, or PATH_NOT_ALLOWED. */
  async function check(method: MethodName, validated: unknown): Promise<PolicyDecision> {
    const input = structuredClone(validated) as Record<string, unknown> | undefined;
    switch (method) {
      case 'library.import': {
        const sources = (input?.sources ?? []) as Array<{ path?: string }>;
        return rewrite('import', input, sources.filter((s) => 'path' in s).map((s) => field(s, 'path')));
      }
      case 'watch.add':
        return rewrite('import', input, [field(input, 'path')]);
      case 'backup.verify':
      case 'backup.restore':
        return rewrite('backup', input, [field(input, 'path')]);
      case 'backup.create': {
        if (input?.outPath !== undefined) return rewrite('backup', input, [field(input, 'outPath')]);
        // The default folder comes from settings, which the desktop app may have set elsewhere.
        const folder = await backupFolder();
        if (folder !== null && 'reason' in place('backup', folder)) return refuse(`Backups from the server go to the backup folder (BSC_BACKUP_DIR); the library's backup folder ${folder} is outside it.`);
        return { ok: true, input: validated };
      }
      case 'settings.set': {
        const backup = input?.backup as { folder?: string | null } | undefined;
        const embeddings = input?.embeddings as { modelDir?: string | null } | undefined;
        const folders = rewrite('backup', input, [field(backup, 'folder')]);
        return folders.ok ? rewrite('import', input, [field(embeddings, 'modelDir')]) : folders;
      }
      default:
        return { ok: true, input: validated };
    }
  }

  return { check };
}

export type PathPolicy = ReturnType<typeof createPathPolicy>;
