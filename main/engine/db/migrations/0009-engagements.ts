import type { Migration } from '../migrate';

// Strategy-map engagements. The map and scorecard are one validated JSON document per engagement:
// the editor saves the whole engagement at once (undo/redo live in the editor), exports and imports
// use the same shape, and a backup of the database carries it with nothing else to copy.
export const migration0009: Migration = {
  version: 9,
  name: 'engagements',
  up: `
    CREATE TABLE engagements (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      doc_json TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX engagements_updated ON engagements(updated_at);
  `,
};
