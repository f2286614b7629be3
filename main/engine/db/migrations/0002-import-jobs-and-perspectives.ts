import type { Migration } from '../migrate';

// Import jobs learn to wait for a password, count attempts (a file that crashes the importer
// twice is failed instead of crashing it forever) and keep their progress for the UI after a
// restart. Chunks get the perspectives the lexical router sees in them, for filtered retrieval.
export const migration0002: Migration = {
  version: 2,
  name: 'import-jobs-and-perspectives',
  up: `
    CREATE TABLE import_jobs_new (
      id           TEXT PRIMARY KEY,
      path         TEXT NOT NULL,
      filename     TEXT NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'needs-password', 'done', 'failed', 'cancelled')),
      stage        TEXT NOT NULL DEFAULT 'queued',
      page         INTEGER NOT NULL DEFAULT 0,
      pages        INTEGER NOT NULL DEFAULT 0,
      chunks       INTEGER NOT NULL DEFAULT 0,
      attempts     INTEGER NOT NULL DEFAULT 0,
      error_code   TEXT,
      error        TEXT,
      note         TEXT,
      document_id  TEXT,
      reindex      INTEGER NOT NULL DEFAULT 0,
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL
    );
    INSERT INTO import_jobs_new (id, path, filename, state, stage, error_code, error, document_id, created_at, updated_at)
      SELECT id, path, filename, state, COALESCE(stage, 'queued'), error_code, error, document_id, created_at, updated_at FROM import_jobs;
    DROP TABLE import_jobs;
    ALTER TABLE import_jobs_new RENAME TO import_jobs;
    CREATE INDEX import_jobs_state ON import_jobs(state, created_at);

    ALTER TABLE chunks ADD COLUMN perspectives TEXT NOT NULL DEFAULT '';
    CREATE INDEX documents_filename ON documents(filename);
  `,
};
