import type Database from 'better-sqlite3';
import { migration0001 } from './migrations/0001-initial';
import { migration0002 } from './migrations/0002-import-jobs-and-perspectives';
import { migration0003 } from './migrations/0003-operations';
import { migration0004 } from './migrations/0004-answer-cache-corpus-version';
import { migration0005 } from './migrations/0005-chunk-filters';
import { migration0007 } from './migrations/0007-watched-folders';
import { migration0006 } from './migrations/0006-ocr-pages-and-chunk-roles';
import { migration0008 } from './migrations/0008-quantised-vectors';
import { migration0009 } from './migrations/0009-engagements';

export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}

/** Every migration, in order. A new schema change is a new numbered file appended here. */
// Sorted by version: helpers append in any order, the database must see them in sequence.
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0007, migration0006, migration0008, migration0009]
  .sort((a, b) => a.version - b.version);
export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to `target` (default: latest), one transaction per migration, so a crash
 * leaves it at a whole version. Refuses a database made by a newer app.
 */
export function migrate(db: Database.Database, target = LATEST_SCHEMA_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(`database schema ${current} is newer than this app supports (${LATEST_SCHEMA_VERSION}); update Agente BSC`);
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
