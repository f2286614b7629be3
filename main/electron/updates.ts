// Updates through electron-updater, from the publish host in electron-builder.yml (the package's
// app-update.yml). An update replaces the application files only: the library lives in the data
// folder (userData or BSC_DATA_DIR), which is never inside the install folder, and the engine
// migrates the database forward on the next start (numbered migrations, tested).
import electronUpdater from 'electron-updater';
import type { Logger } from '../engine/observability/log';

export interface UpdatePolicy { isPackaged: boolean; env: NodeJS.ProcessEnv }

/** Only the installed app looks for updates, and never when told not to (tests, managed installs). */
export function shouldCheckForUpdates({ isPackaged, env }: UpdatePolicy): boolean {
  return isPackaged && env.BSC_NO_UPDATES !== '1' && !env.BSC_E2E;
}

export function startUpdateChecks(policy: UpdatePolicy, log: Logger): void {
  if (!shouldCheckForUpdates(policy)) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (err: Error) => log.warn('update check failed', { error: err.message }));
  autoUpdater.on('update-downloaded', (info: { version: string }) => log.info('update downloaded; installs on quit', { version: info.version }));
  void autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => log.warn('update check failed', { error: err instanceof Error ? err.message : String(err) }));
}
