import { LATEST_SCHEMA_VERSION } from '../db/migrate';
import { type BackupDeps, type BackupOptions, type BackupResult, type ProgressContext, backupFolder, writeLibraryBackup } from './backup';
import { backupStatePath, recordVerification } from './backup-state';
import { type RestoreDeps, type RestoreResult, restoreFromArchive } from './restore';
import { type VerifyReport, verifyBackup } from './verify';

export type { BackupDeps as BackupServiceDeps } from './backup';
export type { RestoreFailpoints } from './restore';

/** Writing and checking archives of the library. */
export interface BackupService {
  /** The configured backup folder, or `<data>/backups`. */
  folder(): string;
  create(opts: BackupOptions, ctx?: ProgressContext): Promise<BackupResult>;
  /** Verifies an archive end to end and remembers the result for the backup list. */
  verify(file: string, ctx?: ProgressContext): Promise<VerifyReport & { path: string }>;
}

export function createBackupService(deps: BackupDeps): BackupService {
  return {
    folder: () => backupFolder(deps),
    create: (opts, ctx = {}) => writeLibraryBackup(deps, opts, ctx),
    async verify(file, ctx = {}) {
      const report = await verifyBackup(file, {
        maxSchemaVersion: LATEST_SCHEMA_VERSION,
        signal: ctx.signal,
        tempDir: deps.paths.root,
        onProgress: (p) => ctx.progress?.('verifying', p.bytesDone, p.bytesTotal),
      });
      recordVerification(backupStatePath(deps.paths.root), file, report.ok);
      return { ...report, path: file };
    },
  };
}

export interface RestoreServiceDeps extends Omit<RestoreDeps, 'backups'> {
  /** Takes the safety backup before the swap. */
  backups: Pick<BackupService, 'create'>;
}

/** Replacing the library with an archive's, or leaving it exactly as it was. */
export interface RestoreService {
  restore(file: string, ctx?: ProgressContext): Promise<RestoreResult>;
}

export function createRestoreService(deps: RestoreServiceDeps): RestoreService {
  return { restore: (file, ctx = {}) => restoreFromArchive(deps, file, ctx) };
}
