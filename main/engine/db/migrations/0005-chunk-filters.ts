import type { Migration } from '../migrate';

// The embedded store's filter table (document, language, perspectives as a bitmask, one row per
// point) used to be created on first use; it is schema like any other, so a migration makes it.
// IF NOT EXISTS: libraries of version 4 that ever indexed a document already have it, rows included.
export const migration0005: Migration = {
  version: 5,
  name: 'chunk-filters',
  up: `CREATE TABLE IF NOT EXISTS chunk_filters (
      chunk_id     INTEGER PRIMARY KEY,
      document_id  TEXT NOT NULL,
      lang         TEXT,
      perspectives INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS chunk_filters_document ON chunk_filters(document_id);`,
};
