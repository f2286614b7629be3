import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { BscError } from '../errors';
import { DATABASE_ENTRY, type BackupManifest } from './manifest';
import { checkBackupDatabase, databaseSkipReason, walkBackupArchive, type ArchiveProgress } from './verify';

export type ExtractOptions = {
  maxSchemaVersion: number;
  signal?: AbortSignal;
  onProgress?(p: ArchiveProgress): void;
};

/**
 * Unpacks a .bscbackup into an empty staging folder, checking as it goes exactly what
 * verifyBackup checks, and stopping at the first problem. Only regular files are written, each
 * created fresh (never overwriting) at a path that must resolve inside the staging folder.
 * On any problem nothing is left behind and BACKUP_INVALID says why.
 */
export async function extractBackup(file: string, stagingDir: string, opts: ExtractOptions): Promise<BackupManifest> {
  const created = await prepareStaging(stagingDir);
  // Resolve symlinks in the staging path itself, so the containment check compares real paths.
  const root = await realpath(stagingDir);
  try {
    const walk = await walkBackupArchive(file, {
      maxSchemaVersion: opts.maxSchemaVersion,
      signal: opts.signal,
      onProgress: opts.onProgress,
      stopAtFirstProblem: true,
      writes: { dir: root, entries: 'all' },
      targetFor: async (name) => {
        const target = path.resolve(root, ...name.split('/'));
        if (!target.startsWith(root + path.sep)) {
          // entryNameProblem already refused such names; this is the second lock.
          throw new BscError('BACKUP_INVALID', `Entry ${JSON.stringify(name)} would be written outside the staging folder.`);
        }
        await mkdir(path.dirname(target), { recursive: true });
        return target;
      },
    });
    if (walk.findings.problems.length > 0) throw invalid(walk.findings.problems);
    const skip = databaseSkipReason(walk);
    const dbPath = walk.written.get(DATABASE_ENTRY);
    if (skip !== null || !dbPath || !walk.manifest) throw invalid([`database not checked: ${skip ?? 'unknown reason'}`]);
    const dbProblems = await checkBackupDatabase(dbPath, walk.manifest.schemaVersion);
    if (dbProblems.length > 0) throw invalid(dbProblems);
    return walk.manifest;
  } catch (err) {
    await clearStaging(root, created);
    throw err;
  }
}

function invalid(problems: string[]): BscError {
  const first = problems[0] ?? 'unknown problem';
  return new BscError('BACKUP_INVALID', `This backup cannot be restored: ${first}.`, { problems });
}

/** Creates the staging folder, or accepts an existing empty one; returns whether we created it. */
async function prepareStaging(stagingDir: string): Promise<boolean> {
  try {
    const existing = await readdir(stagingDir);
    if (existing.length > 0) {
      throw new BscError('BAD_INPUT', `The staging folder ${stagingDir} is not empty; restore needs a fresh one.`);
    }
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(stagingDir, { recursive: true });
    return true;
  }
}

/** The folder was empty (or ours) when we started, so everything in it is ours to remove. */
async function clearStaging(root: string, created: boolean): Promise<void> {
  if (created) {
    await rm(root, { recursive: true, force: true });
    return;
  }
  const children = await readdir(root).catch(() => [] as string[]);
  await Promise.all(children.map((child) => rm(path.join(root, child), { recursive: true, force: true })));
}
