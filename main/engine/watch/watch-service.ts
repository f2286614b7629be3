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
  /**
   * A full rescan this often (default 15 min): catches what OS events missed (a watch limit
   * reached, a network drive). Cheap: files whose size and mtime did not change are not read.
   */
  rescanEveryMs?: number;
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
  rescan: NodeJS.Timeout | null;
}

const STATUS_EVERY_MS = 250;
const MAX_LISTED_ERRORS = 20;

class WatchRuntime implements WatchService {
  private readonly store: WatchStore;
  private readonly stabilityMs: number;
  private readonly renameGraceMs: number;
  private readonly live = new Map<string, LiveFolder>();
  private chain: Promise<void> = Promise.resolve();
  private pendingTimers = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: WatchServiceDeps) {
    this.store = new WatchStore(deps.db);
    this.stabilityMs = deps.stabilityMs ?? 1_000;
    this.renameGraceMs = deps.renameGraceMs ?? 5_000;
  }

  /** One file-system task at a time: a rename's unlink and add must not interleave. */
  private enqueue(what: string, task: () => Promise<void> | void): Promise<void> {
    const next = this.chain.then(task).catch((err: unknown) => this.deps.log.warn('watched folder task failed', { what, error: err }));
    this.chain = next;
    return next;
  }

  private status(row: FolderRow): WatchedFolder {
    const counts = this.store.counts(row.id);
    const errors = this.store.files(row.id).filter((f) => f.state === 'failed').slice(0, MAX_LISTED_ERRORS).map((f) => ({ file: f.rel_path, message: f.error ?? 'failed' }));
    const state = this.live.get(row.id)?.state ?? (this.deps.active ? 'unavailable' : 'inactive');
    return {
      id: row.id, path: row.path, onDelete: row.on_delete, state, ...counts,
      lastScanAt: row.last_scan_at, lastError: row.last_error, errors, createdAt: row.created_at,
    };
  }

  private notify(folderId: string, now = false): void {
    const f = this.live.get(folderId);
    const send = () => {
      if (f) f.notifyTimer = null;
      try {
        const row = this.store.folder(folderId);
        if (row) this.deps.emit(this.status(row));
      } catch (err) {
        // The database closed (shutdown, restore) between the change and its status: nothing to tell.
        this.deps.log.debug('watch status not sent', { error: err });
      }
    };
    if (now || !f) return send();
    f.notifyTimer ??= setTimeout(send, STATUS_EVERY_MS);
  }

  private put(row: FileRow, changes: Partial<FileRow>): void { this.store.putFile({ ...row, ...changes }); }

  /** A file that is (still) there: unchanged, touched, renamed, already in the library, or to import. */
  private async syncFile(folder: FolderRow, rel: string): Promise<void> {
    const abs = path.join(folder.path, ...rel.split('/'));
    const st = statFile(abs);
    if (!st) return this.fileGone(folder, rel);
    const row = this.store.file(folder.id, rel);
    // Same size and mtime: unchanged, never read again (nor re-embedded).
    if (row && row.state !== 'missing' && row.size === st.size && row.mtime_ms === st.mtimeMs) return;
    const sha = await sha256OfFile(abs);
    const base: FileRow = row ?? { folder_id: folder.id, rel_path: rel, size: 0, mtime_ms: 0, sha256: null, document_id: null, owned: 0, state: 'importing', job_id: null, error: null, missing_since: null };
    const touched = { size: st.size, mtime_ms: st.mtimeMs, sha256: sha, missing_since: null, error: null };
    if (row && row.sha256 === sha && row.state === 'indexed') return this.put(row, touched);
    // The same content is still being imported: one job is enough (a second would orphan the first's document).
    if (row && row.sha256 === sha && row.state === 'importing') return this.put(row, touched);
    const moved = this.store.missingWithSha(folder.id, sha);
    if (moved) return this.adoptRenamed(folder, moved, rel, touched);
    const existing = this.store.documentBySha(sha);
    if (existing) {
      this.retireOldVersion(base, existing.id);
      const owned = base.document_id === existing.id ? base.owned : 0;
      return this.put(base, { ...touched, document_id: existing.id, owned, state: 'indexed', job_id: null });
    }
    const job = this.deps.enqueueImport(abs, documentNameFor(folder.path, rel));
    if (!job) throw new BscError('INTERNAL', `Could not queue "${rel}" for import.`);
    this.put(base, { ...touched, state: 'importing', job_id: job.id });
    this.deps.log.info('watched file queued', { folder: folder.path, file: rel, job: job.id, changed: row !== null });
  }

  /** A renamed (or moved within the folder) file keeps its document: no extraction, no embedding. */
  private adoptRenamed(folder: FolderRow, moved: FileRow, rel: string, touched: Partial<FileRow>): void {
    const grace = this.live.get(folder.id)?.graces.get(moved.rel_path);
    if (grace) { clearTimeout(grace); this.live.get(folder.id)?.graces.delete(moved.rel_path); this.pendingTimers--; }
    this.store.transaction(() => {
      this.store.dropFile(folder.id, moved.rel_path);
      this.store.putFile({ ...moved, ...touched, rel_path: rel, state: moved.document_id ? 'indexed' : 'failed', error: moved.document_id ? null : 'removed from the library' } as FileRow);
      // The stored original is named by content and extension: keep the name's extension so it is still found.
      if (moved.document_id && path.extname(moved.rel_path).toLowerCase() === path.extname(rel).toLowerCase()) {
        this.store.renameDocument(moved.document_id, documentNameFor(folder.path, rel));
      }
    });
    this.deps.log.info('watched file renamed', { folder: folder.path, from: moved.rel_path, to: rel, document: moved.document_id });
  }

  /** A changed file whose new content ended up in another document: its earlier version leaves the library. */
  private retireOldVersion(row: FileRow, newDocumentId: string | null): void {
    const old = row.document_id;
    if (!old || old === newDocumentId || !row.owned || !this.store.documentExists(old)) return;
    if (this.store.documentSharedBeyond(old, row.folder_id, row.rel_path)) return;
    this.deps.deleteDocument(old);
  }

  /**
   * The file is gone: wait a moment for a rename to claim it, then apply the folder's delete
   * policy. A scan only marks it (`graceMs` null) and applies the policy after matching renames.
   */
  private fileGone(folder: FolderRow, rel: string, graceMs: number | null = this.renameGraceMs): void {
    const row = this.store.file(folder.id, rel);
    if (!row) return;
    // Still importing: the job's end decides (its document must not be left with no file row).
    if (row.state === 'importing') {
      if (!row.missing_since) this.put(row, { missing_since: new Date().toISOString() });
      return;
    }
    if (row.state === 'failed' || !row.document_id) {
      this.store.dropFile(folder.id, rel);
      return;
    }
    if (row.state !== 'missing') this.put(row, { state: 'missing', missing_since: new Date().toISOString() });
    if (graceMs === null) return;
    const f = this.live.get(folder.id);
    if (!f || graceMs === 0) return this.applyDeletePolicy(folder.id, rel);
    const old = f.graces.get(rel);
    if (old) { clearTimeout(old); this.pendingTimers--; }
    this.pendingTimers++;
    f.graces.set(rel, setTimeout(() => {
      this.pendingTimers--;
      f.graces.delete(rel);
      void this.enqueue('delete policy', () => this.applyDeletePolicy(folder.id, rel));
    }, graceMs));
  }

  private applyDeletePolicy(folderId: string, rel: string): void {
    const folder = this.store.folder(folderId);
    const row = this.store.file(folderId, rel);
    if (!folder || !row || row.state !== 'missing') return;
    if (folder.on_delete === 'keep') return this.notify(folderId);
    const doc = row.document_id;
    this.store.dropFile(folderId, rel);
    if (doc && row.owned && !this.store.documentSharedBeyond(doc, folderId, rel)) {
      this.deps.deleteDocument(doc);
      this.deps.log.info('watched file deleted: document removed', { folder: folder.path, file: rel, document: doc });
    }
    this.notify(folderId);
  }

  /** An import we queued changed state: record the document it became, or why it failed. */
  private onJob(job: ImportJob): void {
    if (job.state === 'queued' || job.state === 'running') return;
    let row: FileRow | null;
    try { row = this.store.fileByJob(job.id); } catch { return; }
    if (!row) return;
    this.finishJob(row, job.state, job.documentId, job.note, job.error?.message ?? null);
    this.notify(row.folder_id);
  }

  private finishJob(row: FileRow, state: string, documentId: string | null, note: string | null, error: string | null): void {
    if (state === 'done' && documentId) {
      const duplicate = note === 'already in the library';
      this.retireOldVersion(row, documentId);
      // Deleted while it was importing: now that its document is known, the folder's delete policy applies.
      const folder = row.missing_since ? this.store.folder(row.folder_id) : null;
      const gone = folder !== null && !statFile(path.join(folder.path, ...row.rel_path.split('/')));
      this.put(row, { document_id: documentId, owned: duplicate && row.document_id !== documentId ? 0 : 1, state: 'indexed', job_id: null, error: null, ...(gone ? {} : { missing_since: null }) });
      if (folder && gone) this.fileGone(folder, row.rel_path);
    } else if (row.missing_since && !statFile(path.join(this.store.folder(row.folder_id)?.path ?? '', ...row.rel_path.split('/')))) {
      this.store.dropFile(row.folder_id, row.rel_path);
    } else if (state === 'failed' || state === 'needs-password' || state === 'cancelled') {
      // size 0 / mtime 0: the next scan or change tries the file again.
      const why = state === 'cancelled' ? 'import cancelled' : state === 'needs-password' ? (error ?? 'needs a password') : (error ?? 'import failed');
      this.put(row, { state: 'failed', job_id: null, error: why, ...(state === 'cancelled' ? { size: 0, mtime_ms: 0 } : {}) });
    }
  }

  /** Imports that ended while we were not listening (the app stopped mid-import). */
  private reconcileImports(): void {
    for (const row of this.store.importing()) {
      const job = this.store.importJob(row.job_id!);
      if (!job) this.finishJob(row, 'cancelled', null, null, null);
      else if (job.state !== 'queued' && job.state !== 'running') this.finishJob(row, job.state, job.document_id, job.note, job.error);
    }
  }

  private async scanNow(folderId: string): Promise<void> {
    const folder = this.store.folder(folderId);
    if (!folder) return;
    const f = this.live.get(folderId);
    if (!fs.existsSync(folder.path) || !fs.statSync(folder.path).isDirectory()) {
      // An unplugged drive is not a deleted folder: nothing is removed.
      if (f) f.state = 'unavailable';
      this.store.setError(folderId, `The folder ${folder.path} is not reachable; nothing was removed from the library.`);
      return this.notify(folderId, true);
    }
    if (f) f.state = 'scanning';
    this.notify(folderId, true);
    let problem: string | null = null;
    try {
      problem = await this.reconcile(folder, f);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
      this.deps.log.warn('watched folder scan failed', { folder: folder.path, error: err });
    }
    this.store.markScanned(folderId, problem);
    if (f) f.state = f.watcher ? 'watching' : 'inactive';
    this.notify(folderId, true);
  }

  /** The folder against the library: vanished files, new/changed/renamed ones, then the delete policy. */
  private async reconcile(folder: FolderRow, f: LiveFolder | undefined): Promise<string | null> {
    const listing = listFolder(folder.path);
    const onDisk = new Set(listing.files);
    // Files under a subfolder we could not read are unknown, not gone.
    const unknown = (rel: string) => listing.unreadable.some((dir) => dir === '' || rel.startsWith(`${dir}/`));
    // Vanished files first, so a file renamed while the app was closed is matched by content.
    const vanished = this.store.files(folder.id).filter((r) => !onDisk.has(r.rel_path) && r.state !== 'missing' && !unknown(r.rel_path));
    for (const r of vanished) this.fileGone(folder, r.rel_path, null);
    for (const rel of onDisk) {
      const abs = path.join(folder.path, ...rel.split('/'));
      // Still being written: the live watcher imports it once its size settles.
      const st = f?.watcher ? statFile(abs) : null;
      if (st && Date.now() - st.mtimeMs < this.stabilityMs) this.scheduleSettle(folder, abs);
      else await this.syncFile(folder, rel).catch((err: unknown) => this.markUnreadable(folder, rel, err));
    }
    for (const r of this.store.files(folder.id).filter((x) => x.state === 'missing')) this.applyDeletePolicy(folder.id, r.rel_path);
    return listing.unreadable.length ? `Some subfolders could not be read: ${listing.unreadable.slice(0, 5).join(', ')}.` : null;
  }

  /** A file we could not read (permissions, a lock): listed as failed, tried again when it changes or at the next scan. */
  private markUnreadable(folder: FolderRow, rel: string, err: unknown): void {
    const row = this.store.file(folder.id, rel);
    const base: FileRow = row ?? { folder_id: folder.id, rel_path: rel, size: 0, mtime_ms: 0, sha256: null, document_id: null, owned: 0, state: 'failed', job_id: null, error: null, missing_since: null };
    this.put(base, { state: 'failed', size: 0, mtime_ms: 0, error: `could not be read (${err instanceof Error ? err.message : String(err)})` });
  }

  private scheduleSettle(folder: FolderRow, abs: string): void {
    const f = this.live.get(folder.id);
    if (!f || !isImportable(abs)) return;
    const rel = toRelative(folder.path, abs);
    const before = statFile(abs);
    const old = f.stability.get(rel);
    if (old) clearTimeout(old);
    else this.pendingTimers++;
    f.stability.set(rel, setTimeout(() => {
      const now = statFile(abs);
      if (now && before && (now.size !== before.size || now.mtimeMs !== before.mtimeMs)) {
        f.stability.delete(rel);
        this.pendingTimers--;
        return this.scheduleSettle(folder, abs); // still being written
      }
      f.stability.delete(rel);
      this.pendingTimers--;
      void this.enqueue('file changed', () => this.syncFile(this.store.folder(folder.id) ?? folder, rel)).then(() => this.notify(folder.id));
    }, this.stabilityMs));
  }

  private async watchFolder(folder: FolderRow): Promise<void> {
    const f: LiveFolder = { watcher: null, state: 'scanning', stability: new Map(), graces: new Map(), notifyTimer: null, rescan: null };
    f.rescan = setInterval(() => void this.enqueue('periodic rescan', () => this.revisit(folder)), this.deps.rescanEveryMs ?? 15 * 60_000);
    f.rescan.unref();
    this.live.set(folder.id, f);
    if (!fs.existsSync(folder.path)) {
      f.state = 'unavailable';
      return;
    }
    const watcher = watch(folder.path, {
      ignoreInitial: true,
      ignored: (p: string) => p !== folder.path && path.basename(p).startsWith('.'),
      usePolling: this.deps.usePolling ?? false,
      interval: 250,
      binaryInterval: 250,
    });
    f.watcher = watcher;
    watcher.on('add', (p: string) => this.scheduleSettle(folder, p));
    watcher.on('change', (p: string) => this.scheduleSettle(folder, p));
    watcher.on('unlink', (p: string) => {
      if (!isImportable(p)) return;
      void this.enqueue('file removed', () => {
        const rel = toRelative(folder.path, p);
        if (!statFile(p)) this.fileGone(this.store.folder(folder.id) ?? folder, rel);
      }).then(() => this.notify(folder.id));
    });
    watcher.on('unlinkDir', (p: string) => {
      if (p !== folder.path) return;
      f.state = 'unavailable';
      f.watcher = null;
      void watcher.close();
      this.store.setError(folder.id, `The folder ${folder.path} disappeared; nothing was removed from the library.`);
      this.notify(folder.id, true);
    });
    watcher.on('error', (err: unknown) => {
      this.deps.log.warn('watched folder error', { folder: folder.path, error: err });
      try { this.store.setError(folder.id, err instanceof Error ? err.message : String(err)); } catch { /* database closed */ }
      this.notify(folder.id);
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** The periodic check: a folder that came back (a drive plugged in again) is watched again, then rescanned. */
  private async revisit(folder: FolderRow): Promise<void> {
    const f = this.live.get(folder.id);
    if (f && !f.watcher && fs.existsSync(folder.path)) {
      await this.unwatch(folder.id);
      await this.watchFolder(folder);
    }
    await this.scanNow(folder.id);
  }

  private async unwatch(folderId: string): Promise<void> {
    const f = this.live.get(folderId);
    if (!f) return;
    this.live.delete(folderId);
    for (const t of [...f.stability.values(), ...f.graces.values()]) { clearTimeout(t); this.pendingTimers--; }
    if (f.notifyTimer) clearTimeout(f.notifyTimer);
    if (f.rescan) clearInterval(f.rescan);
    await f.watcher?.close();
  }

  async start(): Promise<void> {
    if (!this.deps.active) return;
    this.unsubscribe ??= this.deps.onImportJob((job) => this.onJob(job));
    this.reconcileImports();
    for (const folder of this.store.folders()) {
      if (this.live.has(folder.id)) continue;
      await this.watchFolder(folder);
      void this.enqueue('scan at start', () => this.scanNow(folder.id));
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const id of [...this.live.keys()]) await this.unwatch(id);
    await this.chain;
  }

  async add(input: string, onDelete?: OnDelete): Promise<WatchedFolder> {
    const resolved = resolveWatchFolder(input, this.deps.importRoots());
    const existing = this.store.folderByPath(resolved);
    if (existing) {
      if (onDelete && onDelete !== existing.on_delete) this.store.setOnDelete(existing.id, onDelete);
      return this.status(this.store.folder(existing.id)!);
    }
    const id = randomUUID();
    this.store.addFolder(id, resolved, onDelete ?? 'keep');
    this.deps.log.info('folder watched', { folder: resolved, onDelete: onDelete ?? 'keep' });
    this.unsubscribe ??= this.deps.onImportJob((job) => this.onJob(job));
    if (this.deps.active) await this.watchFolder(this.store.folder(id)!);
    // A CLI run scans once too, so `bsc watch add` brings the folder in at once.
    void this.enqueue('scan of a new folder', () => this.scanNow(id));
    return this.status(this.store.folder(id)!);
  }

  list(): WatchedFolder[] {
    return this.store.folders().map((row) => this.status(row));
  }

  async remove(folderId: string): Promise<boolean> {
    await this.unwatch(folderId);
    await this.chain;
    const removed = this.store.removeFolder(folderId);
    if (removed) this.deps.log.info('folder no longer watched', { folderId });
    return removed;
  }

  async scan(folderId: string): Promise<void> {
    if (!this.deps.active) this.unsubscribe ??= this.deps.onImportJob((job) => this.onJob(job));
    await this.enqueue('scan', () => this.scanNow(folderId));
  }

  async settled(): Promise<void> {
    // Timers (stability, rename grace) feed the chain; wait until both are quiet.
    for (;;) {
      const before = this.chain;
      await before;
      if (this.pendingTimers === 0 && this.chain === before) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function createWatchService(deps: WatchServiceDeps): WatchService {
  return new WatchRuntime(deps);
}
