import fs from 'node:fs';
import type { IntegrityCheck, Settings, Status } from '../../../preload/contract';
import type { z } from 'zod';
import type { DatabaseService } from '../db/database-service';
import { schemaVersion } from '../db/migrate';
import type { AppDatabase } from '../db/open';
import type { StoreRuntime } from '../vectorstore/store-runtime';
import type { Logger } from './log';
import { APP_VERSION } from '../version';

export type IntegrityResult = z.infer<typeof IntegrityCheck>;

/** Status and health as they are: the configured providers, the real store, the last integrity check. */
export interface StatusService {
  status(): Promise<Status>;
  /** Runs SQLite's quick_check now (on demand, and on the schedule); the last result shows in Status. */
  checkIntegrity(): IntegrityResult;
  lastIntegrity(): IntegrityResult | null;
  close(): void;
}

export interface StatusServiceDeps {
  database: DatabaseService;
  settings: () => Settings;
  stores: Pick<StoreRuntime, 'status'>;
  providers: () => Status['providers'];
  log: Logger;
  dataDir: string;
  startedAt: number;
  restarts: number;
  /** How often the integrity check runs while the engine is up (0: never on its own). */
  integrityEveryMs?: number;
  /** Delay of the first scheduled check after start (leave the start-up to the user's first calls). */
  firstIntegrityAfterMs?: number;
}

const DEFAULT_INTEGRITY_EVERY_MS = 6 * 3_600_000;
const DEFAULT_FIRST_AFTER_MS = 60_000;

export function createStatusService(deps: StatusServiceDeps): StatusService {
  let integrity: IntegrityResult | null = null;
  const timers: NodeJS.Timeout[] = [];

  function checkIntegrity(): IntegrityResult {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      const quick = deps.database.get().pragma('quick_check', { simple: true }) as string;
      integrity = { ok: quick === 'ok', detail: quick === 'ok' ? 'quick_check: ok' : `quick_check: ${quick}`, checkedAt, ms: Math.round(performance.now() - started) };
    } catch (err) {
      integrity = { ok: false, detail: `quick_check could not run: ${err instanceof Error ? err.message : String(err)}`, checkedAt, ms: Math.round(performance.now() - started) };
    }
    (integrity.ok ? deps.log.info : deps.log.error)('database integrity checked', { ...integrity });
    return integrity;
  }

  const every = deps.integrityEveryMs ?? DEFAULT_INTEGRITY_EVERY_MS;
  if (every > 0) {
    const first = setTimeout(() => { checkIntegrity(); }, deps.firstIntegrityAfterMs ?? DEFAULT_FIRST_AFTER_MS);
    const repeat = setInterval(() => { checkIntegrity(); }, every);
    first.unref();
    repeat.unref();
    timers.push(first, repeat);
  }

  async function status(): Promise<Status> {
    let database: Status['database'];
    let library = { documents: 0, chunks: 0, conversations: 0 };
    let db: AppDatabase | null = null;
    try {
      db = deps.database.get();
      const count = (table: string) => ((db as AppDatabase).prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      library = { documents: count("documents WHERE status = 'indexed'"), chunks: count('chunks'), conversations: count('conversations') };
      const damaged = integrity !== null && !integrity.ok;
      database = {
        ok: !damaged,
        detail: damaged ? integrity!.detail : integrity ? `open; ${integrity.detail}` : 'open; integrity not checked yet',
        path: deps.database.file,
        schemaVersion: schemaVersion(db),
        sizeBytes: fileSize(deps.database.file),
        integrity,
      };
    } catch (err) {
      database = { ok: false, detail: err instanceof Error ? err.message : String(err), path: deps.database.file, schemaVersion: 0, sizeBytes: fileSize(deps.database.file), integrity };
    }
    const vectorStore = await vectorStoreStatus(deps, database.ok);
    const engine = { ok: true, pid: process.pid, uptimeMs: Date.now() - deps.startedAt, restarts: deps.restarts, detail: 'running' };
    return {
      healthy: engine.ok && database.ok && vectorStore.ok,
      engine,
      database,
      vectorStore,
      providers: deps.providers(),
      library,
      versions: { app: APP_VERSION, node: process.versions.node, sqlite: db ? (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v : 'unknown', electron: process.versions.electron ?? null },
      dataDir: deps.dataDir,
    };
  }

  return {
    status,
    checkIntegrity,
    lastIntegrity: () => integrity,
    close() { for (const t of timers) clearTimeout(t); },
  };
}

/** The store in use, from the store itself: the embedded tables, or the Qdrant the settings name and whether it answers. */
async function vectorStoreStatus(deps: Pick<StatusServiceDeps, 'stores' | 'settings'>, databaseOk: boolean): Promise<Status['vectorStore']> {
  const mode = deps.settings().vectorStore.mode;
  try {
    const st = await deps.stores.status();
    const where = mode === 'embedded' ? 'embedded (sqlite-vec + FTS5 in library.sqlite)' : `${mode} Qdrant${st.version ? ` ${st.version}` : ''}${st.collection ? `, collection ${st.collection}` : ''}`;
    const ok = st.healthy && (mode !== 'embedded' || databaseOk);
    return { ok, mode, state: st.state, version: st.version, points: st.points, detail: `${where}: ${mode === 'embedded' && !databaseOk ? 'unavailable, the database is not open' : st.detail}` };
  } catch (err) {
    return { ok: false, mode, state: 'unavailable', version: null, points: null, detail: err instanceof Error ? err.message : String(err) };
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
