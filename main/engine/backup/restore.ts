import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { type EngineEvent, Settings, defaultSettings } from '../../../preload/contract';
import { openAppDatabase } from '../db/open';
import { LATEST_SCHEMA_VERSION } from '../db/migrate';
import { BscError, throwIfCancelled } from '../errors';
import { mergeSettings } from '../settings/settings-file';
import { createEmbeddedStore } from '../vectorstore/embedded';
import { rebuildVectorIndex } from '../vectorstore/rebuild-index';
import { countDenseVectors } from '../vectorstore/dense-index';
import {
  type BackupDeps, type BackupOptions, type BackupSource, type ProgressContext, DOCUMENTS_PREFIX, EMBEDDING_CACHE_ENTRY, SETTINGS_ENTRY,
  backupDepsOf, writeLibraryBackup,
} from './backup';
import { backupStatePath, recordVerification } from './backup-state';
import { extractBackup } from './extract';
import { DATABASE_ENTRY, type BackupManifest } from './manifest';
import { verifyBackup } from './verify';
import { syncDirectory, writeFileAtomicSync } from '../atomic-write';

/** Written before the first file moves, removed once the restored library is open: its presence means "undo". */
export const RESTORE_MARKER = 'restore-in-progress.json';
const STAGING_PREFIX = '.restore-staging-';
const PREVIOUS_PREFIX = '.restore-previous-';
/** The previous data kept on purpose (no safety backup could be taken): never cleaned up automatically. */
const KEPT_PREFIX = 'restore-previous-';

const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'];

interface RestoreMarker {
  id: string;
  startedAt: string;
  staging: string;
  previous: string;
  /** Names in the data folder that the swap replaces. */
  items: string[];
  /** Of those, the ones that existed before the swap: the only ones a rollback puts back. */
  original: string[];
}

export interface RestoreResult {
  file: string;
  createdAt: string;
  counts: BackupManifest['counts'];
  schemaVersion: { backup: number; now: number };
  safetyBackup: string | null;
  /** Where the previous data was kept when no safety backup could be taken. */
  previousKeptAt: string | null;
  documentsRestored: boolean;
  embeddingCacheRestored: boolean;
  vectorIndex: 'kept' | 'rebuilt' | 'not-needed' | 'needs-rebuild';
  notes: string[];
  durationMs: number;
}

/** Hooks a crash test uses to stop the process at an exact point; never set in production. */
export interface RestoreFailpoints {
  /** Called after each rename of the swap (1, 2, …). */
  afterSwapRename?(step: number): void;
}

/** What a restore uses besides what a backup does: explicit dependencies, wired by the composition root. */
export interface RestoreDeps extends BackupDeps {
  /** Takes the safety backup of the current library. */
  backups: { create(opts: BackupOptions, ctx?: ProgressContext): Promise<{ path: string }> };
  /** Stops every writer and closes the databases; the returned function reopens and must throw if the library is unusable. */
  quiesce: () => Promise<() => void>;
  /** Puts the restored settings in force. */
  applySettings: (settings: Settings) => void;
  events: { restored(): void };
  failpoints?: RestoreFailpoints;
}

/** The engine facade the old entry point took (tests and the CLI still pass one). */
export interface RestoreEngine extends BackupSource {
  quiesce(): Promise<() => void>;
  lib(): { repo: { corpusVersion(): number } };
  send(event: EngineEvent): void;
  updateSettings(patch: Settings): unknown;
}

export function restoreDepsOf(engine: RestoreEngine, failpoints?: RestoreFailpoints): RestoreDeps {
  const deps = backupDepsOf(engine);
  return {
    ...deps,
    backups: { create: (opts, ctx) => writeLibraryBackup(deps, opts, ctx) },
    quiesce: async () => {
      const reopen = await engine.quiesce();
      return () => {
        reopen();
        engine.lib();
      };
    },
    applySettings: (settings) => engine.updateSettings(settings),
    events: { restored: () => engine.send({ name: 'onLibraryChanged', payload: { corpusVersion: engine.lib().repo.corpusVersion(), reason: 'restored' } }) },
    ...(failpoints ? { failpoints } : {}),
  };
}

/**
 * Replaces the library with a backup's, or leaves it exactly as it was.
 *
 * verify → safety backup of the current data → extract into a staging folder inside the data
 * folder (same disk, so the swap is renames) → migrate the staged database → stop the writers →
 * marker, renames, reopen (synchronously: no request can reach a half-swapped folder) → on any
 * failure the renames are undone → rebuild the vector index when the model or store differs.
 * A crash between the marker and its removal is undone by recoverInterruptedRestore at start.
 */
export async function restoreBackup(engine: RestoreEngine, file: string, ctx: ProgressContext = {}): Promise<RestoreResult> {
  return restoreFromArchive(restoreDepsOf(engine), file, ctx);
}

/** See restoreBackup; the service's implementation (backup/service.ts). */
export async function restoreFromArchive(engine: RestoreDeps, file: string, ctx: ProgressContext = {}): Promise<RestoreResult> {
  const started = Date.now();
  const { signal } = ctx;
  const root = engine.paths.root;
  const notes: string[] = [];
  const stateFile = backupStatePath(root);
  if (!fs.existsSync(file)) throw new BscError('NOT_FOUND', `${file} does not exist.`);
  const size = fs.statSync(file).size;
  // Progress in bytes of the archive read: verify, extract, then a safety backup of similar size.
  const total = 3 * size;
  const progress = (stage: string, done: number) => ctx.progress?.(stage, Math.min(done, total), total);

  progress('verifying', 0);
  const report = await verifyBackup(file, {
    maxSchemaVersion: LATEST_SCHEMA_VERSION, signal, tempDir: root,
    onProgress: (p) => progress('verifying', p.bytesDone),
  });
  recordVerification(stateFile, file, report.ok);
  if (!report.ok || !report.manifest) {
    throw new BscError('BACKUP_INVALID', `This backup cannot be restored: ${report.problems[0] ?? 'it failed verification'}. Nothing was changed.`, {
      problems: report.problems, checks: report.checks,
    });
  }
  throwIfCancelled(signal);

  // The safety net: if the current database cannot even be read, keep its files instead.
  progress('safety backup', size);
  let safetyBackup: string | null = null;
  try {
    const made = await engine.backups.create({ kind: 'safety', includeDocuments: true, includeEmbeddingCache: true }, {
      signal, progress: (_s, done, t) => progress('safety backup', size + (t > 0 ? (done / t) * size : 0)),
    });
    safetyBackup = made.path;
  } catch (err) {
    if (err instanceof BscError && err.code === 'CANCELLED') throw err;
    notes.push(`No safety backup could be taken (${(err as Error).message}); the previous files are kept in the data folder instead.`);
    engine.log.warn('restore: safety backup failed; keeping the previous files', { error: (err as Error).message });
  }
  throwIfCancelled(signal);

  const id = randomUUID().slice(0, 8);
  const staging = path.join(root, `${STAGING_PREFIX}${id}`);
  const previous = path.join(root, `${PREVIOUS_PREFIX}${id}`);
  try {
    progress('extracting', 2 * size);
    const archiveDir = path.join(staging, 'archive');
    const manifest = await extractBackup(file, archiveDir, {
      maxSchemaVersion: LATEST_SCHEMA_VERSION, signal,
      onProgress: (p) => progress('extracting', 2 * size + p.bytesDone),
    });
    progress('preparing', total);
    const swapDir = path.join(staging, 'swap');
    const prepared = prepareStagedData(engine, manifest, archiveDir, swapDir);
    notes.push(...prepared.notes);
    throwIfCancelled(signal);

    // From here on the user cannot cancel: the swap is short and must finish or be undone.
    progress('swapping', total);
    const marker: RestoreMarker = { id, startedAt: new Date().toISOString(), staging, previous, items: prepared.items, original: prepared.items.filter((n) => fs.existsSync(path.join(root, n))) };
    await swapOrRollBack(engine, marker, swapDir, safetyBackup);
    // Committed: the marker goes first, then the leftovers.
    fs.rmSync(path.join(root, RESTORE_MARKER), { force: true });
    let previousKeptAt: string | null = null;
    if (safetyBackup) fs.rmSync(previous, { recursive: true, force: true });
    else {
      previousKeptAt = path.join(root, `${KEPT_PREFIX}${id}`);
      fs.renameSync(previous, previousKeptAt);
    }
    fs.rmSync(staging, { recursive: true, force: true });

    const restoredSettings = readSettings(path.join(root, 'settings.json'));
    if (restoredSettings) engine.applySettings(restoredSettings);
    engine.events.restored();
    engine.log.info('restore complete', { file, documents: manifest.counts.documents });

    const vectorIndex = await rebuildVectorIndexIfNeeded(engine, manifest, notes, signal);
    return {
      file,
      createdAt: manifest.createdAt,
      counts: manifest.counts,
      schemaVersion: { backup: manifest.schemaVersion, now: LATEST_SCHEMA_VERSION },
      safetyBackup,
      previousKeptAt,
      documentsRestored: prepared.documents,
      embeddingCacheRestored: prepared.embeddingCache,
      vectorIndex,
      notes,
      durationMs: Date.now() - started,
    };
  } finally {
    // Before the swap this removes the staging data; after a failed swap, whatever was left.
    if (!fs.existsSync(path.join(root, RESTORE_MARKER))) {
      fs.rmSync(staging, { recursive: true, force: true });
      if (fs.existsSync(previous) && fs.readdirSync(previous).length === 0) fs.rmSync(previous, { recursive: true, force: true });
    }
  }
}

/**
 * Stops the writers, renames the staged data in (the marker first, so a crash is undone at the
 * next start) and reopens; on any failure the previous data is put back and RESTORE_FAILED says so.
 */
async function swapOrRollBack(engine: RestoreDeps, marker: RestoreMarker, swapDir: string, safetyBackup: string | null): Promise<void> {
  const root = engine.paths.root;
  const reopen = await engine.quiesce();
  try {
    fs.mkdirSync(marker.previous, { recursive: true });
    writeDurably(path.join(root, RESTORE_MARKER), JSON.stringify(marker, null, 2));
    swapIn(root, marker, swapDir, engine.failpoints);
    reopen();
    // The restored database must be the one now open, and sound.
    const check = engine.database().pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new BscError('DB_CORRUPT', `the restored database fails quick_check: ${check}`);
  } catch (err) {
    const why = (err as Error).message;
    engine.log.error('restore: swap failed, putting the previous data back', { error: why });
    rollBackSwap(root, marker);
    try {
      reopen();
    } catch (reopenErr) {
      engine.log.error('restore: reopening the previous data failed', { error: (reopenErr as Error).message });
    }
    throw new BscError('RESTORE_FAILED', `The restore failed while swapping the data in (${why}). Your previous library is back in place${safetyBackup ? `, and a safety backup is at ${safetyBackup}` : ''}.`, { safetyBackup });
  }
}

/**
 * Lays out the extracted backup under the data folder's own names, migrates the database and
 * merges the settings. Returns the names the swap will replace.
 */
function prepareStagedData(engine: RestoreDeps, manifest: BackupManifest, archiveDir: string, swapDir: string) {
  const notes: string[] = [];
  const { paths } = engine;
  fs.mkdirSync(swapDir, { recursive: true });
  const items: string[] = [];
  const add = (from: string, name: string) => {
    fs.renameSync(from, path.join(swapDir, name));
    items.push(name);
  };

  const dbName = path.basename(paths.database);
  add(path.join(archiveDir, ...DATABASE_ENTRY.split('/')), dbName);
  const staged = path.join(swapDir, dbName);
  let db;
  try {
    db = openAppDatabase(staged); // migrates a backup from an older schema
    // Operations that were running when the backup was taken are not running now.
    db.prepare(`DELETE FROM operations WHERE state = 'running'`).run();
  } catch (err) {
    throw new BscError('RESTORE_FAILED', `The backup's database could not be brought up to date: ${(err as Error).message}. Nothing was changed.`);
  } finally {
    db?.close();
  }
  const probe = new Database(staged, { readonly: true });
  const hasDocuments = (probe.prepare('SELECT count(*) FROM documents').pluck().get() as number) > 0;
  probe.close();
  items.push(...SQLITE_COMPANIONS.map((s) => dbName + s));

  let embeddingCache = false;
  if (manifest.entries.some((e) => e.name === EMBEDDING_CACHE_ENTRY)) {
    const cacheName = path.basename(paths.embeddingCache);
    add(path.join(archiveDir, ...EMBEDDING_CACHE_ENTRY.split('/')), cacheName);
    items.push(...SQLITE_COMPANIONS.map((s) => cacheName + s));
    embeddingCache = true;
  } else {
    // Keys are content hashes: the current cache stays valid for the restored library.
    notes.push('The backup has no embedding cache; the current one is kept.');
  }

  // Documents: swapped when the backup carries them (or the library is empty); a backup made
  // without them keeps the current originals, which still serve any document both libraries share.
  const docsInBackup = manifest.entries.some((e) => e.name.startsWith(DOCUMENTS_PREFIX));
  let documents = false;
  if (docsInBackup || !hasDocuments) {
    const from = path.join(archiveDir, 'documents');
    if (!fs.existsSync(from)) fs.mkdirSync(from);
    add(from, path.basename(paths.documents));
    documents = true;
  } else {
    notes.push('The backup was made without the original documents; the current originals are kept (re-index needs them).');
  }

  // Settings: the backup's, except where backups go and when (those belong to this machine).
  const restored = readSettings(path.join(archiveDir, SETTINGS_ENTRY));
  const current = engine.settings();
  const settings = restored ? { ...restored, backup: current.backup } : current;
  if (!restored) notes.push('The backup\'s settings could not be read; the current settings are kept.');
  fs.writeFileSync(path.join(swapDir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  items.push('settings.json');
  return { items, notes, documents, embeddingCache };
}

function readSettings(file: string): Settings | null {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Parameters<typeof mergeSettings>[1];
    const parsed = Settings.safeParse(mergeSettings(defaultSettings, raw, false));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Moves the current items aside, then the staged ones in. Synchronous on purpose (see restoreBackup). */
function swapIn(root: string, marker: RestoreMarker, swapDir: string, failpoints: RestoreFailpoints | undefined): void {
  let step = 0;
  for (const name of marker.items) {
    const live = path.join(root, name);
    if (fs.existsSync(live)) {
      fs.renameSync(live, path.join(marker.previous, name));
      failpoints?.afterSwapRename?.(++step);
    }
  }
  for (const name of fs.readdirSync(swapDir)) {
    fs.renameSync(path.join(swapDir, name), path.join(root, name));
    failpoints?.afterSwapRename?.(++step);
  }
  syncDirectory(root);
}

/**
 * Puts the previous items back. Idempotent, so a crash during a rollback is finished by the next one:
 * an item still in the previous folder goes back; an item that was not there before the swap goes.
 */
function rollBackSwap(root: string, marker: RestoreMarker): void {
  for (const name of marker.items) {
    const live = path.join(root, name);
    const aside = path.join(marker.previous, name);
    if (fs.existsSync(aside)) {
      fs.rmSync(live, { recursive: true, force: true });
      fs.renameSync(aside, live);
    } else if (!marker.original.includes(name)) {
      fs.rmSync(live, { recursive: true, force: true });
    }
  }
  syncDirectory(root);
  fs.rmSync(path.join(root, RESTORE_MARKER), { force: true });
  fs.rmSync(marker.previous, { recursive: true, force: true });
  fs.rmSync(marker.staging, { recursive: true, force: true });
}

/**
 * Call before the database is opened (engine start): undoes a restore that a crash interrupted
 * mid-swap, and removes what interrupted backups and restores left behind. Synchronous.
 */
export function recoverInterruptedRestore(dataDir: string): { rolledBack: boolean; removed: string[] } {
  const removed: string[] = [];
  let rolledBack = false;
  const markerFile = path.join(dataDir, RESTORE_MARKER);
  if (fs.existsSync(markerFile)) {
    let marker: RestoreMarker | null = null;
    try {
      marker = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as RestoreMarker;
    } catch {
      marker = null;
    }
    // A marker we cannot read was being written when the crash came: nothing had moved yet.
    if (marker && Array.isArray(marker.items) && Array.isArray(marker.original) && isInside(dataDir, marker.previous) && isInside(dataDir, marker.staging)) {
      rollBackSwap(dataDir, marker);
      rolledBack = true;
    } else {
      fs.rmSync(markerFile, { force: true });
    }
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return { rolledBack, removed };
  }
  for (const name of names) {
    const leftover = name.startsWith(STAGING_PREFIX) || name.startsWith(PREVIOUS_PREFIX) || (name.startsWith('.backup-work-') && !processAlive(Number(name.split('-')[3])));
    if (leftover) {
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return { rolledBack, removed };
}

function isInside(root: string, p: unknown): p is string {
  return typeof p === 'string' && path.dirname(path.resolve(p)) === path.resolve(root);
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a restore the embedded index must match the configured embedding model: same dimensions
 * and a vector for every chunk. Otherwise it is rebuilt from the chunks, the embedding cache first.
 */
async function rebuildVectorIndexIfNeeded(engine: RestoreDeps, manifest: BackupManifest, notes: string[], signal?: AbortSignal): Promise<RestoreResult['vectorIndex']> {
  const settings = engine.settings();
  if (settings.vectorStore.mode !== 'embedded') {
    // The collection is derived data: rebuilt from the restored database and embedding cache
    // (a snapshot in the archive is kept for people, but rebuilding is always consistent with the database).
    if (!engine.stores) return 'needs-rebuild';
    try {
      const out = await engine.stores().rebuildInto(settings.vectorStore.mode, { signal: signal ?? new AbortController().signal, progress: () => {} });
      notes.push(`The ${settings.vectorStore.mode} Qdrant index was rebuilt from the restored library (${out.points} chunks, ${out.embeddedNow} newly embedded).`);
      return 'rebuilt';
    } catch (err) {
      notes.push(`The ${settings.vectorStore.mode} Qdrant index could not be rebuilt now (${(err as Error).message}); rebuild it from Settings → Vector store.`);
      return 'needs-rebuild';
    }
  }
  let embedder;
  try {
    embedder = engine.embedder();
  } catch (err) {
    notes.push(`The embedding provider could not be set up (${(err as Error).message}); search uses BM25 until the index is rebuilt.`);
    return 'needs-rebuild';
  }
  if (!embedder) return 'not-needed';
  const db = engine.database();
  try {
    const dims = await embedder.provider.resolveDimensions({ signal });
    const recorded = db.prepare(`SELECT value FROM library_meta WHERE key = 'vector_dims'`).pluck().get() as string | undefined;
    const chunks = db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
    const vectors = countDenseVectors(db);
    if (Number(recorded) === dims && vectors >= chunks && manifest.vectorStore.mode === 'embedded') return 'kept';
    const out = await rebuildVectorIndex({ db, store: createEmbeddedStore(db, { dimensions: dims }), embedder, ...(signal ? { signal } : {}) });
    notes.push(`The vector index was rebuilt for ${embedder.provider.fingerprint} (${out.points} chunks).`);
    return 'rebuilt';
  } catch (err) {
    notes.push(`The vector index could not be rebuilt now (${(err as Error).message}); search uses BM25 until it is.`);
    engine.log.warn('restore: vector index rebuild failed', { error: (err as Error).message });
    return 'needs-rebuild';
  }
}

function writeDurably(file: string, text: string): void {
  writeFileAtomicSync(file, text, { mode: 0o600 });
}

