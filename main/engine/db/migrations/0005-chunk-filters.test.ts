import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';

const filterTable = (db: Database.Database) =>
  db.prepare("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'chunk_filters' ORDER BY name").all() as Array<{ name: string; sql: string }>;

it('0005 creates chunk_filters in a version-4 database that never indexed anything', () => {
  const db = new Database(':memory:');
  migrate(db, 4);
  expect(filterTable(db)).toEqual([]);
  migrate(db, 5);
  expect(schemaVersion(db)).toBe(5);
  expect(filterTable(db).map((t) => t.name)).toEqual(['chunk_filters', 'chunk_filters_document']);
  db.prepare('INSERT INTO chunk_filters (chunk_id, document_id, lang, perspectives) VALUES (1, ?, ?, 3)').run('d1', 'pt');
  expect(() => db.prepare('INSERT INTO chunk_filters (chunk_id, lang) VALUES (2, ?)').run('pt')).toThrow(/NOT NULL/);
  db.close();
});

it('0005 keeps the table and rows a version-4 library made on first use', () => {
  const db = new Database(':memory:');
  migrate(db, 4);
  // What the embedded store of version 4 created on its first write.
  db.exec(`CREATE TABLE chunk_filters (chunk_id INTEGER PRIMARY KEY, document_id TEXT NOT NULL, lang TEXT, perspectives INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX chunk_filters_document ON chunk_filters(document_id);
    INSERT INTO chunk_filters VALUES (7, 'd7', 'en', 5);`);
  migrate(db, 5);
  expect(db.prepare('SELECT * FROM chunk_filters').all()).toEqual([{ chunk_id: 7, document_id: 'd7', lang: 'en', perspectives: 5 }]);
  expect(filterTable(db)).toHaveLength(2);
  db.close();
});
