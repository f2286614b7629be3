import type { Migration } from '../migrate';

// The answer cache remembers which library version each answer was written against, so a library
// change can prune every stale entry at once instead of leaving unreachable rows behind.
// Conversations are listed newest first, so updated_at gets an index.
export const migration0004: Migration = {
  version: 4,
  name: 'answer-cache-corpus-version',
  up: `
    ALTER TABLE answer_cache ADD COLUMN corpus_version INTEGER NOT NULL DEFAULT -1;
    CREATE INDEX answer_cache_corpus ON answer_cache(corpus_version);
    CREATE INDEX conversations_updated ON conversations(updated_at);
  `,
};
