import { BscError } from '../errors';
import type { Logger } from '../observability/log';
import { type AppDatabase, openAppDatabase } from './open';

/**
 * The library database's lifecycle: opened once, reopened lazily after a failure (the user may
 * have fixed the folder), closed for a restore's file swap. Services that hold statements
 * prepared on it register `onOpen` (to prepare them again) and `beforeClose` (to let go).
 */
export interface DatabaseService {
  readonly file: string;
  /** The open database; throws a classified BscError (DB_BUSY during a restore). */
  get(): AppDatabase;
  /** The database if it is open now, without trying to (re)open it. */
  ifOpen(): AppDatabase | null;
  lastError(): BscError | null;
  open(): void;
  onOpen(listener: (db: AppDatabase) => void): void;
  beforeClose(hook: () => Promise<void> | void): void;
  /** Stops every writer and closes the database so its files can be replaced; returns the reopen. */
  quiesce(): Promise<() => void>;
  close(): void;
}

const RETRY_MS = 5_000;

export function createDatabaseService(deps: { file: string; log: Logger; openDatabase?: (file: string) => AppDatabase }): DatabaseService {
  const openDatabase = deps.openDatabase ?? openAppDatabase;
  let db: AppDatabase | null = null;
  let error: BscError | null = null;
  let triedAt = 0;
  let quiesced = false;
  const openListeners: Array<(db: AppDatabase) => void> = [];
  const closeHooks: Array<() => Promise<void> | void> = [];

  function open(): void {
    triedAt = Date.now();
    try {
      const opened = openDatabase(deps.file);
      db = opened;
      error = null;
      for (const l of openListeners) l(opened);
    } catch (err) {
      db?.close();
      db = null;
      error = err instanceof BscError ? err : new BscError('DB_UNAVAILABLE', String(err));
      deps.log.error('database unavailable', { code: error.code, error: error.message });
    }
  }

  return {
    file: deps.file,
    get() {
      if (quiesced) throw new BscError('DB_BUSY', 'The library is being restored; try again in a moment.');
      if (!db && Date.now() - triedAt > RETRY_MS) open();
      if (!db) throw error ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
      return db;
    },
    ifOpen: () => (quiesced ? null : db),
    lastError: () => error,
    open,
    onOpen: (l) => { openListeners.push(l); },
    beforeClose: (h) => { closeHooks.push(h); },
    async quiesce() {
      for (const hook of closeHooks) await hook();
      db?.close();
      db = null;
      quiesced = true;
      return () => {
        quiesced = false;
        open();
        if (error) throw error;
      };
    },
    close() {
      db?.close();
      db = null;
    },
  };
}
