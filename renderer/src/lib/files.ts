// Turns files the user dropped or picked into sources the engine can read: their path on disk in
// the desktop app (window.bscFiles, from the preload), an upload in the browser mode. The one
// upload helper of the renderer; the desktop app never uploads.
import type { ImportSource } from '../../../preload/contract';
import type { BscFiles, DesktopOutput } from '../../../preload/desktop-contract';

declare global {
  interface Window { bscFiles?: BscFiles }
}

/** The desktop app's file API, or null in the browser mode. */
export const desktopFiles = (): BscFiles | null => (typeof window !== 'undefined' && window.bscFiles) || null;

export class NotOnDiskError extends Error {
  readonly code = 'BAD_INPUT';
  constructor(name: string) {
    super(`"${name}" is not a file on disk; save it to a folder first, then add it.`);
  }
}

/** Sends a file's bytes to the browser-mode server; the engine later reads it by its upload id. */
export async function uploadFile(file: File, onProgress?: (sentBytes: number) => void): Promise<{ uploadId: string; filename: string }> {
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

/** A dropped or picked file as an import source: its path in the desktop app, an upload in the browser. */
export async function importSourceFor(file: File, onProgress?: (sentBytes: number) => void): Promise<ImportSource> {
  const desktop = desktopFiles();
  if (desktop) {
    const path = desktop.pathForFile(file);
    if (!path) throw new NotOnDiskError(file.name);
    return { path };
  }
  return uploadFile(file, onProgress);
}

/** Native "Import files" / "Import folder" dialog (desktop only): the chosen paths as import sources, [] when cancelled. */
export async function pickImportSources(folders: boolean): Promise<ImportSource[]> {
  const desktop = desktopFiles();
  if (!desktop) return [];
  const r = await desktop.pickImport({ folders });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value.paths.map((path) => ({ path }));
}

async function chosenPath(call: Promise<{ ok: true; value: DesktopOutput<'pickRestoreFile'> } | { ok: false; error: { code: string; message: string } }>): Promise<string | null> {
  const r = await call;
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value.path;
}

/** Native "Restore from file" dialog (desktop only); null when cancelled or in the browser. */
export const pickRestoreFile = (): Promise<string | null> => {
  const desktop = desktopFiles();
  return desktop ? chosenPath(desktop.pickRestoreFile()) : Promise.resolve(null);
};

/** Native "Save backup as" dialog (desktop only); null when cancelled or in the browser. */
export const saveBackupAs = (defaultName?: string): Promise<string | null> => {
  const desktop = desktopFiles();
  return desktop ? chosenPath(desktop.saveBackupAs(defaultName ? { defaultName } : undefined)) : Promise.resolve(null);
};

/** Opens a document's stored original in the OS's default app (desktop only); false in the browser. */
export async function openOriginal(documentId: string): Promise<boolean> {
  const desktop = desktopFiles();
  if (!desktop) return false;
  const r = await desktop.openOriginal({ documentId });
  return r.ok && r.value.opened;
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
