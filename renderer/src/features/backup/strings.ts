// Backup view strings (namespace "backup"): English and Brazilian Portuguese.
export const backupStrings = {
  en: { title: 'Backup' },
  'pt-BR': { title: 'Backup' },
} as const;
