/** Settings → Backups: schedule, time, folder, retention. */
export function BackupSchedulePanel() {
  return null;
}
