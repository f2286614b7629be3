// Files from the OS, answered in main: native dialogs for importing, restoring and saving
// backups, and opening a document's stored original with the OS's default app. The renderer
// gets paths, never bytes; the engine reads the files itself.
import path from 'node:path';
import type { Reply } from '../../preload/contract';
import { type DesktopMethodName, desktopChannelFor, desktopMethodNames, desktopMethods } from '../../preload/desktop-contract';
import { dataPaths } from '../engine/settings/data-dir';
import { type IpcMainLike, type TrustSender, UNTRUSTED_SENDER } from './ipc';

type OpenProperty = 'openFile' | 'openDirectory' | 'multiSelections';
export interface OpenDialogOptions { title: string; properties: OpenProperty[]; filters?: Array<{ name: string; extensions: string[] }> }
export interface SaveDialogOptions { title: string; defaultPath: string; filters: Array<{ name: string; extensions: string[] }> }

/** The Electron calls these handlers make (dialog, shell), behind an interface a test can fake. */
export interface DesktopFileDeps {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  /** shell.openPath: '' on success, else the OS's error message. */
  openPath(file: string): Promise<string>;
  fileExists(file: string): boolean;
  callEngine(method: string, input: unknown): Promise<Reply<unknown>>;
  dataDir: string;
  /** Where "Save backup as" starts. */
  documentsDir: string;
}

export const IMPORTABLE_EXTENSIONS = ['pdf', 'md', 'markdown', 'txt', 'docx', 'png', 'jpg', 'jpeg', 'tif', 'tiff'];

type Handler = (input: unknown) => Promise<Reply<unknown>>;

/**
 * Where the engine keeps a document's original: documents/<sha256><ext> (ingest/index-document.ts's
 * originalPath; a test keeps the two equal). Not imported from there: that module would pull the
 * whole import pipeline and its native modules into Electron's main process.
 */
export function storedOriginalPath(dataDir: string, sha256: string, filename: string): string {
  const ext = path.extname(filename).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
  return path.join(dataPaths(dataDir).documents, `${sha256}${ext}`);
}

export function desktopFileHandlers(deps: DesktopFileDeps): Record<DesktopMethodName, Handler> {
  return {
    async pickImport(input) {
      const { folders } = input as { folders: boolean };
      const r = await deps.showOpenDialog(folders
        ? { title: 'Import folder', properties: ['openDirectory', 'multiSelections'] }
        : { title: 'Import files', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Documents', extensions: IMPORTABLE_EXTENSIONS }] });
      return { ok: true, value: { paths: r.canceled ? [] : r.filePaths } };
    },
    async pickRestoreFile() {
      const r = await deps.showOpenDialog({ title: 'Restore from file', properties: ['openFile'], filters: [{ name: 'Agente BSC backup', extensions: ['bscbackup'] }] });
      return { ok: true, value: { path: r.canceled ? null : (r.filePaths[0] ?? null) } };
    },
    async saveBackupAs(input) {
      const name = (input as { defaultName?: string } | undefined)?.defaultName ?? `agente-bsc-${new Date().toISOString().slice(0, 10)}.bscbackup`;
      const r = await deps.showSaveDialog({ title: 'Save backup as', defaultPath: path.join(deps.documentsDir, name), filters: [{ name: 'Agente BSC backup', extensions: ['bscbackup'] }] });
      if (r.canceled || !r.filePath) return { ok: true, value: { path: null } };
      return { ok: true, value: { path: r.filePath.endsWith('.bscbackup') ? r.filePath : `${r.filePath}.bscbackup` } };
    },
    async openOriginal(input) {
      const { documentId } = input as { documentId: string };
      const r = await deps.callEngine('library.document', { documentId });
      if (!r.ok) return r;
      const doc = (r.value as { document: { sha256: string; filename: string } }).document;
      // The stored original is named by its content hash inside the data folder's documents/.
      const file = storedOriginalPath(deps.dataDir, doc.sha256, doc.filename);
      if (!deps.fileExists(file)) return { ok: true, value: { opened: false, detail: `The original of ${doc.filename} is no longer in the data folder.` } };
      const error = await deps.openPath(file);
      return { ok: true, value: { opened: error === '', detail: error || `Opened ${doc.filename}.` } };
    },
  };
}

/** One ipcMain handler per desktop method: sender checked, input validated with the desktop contract. */
export function registerDesktopFileHandlers(ipcMain: IpcMainLike, trust: TrustSender, handlers: Record<DesktopMethodName, Handler>): string[] {
  return desktopMethodNames.map((name) => {
    const channel = desktopChannelFor(name);
    ipcMain.handle(channel, async (event, input) => {
      if (!trust(event)) return UNTRUSTED_SENDER;
      const parsed = desktopMethods[name].input.safeParse(input ?? undefined);
      if (!parsed.success) return { ok: false, error: { code: 'BAD_INPUT', message: `Invalid input for ${name}: ${parsed.error.issues[0]?.message ?? ''}` } };
      return handlers[name](parsed.data);
    });
    return channel;
  });
}
