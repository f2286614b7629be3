import type { Migration } from '../migrate';

// Long operations (backup, verify, restore, store moves) are recorded so that after a crash the
// app can say what was interrupted instead of forgetting it.
export const migration0003: Migration = {
  version: 3,
  name: 'operations',
  up: `
    CREATE TABLE operations (
      id           TEXT PRIMARY KEY,
      kind         TEXT NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
      stage        TEXT NOT NULL DEFAULT '',
      done         REAL NOT NULL DEFAULT 0,
      total        REAL NOT NULL DEFAULT 0,
      error_code   TEXT,
      error        TEXT,
      result_json  TEXT,
      started_at   TEXT NOT NULL,
      finished_at  TEXT
    );
    CREATE INDEX operations_started ON operations(started_at);
  `,
};
