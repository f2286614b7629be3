import type { Migration } from '../migrate';

// The library, conversations and answer cache. Vector indexes are derived data and are created by
// the vector store, not here, so they can be dropped and rebuilt without a migration.
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE documents (
      id           TEXT PRIMARY KEY,
      sha256       TEXT NOT NULL,
      filename     TEXT NOT NULL,
      mime         TEXT NOT NULL,
      bytes        INTEGER NOT NULL,
      page_count   INTEGER NOT NULL DEFAULT 0,
      title        TEXT,
      lang         TEXT,
      status       TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
      error        TEXT,
      created_at   TEXT NOT NULL,
      indexed_at   TEXT
    );
    CREATE UNIQUE INDEX documents_sha256 ON documents(sha256);

    CREATE TABLE pages (
      document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      page_no      INTEGER NOT NULL,
      label        TEXT NOT NULL,
      text         TEXT NOT NULL,
      PRIMARY KEY (document_id, page_no)
    ) WITHOUT ROWID;

    CREATE TABLE chunks (
      id           INTEGER PRIMARY KEY,
      document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      ord          INTEGER NOT NULL,
      page_start   INTEGER NOT NULL,
      page_end     INTEGER NOT NULL,
      heading_path TEXT NOT NULL DEFAULT '',
      text         TEXT NOT NULL,
      context      TEXT,
      lang         TEXT,
      UNIQUE (document_id, ord)
    );

    -- Pre-analysed (folded, stemmed) text; rowid = chunks.id.
    CREATE VIRTUAL TABLE chunks_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE import_jobs (
      id           TEXT PRIMARY KEY,
      path         TEXT NOT NULL,
      filename     TEXT NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      stage        TEXT,
      error_code   TEXT,
      error        TEXT,
      document_id  TEXT,
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL
    );

    CREATE TABLE conversations (
      id           TEXT PRIMARY KEY,
      title        TEXT NOT NULL,
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL
    );

    CREATE TABLE messages (
      id              TEXT PRIMARY KEY,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      text            TEXT NOT NULL,
      answer_json     TEXT,
      status          TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'failed')),
      created_at      TEXT NOT NULL
    );
    CREATE INDEX messages_conversation ON messages(conversation_id, created_at);

    CREATE TABLE answer_cache (
      key          TEXT PRIMARY KEY,
      answer_json  TEXT NOT NULL,
      created_at   TEXT NOT NULL
    );

    -- Bumped by every change to the library; part of the answer cache key.
    CREATE TABLE library_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO library_meta (key, value) VALUES ('corpus_version', '0');
  `,
};
