import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { desktopFiles, importSourceFor, pickRestoreFile } from '../../lib/files';
import type { Notice } from './use-backup-operations';

/** What a restore will read: a file in the list, a path the desktop app resolved, or an upload. */
export type RestoreSource = { label: string; input: { path: string } | { uploadId: string } };

/** A dropped or picked backup: its own path in the desktop app, an upload in browser mode (lib/files.ts). */
async function restoreSourceFor(file: File): Promise<RestoreSource> {
  const source = await importSourceFor(file);
  return { label: file.name, input: 'path' in source ? { path: source.path } : { uploadId: source.uploadId } };
}

/**
 * Choosing a backup file to restore: the native Open dialog in the desktop app, the browser's file
 * input otherwise, or a file dropped anywhere on the view. The chosen file waits for confirmation.
 */
export function useRestorePicking(setNotice: (n: Notice | null) => void) {
  const { t } = useTranslation('backup');
  const [confirming, setConfirming] = useState<RestoreSource | null>(null);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const depth = useRef(0);

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    if (!file.name.toLowerCase().endsWith('.bscbackup')) return setNotice({ tone: 'error', text: t('fromFile.wrongType', { name: file.name }) });
    setNotice({ tone: 'info', text: t('fromFile.uploading', { name: file.name }) });
    try {
      setConfirming(await restoreSourceFor(file));
      setNotice(null);
    } catch (err) {
      setNotice({ tone: 'error', text: t('failed.restore', { message: (err as Error).message }) });
    }
  };

  const pickRestore = async () => {
    if (!desktopFiles()) return picker.current?.click();
    const chosen = await pickRestoreFile();
    if (chosen) setConfirming({ label: chosen.split(/[\\/]/).pop() ?? chosen, input: { path: chosen } });
  };

  const dropHandlers = {
    onDragEnter: (e: React.DragEvent) => { if (e.dataTransfer.types.includes('Files')) { depth.current++; setDragging(true); } },
    onDragLeave: () => { depth.current = Math.max(0, depth.current - 1); if (depth.current === 0) setDragging(false); },
    onDragOver: (e: React.DragEvent) => { if (e.dataTransfer.types.includes('Files')) e.preventDefault(); },
    onDrop: (e: React.DragEvent) => { e.preventDefault(); depth.current = 0; setDragging(false); void pickFile(e.dataTransfer.files[0]); },
  };

  return { confirming, setConfirming, dragging, picker, pickFile, pickRestore, dropHandlers };
}
