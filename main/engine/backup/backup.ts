import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Settings } from '../../../preload/contract';
import type { AppDatabase } from '../db/open';
import type { EmbeddingCache } from '../embeddings/cache';
import type { EmbeddingProvider } from '../embeddings/provider';
import type { Logger } from '../observability/log';
import type { DataPaths } from '../settings/data-dir';
import type { StoreRuntime } from '../vectorstore/store-runtime';
import { BscError, throwIfCancelled } from '../errors';
import { originalPath } from '../ingest/index-document';
import { APP_VERSION } from '../version';
import { type BackupFile, writeBackupArchive } from './archive';
import { backupStatePath, recordVerification } from './backup-state';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, DATABASE_ENTRY, entryNameProblem, type BackupManifest } from './manifest';
import { type BackupKind, newBackupPath } from './retention';

export const EMBEDDING_CACHE_ENTRY = 'db/embedding-cache.sqlite';
export const SETTINGS_ENTRY = 'settings.json';
export const DOCUMENTS_PREFIX = 'documents/';

type Embedder = { provider: EmbeddingProvider; cache: EmbeddingCache };

/** What a backup reads: explicit dependencies, so the composition root (or a test) wires them. */
export interface BackupDeps {
  paths: DataPaths;
  /** The library's writer connection. */
  database: () => AppDatabase;
  settings: () => Settings;
  embedder: () => Embedder | null;
  /** Absent: the embedded store only (no Qdrant snapshot or rebuild). */
  stores?: () => Pick<StoreRuntime, 'snapshotTo' | 'rebuildInto'>;
  log: Logger;
  clock?: () => Date;
}

/** The shape of the engine facade the old entry points took (tests and the CLI still pass one). */
export interface BackupSource {
  paths: DataPaths;
  log: Logger;
  database(): AppDatabase;
  currentSettings(): Settings;
  embedder(): Embedder | null;
  stores?(): Pick<StoreRuntime, 'snapshotTo' | 'rebuildInto'>;
}

export function backupDepsOf(source: BackupSource): BackupDeps {
  const stores = source.stores;
  return {
    paths: source.paths, log: source.log,
    database: () => source.database(),
    settings: () => source.currentSettings(),
    embedder: () => source.embedder(),
    ...(stores ? { stores: () => stores.call(source) } : {}),
  };
}

export interface BackupOptions {
  outPath?: string;
  includeDocuments?: boolean;
  includeEmbeddingCache?: boolean;
  kind?: BackupKind;
  now?: Date;
}

export interface ProgressContext {
  signal?: AbortSignal;
  progress?(stage: string, done: number, total: number): void;
}

export interface BackupResult {
  path: string;
  filename: string;
  bytes: number;
  createdAt: string;
  kind: BackupKind;
  counts: BackupManifest['counts'];
  documents: number;
  /** Documents the library lists whose stored original was missing (they can still be searched, not re-indexed). */
  missingOriginals: number;
  includeDocuments: boolean;
  includeEmbeddingCache: boolean;
  durationMs: number;
}

/** The configured backup folder, or `<data>/backups`. */
export function backupFolder(deps: Pick<BackupDeps, 'paths' | 'settings'>): string {
  return deps.settings().backup.folder ?? deps.paths.backups;
}

/** Pages per step of SQLite's online backup: ~4 MB at 4 KB pages, short enough not to stall queries. */
const PAGES_PER_STEP = 1024;

/**
 * Writes one .bscbackup of the live library: the database through SQLite's online backup API (a
 * consistent snapshot while imports and answers run), the embedding cache likewise, the stored
 * originals, and the settings. The archive appears under its final name only once complete and
 * verified (archive.ts); everything made along the way is removed on failure or cancel.
 */
export async function createBackup(source: BackupSource, opts: BackupOptions = {}, ctx: ProgressContext = {}): Promise<BackupResult> {
  return writeLibraryBackup(backupDepsOf(source), opts, ctx);
}

/** See createBackup; the service's implementation (backup/service.ts). */
export async function writeLibraryBackup(engine: BackupDeps, opts: BackupOptions = {}, ctx: ProgressContext = {}): Promise<BackupResult> {
  const started = Date.now();
  const now = opts.now ?? engine.clock?.() ?? new Date();
  const settings = engine.settings();
  const includeDocuments = opts.includeDocuments ?? settings.backup.includeDocuments;
  const includeEmbeddingCache = opts.includeEmbeddingCache ?? settings.backup.includeEmbeddingCache;
  const kind = opts.kind ?? 'manual';
  const folder = opts.outPath ? path.dirname(path.resolve(opts.outPath)) : settings.backup.folder ?? engine.paths.backups;
  fs.mkdirSync(folder, { recursive: true });
  const outPath = opts.outPath ? path.resolve(opts.outPath) : newBackupPath(folder, now, kind);
  if (fs.existsSync(outPath)) throw new BscError('BAD_INPUT', `${outPath} already exists; choose another name.`);

  const db = engine.database();
  const work = fs.mkdtempSync(path.join(engine.paths.root, `.backup-work-${process.pid}-`));
  try {
    const cacheBytes = includeEmbeddingCache ? fileSize(engine.paths.embeddingCache) : 0;
    const dbBytes = fileSize(engine.paths.database);
    // One unit (bytes) across the stages, so the runner's ETA means something: copy, then one archive pass.
    let estimate = 2 * (dbBytes + cacheBytes);
    const report = (stage: string, done: number) => ctx.progress?.(stage, Math.min(done, estimate), estimate);

    const dbCopy = path.join(work, 'app.sqlite');
    await copyDatabaseOnline(db, dbCopy, ctx.signal, (fraction) => report('copying database', fraction * dbBytes));
    let cacheCopy: string | null = null;
    if (includeEmbeddingCache && fs.existsSync(engine.paths.embeddingCache)) {
      cacheCopy = path.join(work, 'embedding-cache.sqlite');
      const cache = new Database(engine.paths.embeddingCache, { fileMustExist: true });
      try {
        await copyDatabaseOnline(cache, cacheCopy, ctx.signal, (fraction) => report('copying embedding cache', dbBytes + fraction * cacheBytes));
      } finally {
        cache.close();
      }
    }
    throwIfCancelled(ctx.signal);

    const snapshot = readSnapshot(dbCopy);
    const files: BackupFile[] = [{ name: DATABASE_ENTRY, path: dbCopy }];
    if (cacheCopy) files.push({ name: EMBEDDING_CACHE_ENTRY, path: cacheCopy });
    const originals = includeDocuments ? linkOriginals(engine.paths.documents, snapshot.documents, path.join(work, 'documents')) : { files: [], missing: 0 };
    files.push(...originals.files);
    const { missing: missingOriginals, files: { length: documents } } = originals;
    // A Qdrant store's collection goes in as Qdrant's own snapshot when it can be taken.
    let qdrantSnapshot = false;
    if (settings.vectorStore.mode !== 'embedded' && engine.stores) {
      report('snapshotting Qdrant', dbBytes + cacheBytes);
      const snapFile = path.join(work, 'qdrant.snapshot');
      const snap = await engine.stores().snapshotTo(snapFile, ctx.signal);
      if (snap) {
        files.push({ name: `qdrant/${settings.vectorStore.collection}.snapshot`, path: snapFile });
        qdrantSnapshot = true;
      }
    }
    throwIfCancelled(ctx.signal);
    const settingsFile = path.join(work, 'settings.json');
    fs.writeFileSync(settingsFile, `${JSON.stringify(settingsWithoutSecrets(settings), null, 2)}\n`);
    files.push({ name: SETTINGS_ENTRY, path: settingsFile });

    const copiedBytes = dbBytes + cacheBytes;
    const archiveBytes = files.reduce((sum, f) => sum + fileSize(f.path), 0);
    estimate = copiedBytes + archiveBytes;
    const manifest: Omit<BackupManifest, 'entries'> = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: APP_VERSION,
      schemaVersion: snapshot.schemaVersion,
      createdAt: now.toISOString(),
      hostName: os.hostname(),
      counts: snapshot.counts,
      embeddingFingerprint: embeddingFingerprintOf(engine, settings, snapshot.vectorDims),
      // Embedded vectors live in the database; a Qdrant collection is a snapshot when one was taken.
      vectorStore: { mode: settings.vectorStore.mode, snapshot: settings.vectorStore.mode === 'embedded' || qdrantSnapshot ? 'included' : 'rebuild-on-restore' },
    };
    const written = await writeBackupArchive({
      outPath,
      manifest,
      files,
      signal: ctx.signal,
      onProgress: (p) => report('writing archive', copiedBytes + p.bytesDone),
    });
    // writeBackupArchive verified it before the rename: remember, so the list shows it as verified.
    recordVerification(backupStatePath(engine.paths.root), written.path, true);
    ctx.progress?.('done', estimate, estimate);
    engine.log.info('backup written', { path: written.path, bytes: written.bytes, kind, documents });
    return {
      path: written.path,
      filename: path.basename(written.path),
      bytes: written.bytes,
      createdAt: manifest.createdAt,
      kind,
      counts: snapshot.counts,
      documents,
      missingOriginals,
      includeDocuments,
      includeEmbeddingCache: cacheCopy !== null,
      durationMs: Date.now() - started,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The stored originals of the snapshot's documents, hard-linked into `dir` (see snapshotFile); missing ones counted. */
function linkOriginals(documentsDir: string, docs: Snapshot['documents'], dir: string): { files: BackupFile[]; missing: number } {
  fs.mkdirSync(dir);
  const files: BackupFile[] = [];
  const seen = new Set<string>();
  let missing = 0;
  for (const d of docs) {
    const original = originalPath(documentsDir, d.sha256, d.filename);
    const base = path.basename(original);
    if (seen.has(base) || entryNameProblem(`${DOCUMENTS_PREFIX}${base}`)) continue;
    if (!fs.existsSync(original)) {
      missing++;
      continue;
    }
    seen.add(base);
    files.push({ name: `${DOCUMENTS_PREFIX}${base}`, path: snapshotFile(original, path.join(dir, base)) });
  }
  return { files, missing };
}

/** SQLite's online backup, stepped so the event loop (imports, queries) keeps running; aborts on cancel. */
async function copyDatabaseOnline(db: Database.Database, target: string, signal: AbortSignal | undefined, onFraction: (f: number) => void): Promise<void> {
  await db.backup(target, {
    progress({ totalPages, remainingPages }) {
      if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
      onFraction(totalPages > 0 ? (totalPages - remainingPages) / totalPages : 1);
      return PAGES_PER_STEP;
    },
  });
  throwIfCancelled(signal);
}

interface Snapshot {
  schemaVersion: number;
  counts: BackupManifest['counts'];
  documents: Array<{ sha256: string; filename: string }>;
  vectorDims: number | null;
}

/** Everything the manifest says about the library, read from the copy so it matches the archive exactly. */
function readSnapshot(dbCopy: string): Snapshot {
  const db = new Database(dbCopy, { fileMustExist: true });
  try {
    // The copy keeps the live file's WAL mode; a single self-contained file is what belongs in an archive.
    db.pragma('journal_mode = DELETE');
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const dims = db.prepare(`SELECT value FROM library_meta WHERE key = 'vector_dims'`).get() as { value: string } | undefined;
    return {
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      counts: {
        documents: count(`SELECT count(*) AS n FROM documents WHERE status = 'indexed'`),
        chunks: count('SELECT count(*) AS n FROM chunks'),
        conversations: count('SELECT count(*) AS n FROM conversations'),
      },
      documents: db.prepare(`SELECT sha256, filename FROM documents WHERE status = 'indexed' ORDER BY created_at`).all() as Snapshot['documents'],
      vectorDims: dims ? Number(dims.value) : null,
    };
  } finally {
    db.close();
  }
}

/**
 * A stable view of an original for the archive: a hard link costs nothing and survives the
 * document being deleted mid-backup. Where links are not possible (another disk), the file itself.
 */
function snapshotFile(original: string, linkPath: string): string {
  try {
    fs.linkSync(original, linkPath);
    return linkPath;
  } catch {
    return original;
  }
}

const SECRET_KEY = /(api[-_]?key|secret|token|password|passphrase)/i;

/**
 * The settings as they go into a backup. They hold no secrets by design (keys live in the secret
 * store); this checks that stays true, and drops credentials a URL may carry (https://user:pass@host).
 */
export function settingsWithoutSecrets(settings: Settings): Settings {
  const clean = JSON.parse(JSON.stringify(settings)) as Record<string, Record<string, unknown>>;
  const visit = (node: Record<string, unknown>, where: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (SECRET_KEY.test(key)) throw new BscError('INTERNAL', `Settings field ${where}${key} looks like a secret; backups never include secrets.`);
      if (typeof value === 'string' && /^[a-z]+:\/\//i.test(value)) node[key] = withoutUserInfo(value);
      else if (value && typeof value === 'object') visit(value as Record<string, unknown>, `${where}${key}.`);
    }
  };
  visit(clean, '');
  return clean as unknown as Settings;
}

function withoutUserInfo(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

function embeddingFingerprintOf(engine: BackupDeps, settings: Settings, vectorDims: number | null): string | null {
  if (settings.embeddings.provider === 'none') return null;
  let provider: { fingerprint: string; dimensions: number } | undefined;
  try {
    provider = engine.embedder()?.provider;
  } catch {
    provider = undefined;
  }
  if (provider && provider.dimensions > 0) return provider.fingerprint;
  return `${settings.embeddings.provider}|${settings.embeddings.model}|${settings.embeddings.dimensions ?? vectorDims ?? 0}`;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
