// Turns files the user dropped or picked into import sources the engine can read: a path in the
// desktop app (the preload exposes webUtils.getPathForFile), an upload in the browser mode.
import type { ImportSource } from '../../../preload/contract';

declare global {
  interface Window { bscFiles?: { pathForFile(file: File): string } }
}

export async function importSourceFor(file: File, onProgress?: (sentBytes: number) => void): Promise<ImportSource> {
  const path = window.bscFiles?.pathForFile(file);
  if (path) return { path };
  const res = await fetch(`/upload?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file,
  });
  const reply = (await res.json()) as { ok: true; value: { uploadId: string } } | { ok: false; error: { code: string; message: string } };
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  onProgress?.(file.size);
  return { uploadId: reply.value.uploadId, filename: file.name };
}

/** Every file under the dropped items, folders walked recursively (browser File System API). */
export async function filesFromDrop(items: DataTransferItemList): Promise<File[]> {
  const entries = [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [];
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return files;
}
