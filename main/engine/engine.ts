import fs from 'node:fs';
import type { EngineEvent, Settings, Status } from '../../preload/contract';
import { type AppDatabase, openAppDatabase } from './db/open';
import { schemaVersion } from './db/migrate';
import type { EmitEvent, MethodHandlers } from './dispatch';
import { BscError } from './errors';
import { createRotatingLog, type Logger } from './observability/log';
import { type DataPaths, dataPaths } from './settings/data-dir';
import { loadSettingsFile, mergeSettings, saveSettingsFile } from './settings/settings-file';
import { APP_VERSION } from './version';

export interface EngineOptions {
  dataDir: string;
  emit?: EmitEvent;
  log?: Logger;
  /** How many times the host has restarted this engine (shown in Status). */
  restarts?: number;
}

const DB_RETRY_MS = 5_000;

/**
 * The engine: owns the data folder, the database and all heavy work. Plain Node: the server,
 * the CLI, tests and the Electron shell's engine process all construct it the same way.
 */
export class Engine {
  readonly paths: DataPaths;
  readonly log: Logger;
  private settings: Settings;
  private db: AppDatabase | null = null;
  private dbError: BscError | null = null;
  private dbTriedAt = 0;
  private readonly startedAt = Date.now();
  private readonly emit: EmitEvent;

  constructor(private readonly opts: EngineOptions) {
    this.paths = dataPaths(opts.dataDir);
    this.emit = opts.emit ?? (() => {});
    let dirProblem: string | null = null;
    try {
      fs.mkdirSync(this.paths.root, { recursive: true });
    } catch (err) {
      dirProblem = (err as Error).message;
    }
    const loaded = loadSettingsFile(this.paths.settings);
    this.settings = loaded.settings;
    this.log = opts.log ?? createRotatingLog({
      dir: this.paths.logs,
      maxFileBytes: this.settings.logs.maxFileMb * 1024 * 1024,
      retentionDays: this.settings.logs.retentionDays,
    });
    if (dirProblem) this.log.error('data folder unavailable', { dir: this.paths.root, error: dirProblem });
    if (loaded.problem) this.log.warn('settings reset to defaults', { problem: loaded.problem });
    this.tryOpenDatabase();
  }

  private tryOpenDatabase(): void {
    this.dbTriedAt = Date.now();
    try {
      this.db = openAppDatabase(this.paths.database);
      this.dbError = null;
    } catch (err) {
      this.db = null;
      this.dbError = err instanceof BscError ? err : new BscError('DB_UNAVAILABLE', String(err));
      this.log.error('database unavailable', { code: this.dbError.code, error: this.dbError.message });
    }
  }

  /** The database, reopened lazily after a failure (the user may have fixed the folder). */
  database(): AppDatabase {
    if (!this.db && Date.now() - this.dbTriedAt > DB_RETRY_MS) this.tryOpenDatabase();
    if (!this.db) throw this.dbError ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
    return this.db;
  }

  currentSettings(): Settings {
    return this.settings;
  }

  status(): Status {
    let database: Status['database'];
    let library = { documents: 0, chunks: 0, conversations: 0 };
    try {
      const db = this.database();
      const quick = db.pragma('quick_check', { simple: true }) as string;
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      library = { documents: count("documents WHERE status = 'indexed'"), chunks: count('chunks'), conversations: count('conversations') };
      database = {
        ok: quick === 'ok',
        detail: quick === 'ok' ? 'open' : `quick_check: ${quick}`,
        path: this.paths.database,
        schemaVersion: schemaVersion(db),
        sizeBytes: fileSize(this.paths.database),
      };
    } catch (err) {
      database = { ok: false, detail: err instanceof Error ? err.message : String(err), path: this.paths.database, schemaVersion: 0, sizeBytes: fileSize(this.paths.database) };
    }
    const vectorStore = { ok: database.ok, detail: database.ok ? 'SQLite FTS5 in the library database' : 'unavailable: database not open', mode: this.settings.vectorStore.mode };
    const engine = { ok: true, pid: process.pid, uptimeMs: Date.now() - this.startedAt, restarts: this.opts.restarts ?? 0, detail: 'running' };
    return {
      healthy: engine.ok && database.ok && vectorStore.ok,
      engine,
      database,
      vectorStore,
      providers: { embeddings: 'none (BM25 only)', chat: 'offline (extractive answers)', rerank: 'none' },
      library,
      versions: { app: APP_VERSION, node: process.versions.node, sqlite: sqliteVersion(this.db), electron: process.versions.electron ?? null },
      dataDir: this.paths.root,
    };
  }

  updateSettings(patch: Parameters<typeof mergeSettings>[1]): Settings {
    const next = mergeSettings(this.settings, patch);
    saveSettingsFile(this.paths.settings, next);
    this.settings = next;
    this.log.info('settings changed', { sections: Object.keys(patch) });
    this.send({ name: 'onSettingsChanged', payload: next });
    return next;
  }

  send(event: EngineEvent): void {
    this.emit(event);
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function sqliteVersion(db: AppDatabase | null): string {
  if (!db) return 'unknown';
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}

/** The contract's methods, implemented over one engine. */
export function engineHandlers(engine: Engine): MethodHandlers {
  return {
    status: () => engine.status(),
    'settings.get': () => engine.currentSettings(),
    'settings.set': (patch) => engine.updateSettings(patch),
  };
}
