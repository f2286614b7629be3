import Database from 'better-sqlite3';
import { sqliteVecExtensionPath } from '../resources';
import { classifySqliteError } from './errors';
import { migrate } from './migrate';

export type AppDatabase = Database.Database;

/**
 * Opens (creating if needed) the app database: WAL, foreign keys, sqlite-vec loaded, migrated.
 * A damaged or unwritable file is reported as a classified BscError, never a raw SQLite code.
 */
export function openAppDatabase(file: string): AppDatabase {
  let db: AppDatabase | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // By path, so the packaged app loads it from app.asar.unpacked (SQLite cannot read inside an asar).
    db.loadExtension(sqliteVecExtensionPath());
    // Touch the schema so a non-database file fails here rather than on first use.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw classifySqliteError(err, 'Opening the library database');
  }
}
