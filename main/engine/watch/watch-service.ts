import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { ImportJob, WatchedFolder } from '../../../preload/contract';
import type { AppDatabase } from '../db/open';
import { BscError } from '../errors';
import { isImportable } from '../ingest/import-queue';
import type { Logger } from '../observability/log';
import { documentNameFor, listFolder, resolveWatchFolder, sha256OfFile, statFile, toRelative } from './folder-files';
import { type FileRow, type FolderRow, type OnDelete, WatchStore } from './watch-store';

/** Everything the watch service uses, passed in by the composition root. */
export interface WatchServiceDeps {
  /** The library database (the watch tables live there); throws when it is not open. */
  db: () => AppDatabase;
  /** Queues one file for import under `filename` (the existing import queue). */
  enqueueImport: (file: string, filename: string) => ImportJob | undefined;
  /** Removes a document from the library (chunks, vectors, stored original). */
  deleteDocument: (documentId: string) => boolean;
  /** Subscribes to import job updates (onImportProgress); returns the unsubscribe. */
  onImportJob: (listener: (job: ImportJob) => void) => () => void;
  /** Where status changes go (onWatchStatus). */
  emit: (folder: WatchedFolder) => void;
  log: Logger;
  /** Server mode: folders must lie under these roots (BSC_IMPORT_ROOTS); null: anywhere. */
  importRoots: () => readonly string[] | null;
  /** False for a CLI run beside the app: no OS watching, no background work (the app does it). */
  active: boolean;
  /** A file is imported once its size and mtime have not changed for this long (default 1 s). */
  stabilityMs?: number;
  /** A vanished file waits this long for its renamed self before the delete policy applies (default 5 s). */
  renameGraceMs?: number;
  /** Poll instead of OS events (network drives, tests on odd file systems). */
  usePolling?: boolean;
}

export interface WatchService {
  /** Watches every registered folder and reconciles each with the library (changes made while closed). */
  start(): Promise<void>;
  stop(): Promise<void>;
  add(folder: string, onDelete?: OnDelete): Promise<WatchedFolder>;
  list(): WatchedFolder[];
  remove(folderId: string): Promise<boolean>;
  /** Compares one folder with what the library holds and queues the differences. */
  scan(folderId: string): Promise<void>;
  /** Resolves when no file event or scan is waiting (imports may still run). */
  settled(): Promise<void>;
}

interface LiveFolder {
  watcher: FSWatcher | null;
  state: WatchedFolder['state'];
  stability: Map<string, NodeJS.Timeout>;
  graces: Map<string, NodeJS.Timeout>;
  notifyTimer: NodeJS.Timeout | null;
}

const STATUS_EVERY_MS = 250;
const MAX_LISTED_ERRORS = 20;

export function createWatchService(deps: WatchServiceDeps): WatchService {
  const store = new WatchStore(deps.db);
  const stabilityMs = deps.stabilityMs ?? 1_000;
  const renameGraceMs = deps.renameGraceMs ?? 5_000;
  const live = new Map<string, LiveFolder>();
  let chain: Promise<void> = Promise.resolve();
  let pendingTimers = 0;
  let unsubscribe: (() => void) | null = null;

  /** One file-system task at a time: a rename's unlink and add must not interleave. */
  function enqueue(what: string, task: () => Promise<void> | void): Promise<void> {
    const next = chain.then(task).catch((err: unknown) => deps.log.warn('watched folder task failed', { what, error: err }));
    chain = next;
    return next;
  }

  function status(row: FolderRow): WatchedFolder {
    const counts = store.counts(row.id);
    const errors = store.files(row.id).filter((f) => f.state === 'failed').slice(0, MAX_LISTED_ERRORS).map((f) => ({ file: f.rel_path, message: f.error ?? 'failed' }));
    const state = live.get(row.id)?.state ?? (deps.active ? 'unavailable' : 'inactive');
    return {
      id: row.id, path: row.path, onDelete: row.on_delete, state, ...counts,
      lastScanAt: row.last_scan_at, lastError: row.last_error, errors, createdAt: row.created_at,
    };
  }

  function notify(folderId: string, now = false): void {
    const f = live.get(folderId);
    const send = () => {
      if (f) f.notifyTimer = null;
      try {
        const row = store.folder(folderId);
        if (row) deps.emit(status(row));
      } catch (err) {
        // The database closed (shutdown, restore) between the change and its status: nothing to tell.
        deps.log.debug('watch status not sent', { error: err });
      }
    };
    if (now || !f) return send();
    f.notifyTimer ??= setTimeout(send, STATUS_EVERY_MS);
  }

  const put = (row: FileRow, changes: Partial<FileRow>): void => store.putFile({ ...row, ...changes });

  /** A file that is (still) there: unchanged, touched, renamed, already in the library, or to import. */
  async function syncFile(folder: FolderRow, rel: string): Promise<void> {
    const abs = path.join(folder.path, ...rel.split('/'));
    const st = statFile(abs);
    if (!st) return fileGone(folder, rel);
    const row = store.file(folder.id, rel);
    // Same size and mtime: unchanged, never read again (nor re-embedded).
    if (row && row.state !== 'missing' && row.size === st.size && row.mtime_ms === st.mtimeMs) return;
    const sha = await sha256OfFile(abs);
    const base: FileRow = row ?? { folder_id: folder.id, rel_path: rel, size: 0, mtime_ms: 0, sha256: null, document_id: null, owned: 0, state: 'importing', job_id: null, error: null, missing_since: null };
    const touched = { size: st.size, mtime_ms: st.mtimeMs, sha256: sha, missing_since: null, error: null };
    if (row && row.sha256 === sha && row.state === 'indexed') return put(row, touched);
    const moved = store.missingWithSha(folder.id, sha);
    if (moved) return adoptRenamed(folder, moved, rel, touched);
    const existing = store.documentBySha(sha);
    if (existing) {
      retireOldVersion(base, existing.id);
      const owned = base.document_id === existing.id ? base.owned : 0;
      return put(base, { ...touched, document_id: existing.id, owned, state: 'indexed', job_id: null });
    }
    const job = deps.enqueueImport(abs, documentNameFor(folder.path, rel));
    if (!job) throw new BscError('INTERNAL', `Could not queue "${rel}" for import.`);
    put(base, { ...touched, state: 'importing', job_id: job.id });
    deps.log.info('watched file queued', { folder: folder.path, file: rel, job: job.id, changed: row !== null });
  }

  /** A renamed (or moved within the folder) file keeps its document: no extraction, no embedding. */
  function adoptRenamed(folder: FolderRow, moved: FileRow, rel: string, touched: Partial<FileRow>): void {
    const grace = live.get(folder.id)?.graces.get(moved.rel_path);
    if (grace) { clearTimeout(grace); live.get(folder.id)?.graces.delete(moved.rel_path); pendingTimers--; }
    store.transaction(() => {
      store.dropFile(folder.id, moved.rel_path);
      store.putFile({ ...moved, ...touched, rel_path: rel, state: moved.document_id ? 'indexed' : 'failed', error: moved.document_id ? null : 'removed from the library' } as FileRow);
      // The stored original is named by content and extension: keep the name's extension so it is still found.
      if (moved.document_id && path.extname(moved.rel_path).toLowerCase() === path.extname(rel).toLowerCase()) {
        store.renameDocument(moved.document_id, documentNameFor(folder.path, rel));
      }
    });
    deps.log.info('watched file renamed', { folder: folder.path, from: moved.rel_path, to: rel, document: moved.document_id });
  }

  /** A changed file whose new content ended up in another document: its earlier version leaves the library. */
  function retireOldVersion(row: FileRow, newDocumentId: string | null): void {
    const old = row.document_id;
    if (!old || old === newDocumentId || !row.owned || !store.documentExists(old)) return;
    if (store.documentSharedBeyond(old, row.folder_id, row.rel_path)) return;
    deps.deleteDocument(old);
  }

  /**
   * The file is gone: wait a moment for a rename to claim it, then apply the folder's delete
   * policy. A scan only marks it (`graceMs` null) and applies the policy after matching renames.
   */
  function fileGone(folder: FolderRow, rel: string, graceMs: number | null = renameGraceMs): void {
    const row = store.file(folder.id, rel);
    if (!row) return;
    if (row.state === 'importing' || row.state === 'failed' || !row.document_id) {
      store.dropFile(folder.id, rel);
      return;
    }
    if (row.state !== 'missing') put(row, { state: 'missing', missing_since: new Date().toISOString() });
    if (graceMs === null) return;
    const f = live.get(folder.id);
    if (!f || graceMs === 0) return applyDeletePolicy(folder.id, rel);
    const old = f.graces.get(rel);
    if (old) { clearTimeout(old); pendingTimers--; }
    pendingTimers++;
    f.graces.set(rel, setTimeout(() => {
      pendingTimers--;
      f.graces.delete(rel);
      void enqueue('delete policy', () => applyDeletePolicy(folder.id, rel));
    }, graceMs));
  }

  function applyDeletePolicy(folderId: string, rel: string): void {
    const folder = store.folder(folderId);
    const row = store.file(folderId, rel);
    if (!folder || !row || row.state !== 'missing') return;
    if (folder.on_delete === 'keep') return notify(folderId);
    const doc = row.document_id;
    store.dropFile(folderId, rel);
    if (doc && row.owned && !store.documentSharedBeyond(doc, folderId, rel)) {
      deps.deleteDocument(doc);
      deps.log.info('watched file deleted: document removed', { folder: folder.path, file: rel, document: doc });
    }
    notify(folderId);
  }

  /** An import we queued changed state: record the document it became, or why it failed. */
  function onJob(job: ImportJob): void {
    if (job.state === 'queued' || job.state === 'running') return;
    let row: FileRow | null;
    try { row = store.fileByJob(job.id); } catch { return; }
    if (!row) return;
    finishJob(row, job.state, job.documentId, job.note, job.error?.message ?? null);
    notify(row.folder_id);
  }

  function finishJob(row: FileRow, state: string, documentId: string | null, note: string | null, error: string | null): void {
    if (state === 'done' && documentId) {
      const duplicate = note === 'already in the library';
      retireOldVersion(row, documentId);
      put(row, { document_id: documentId, owned: duplicate && row.document_id !== documentId ? 0 : 1, state: 'indexed', job_id: null, error: null });
    } else if (state === 'failed' || state === 'needs-password' || state === 'cancelled') {
      // size 0 / mtime 0: the next scan or change tries the file again.
      const why = state === 'cancelled' ? 'import cancelled' : state === 'needs-password' ? (error ?? 'needs a password') : (error ?? 'import failed');
      put(row, { state: 'failed', job_id: null, error: why, ...(state === 'cancelled' ? { size: 0, mtime_ms: 0 } : {}) });
    }
  }

  /** Imports that ended while we were not listening (the app stopped mid-import). */
  function reconcileImports(): void {
    for (const row of store.importing()) {
      const job = store.importJob(row.job_id!);
      if (!job) finishJob(row, 'cancelled', null, null, null);
      else if (job.state !== 'queued' && job.state !== 'running') finishJob(row, job.state, job.document_id, job.note, job.error);
    }
  }

  async function scan(folderId: string): Promise<void> {
    const folder = store.folder(folderId);
    if (!folder) return;
    const f = live.get(folderId);
    if (!fs.existsSync(folder.path) || !fs.statSync(folder.path).isDirectory()) {
      // An unplugged drive is not a deleted folder: nothing is removed.
      if (f) f.state = 'unavailable';
      store.setError(folderId, `The folder ${folder.path} is not reachable; nothing was removed from the library.`);
      return notify(folderId, true);
    }
    if (f) f.state = 'scanning';
    notify(folderId, true);
    const onDisk = new Set(listFolder(folder.path));
    // Vanished files first, so a file renamed while the app was closed is matched by content.
    const vanished = store.files(folderId).filter((r) => !onDisk.has(r.rel_path) && r.state !== 'missing').map((r) => r.rel_path);
    for (const rel of vanished) fileGone(folder, rel, null);
    for (const rel of onDisk) await syncFile(folder, rel);
    for (const r of store.files(folderId).filter((x) => x.state === 'missing')) applyDeletePolicy(folderId, r.rel_path);
    store.markScanned(folderId, null);
    if (f) f.state = f.watcher ? 'watching' : 'inactive';
    notify(folderId, true);
  }

  function scheduleSettle(folder: FolderRow, abs: string): void {
    const f = live.get(folder.id);
    if (!f || !isImportable(abs)) return;
    const rel = toRelative(folder.path, abs);
    const before = statFile(abs);
    const old = f.stability.get(rel);
    if (old) clearTimeout(old);
    else pendingTimers++;
    f.stability.set(rel, setTimeout(() => {
      const now = statFile(abs);
      if (now && before && (now.size !== before.size || now.mtimeMs !== before.mtimeMs)) {
        f.stability.delete(rel);
        pendingTimers--;
        return scheduleSettle(folder, abs); // still being written
      }
      f.stability.delete(rel);
      pendingTimers--;
      void enqueue('file changed', () => syncFile(store.folder(folder.id) ?? folder, rel)).then(() => notify(folder.id));
    }, stabilityMs));
  }

  async function watchFolder(folder: FolderRow): Promise<void> {
    const f: LiveFolder = { watcher: null, state: 'scanning', stability: new Map(), graces: new Map(), notifyTimer: null };
    live.set(folder.id, f);
    if (!fs.existsSync(folder.path)) {
      f.state = 'unavailable';
      return;
    }
    const watcher = watch(folder.path, {
      ignoreInitial: true,
      ignored: (p: string) => p !== folder.path && path.basename(p).startsWith('.'),
      usePolling: deps.usePolling ?? false,
      interval: 250,
      binaryInterval: 250,
    });
    f.watcher = watcher;
    watcher.on('add', (p: string) => scheduleSettle(folder, p));
    watcher.on('change', (p: string) => scheduleSettle(folder, p));
    watcher.on('unlink', (p: string) => {
      if (!isImportable(p)) return;
      void enqueue('file removed', () => {
        const rel = toRelative(folder.path, p);
        if (!statFile(p)) fileGone(store.folder(folder.id) ?? folder, rel);
      }).then(() => notify(folder.id));
    });
    watcher.on('unlinkDir', (p: string) => {
      if (p !== folder.path) return;
      f.state = 'unavailable';
      store.setError(folder.id, `The folder ${folder.path} disappeared; nothing was removed from the library.`);
      notify(folder.id, true);
    });
    watcher.on('error', (err: unknown) => {
      deps.log.warn('watched folder error', { folder: folder.path, error: err });
      try { store.setError(folder.id, err instanceof Error ? err.message : String(err)); } catch { /* database closed */ }
      notify(folder.id);
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async function unwatch(folderId: string): Promise<void> {
    const f = live.get(folderId);
    if (!f) return;
    live.delete(folderId);
    for (const t of [...f.stability.values(), ...f.graces.values()]) { clearTimeout(t); pendingTimers--; }
    if (f.notifyTimer) clearTimeout(f.notifyTimer);
    await f.watcher?.close();
  }

  return {
    async start() {
      if (!deps.active) return;
      unsubscribe ??= deps.onImportJob(onJob);
      reconcileImports();
      for (const folder of store.folders()) {
        if (live.has(folder.id)) continue;
        await watchFolder(folder);
        void enqueue('scan at start', () => scan(folder.id));
      }
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      for (const id of [...live.keys()]) await unwatch(id);
      await chain;
    },
    async add(input, onDelete) {
      const resolved = resolveWatchFolder(input, deps.importRoots());
      const existing = store.folderByPath(resolved);
      if (existing) {
        if (onDelete && onDelete !== existing.on_delete) store.setOnDelete(existing.id, onDelete);
        return status(store.folder(existing.id)!);
      }
      const id = randomUUID();
      store.addFolder(id, resolved, onDelete ?? 'keep');
      deps.log.info('folder watched', { folder: resolved, onDelete: onDelete ?? 'keep' });
      unsubscribe ??= deps.onImportJob(onJob);
      if (deps.active) await watchFolder(store.folder(id)!);
      // A CLI run scans once too, so `bsc watch add` brings the folder in at once.
      void enqueue('scan of a new folder', () => scan(id));
      return status(store.folder(id)!);
    },
    list: () => store.folders().map(status),
    async remove(folderId) {
      await unwatch(folderId);
      await chain;
      const removed = store.removeFolder(folderId);
      if (removed) deps.log.info('folder no longer watched', { folderId });
      return removed;
    },
    async scan(folderId) {
      if (!deps.active) unsubscribe ??= deps.onImportJob(onJob);
      await enqueue('scan', () => scan(folderId));
    },
    async settled() {
      // Timers (stability, rename grace) feed the chain; wait until both are quiet.
      for (;;) {
        const before = chain;
        await before;
        if (pendingTimers === 0 && chain === before) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
