import type { Migration } from '../migrate';

// Watched folders: the folders kept in sync with the library, and what the library holds of
// each file in them (size and mtime to skip unchanged files without reading them, the content
// hash to recognise a renamed file, the document it became). A document removed from the
// library by hand leaves its row with no document, so the file is not imported back until it
// changes. `owned`: the watch imported the document (only those are removed with the file).
export const migration0007: Migration = {
  version: 7,
  name: 'watched-folders',
  up: `
    CREATE TABLE watched_folders (
      id            TEXT PRIMARY KEY,
      path          TEXT NOT NULL UNIQUE,
      on_delete     TEXT NOT NULL DEFAULT 'keep' CHECK (on_delete IN ('keep', 'remove')),
      created_at    TEXT NOT NULL,
      last_scan_at  TEXT,
      last_error    TEXT
    );
    CREATE TABLE watched_files (
      folder_id      TEXT NOT NULL REFERENCES watched_folders(id) ON DELETE CASCADE,
      rel_path       TEXT NOT NULL,
      size           INTEGER NOT NULL,
      mtime_ms       REAL NOT NULL,
      sha256         TEXT,
      document_id    TEXT REFERENCES documents(id) ON DELETE SET NULL,
      owned          INTEGER NOT NULL DEFAULT 0,
      state          TEXT NOT NULL CHECK (state IN ('importing', 'indexed', 'failed', 'missing')),
      job_id         TEXT,
      error          TEXT,
      missing_since  TEXT,
      updated_at     TEXT NOT NULL,
      PRIMARY KEY (folder_id, rel_path)
    );
    CREATE INDEX watched_files_document ON watched_files(document_id);
    CREATE INDEX watched_files_sha ON watched_files(sha256);
    CREATE INDEX watched_files_job ON watched_files(job_id);
  `,
};
