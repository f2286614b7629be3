import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, migrate, migrations, schemaVersion } from './migrate';
import { openAppDatabase } from './open';

const dirs: string[] = [];
function tempFile(name = 'app.sqlite'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-db-'));
  dirs.push(dir);
  return path.join(dir, name);
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('0001 migrates an empty database (the version before it) and the library tables work', () => {
    const db = new Database(tempFile());
    expect(schemaVersion(db)).toBe(0);
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    db.pragma('foreign_keys = ON');
    db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
    db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text) VALUES (1, 'd1', 0, 3, 4, 'Relatório')`).run();
    db.prepare(`INSERT INTO chunks_fts (rowid, terms) VALUES (1, 'relatório estratégia')`).run();
    // remove_diacritics folds accents at both index and query time
    expect(db.prepare(`SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'relatorio'`).all()).toEqual([{ rowid: 1 }]);
    db.prepare(`DELETE FROM documents WHERE id = 'd1'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM chunks').get()).toEqual({ n: 0 });
    db.close();
  });

  it('0002 migrates a version-1 database with jobs and chunks in it, keeping them', () => {
    const db = new Database(tempFile());
    migrate(db, 1);
    db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
    db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text) VALUES (7, 'd1', 0, 1, 1, 'texto')`).run();
    db.prepare(`INSERT INTO import_jobs (id, path, filename, state, stage, created_at, updated_at) VALUES ('j1', '/x/a.pdf', 'a.pdf', 'running', 'extracting', 't', 't')`).run();
    migrate(db, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id, state, stage, attempts, pages FROM import_jobs').all()).toEqual([{ id: 'j1', state: 'running', stage: 'extracting', attempts: 0, pages: 0 }]);
    expect(db.prepare('SELECT id, perspectives FROM chunks').all()).toEqual([{ id: 7, perspectives: '' }]);
    db.prepare(`UPDATE import_jobs SET state = 'needs-password' WHERE id = 'j1'`).run();
    expect(() => db.prepare(`UPDATE import_jobs SET state = 'bogus' WHERE id = 'j1'`).run()).toThrow(/CHECK/);
    db.close();
  });

  it('0003 migrates a version-2 database and records operations', () => {
    const db = new Database(tempFile());
    migrate(db, 2);
    db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
    migrate(db, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO operations (id, kind, state, started_at) VALUES ('o1', 'backup', 'running', 't')`).run();
    expect(() => db.prepare(`INSERT INTO operations (id, kind, state, started_at) VALUES ('o2', 'backup', 'halfway', 't')`).run()).toThrow(/CHECK/);
    db.close();
  });

  it('0004 migrates a version-3 database, keeping cached answers as stale (never matching a real library version)', () => {
    const db = new Database(tempFile());
    migrate(db, 3);
    db.prepare(`INSERT INTO answer_cache (key, answer_json, created_at) VALUES ('k1', '{}', 't')`).run();
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT key, corpus_version FROM answer_cache').all()).toEqual([{ key: 'k1', corpus_version: -1 }]);
    db.prepare(`INSERT INTO answer_cache (key, answer_json, created_at, corpus_version) VALUES ('k2', '{}', 't', 5)`).run();
    db.prepare('DELETE FROM answer_cache WHERE corpus_version != 5').run();
    expect(db.prepare('SELECT key FROM answer_cache').all()).toEqual([{ key: 'k2' }]);
    db.close();
  });

  it('is idempotent and reaches the latest version', () => {
    const file = tempFile();
    openAppDatabase(file).close();
    const db = openAppDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database made by a newer version', () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openAppDatabase(file)).toThrow(/newer than this app supports/);
  });

  it('classifies a file that is not a database as DB_CORRUPT', () => {
    const file = tempFile();
    fs.writeFileSync(file, 'this is not sqlite at all, just some text that fills the header '.repeat(20));
    expect(() => openAppDatabase(file)).toThrow(expect.objectContaining({ code: 'DB_CORRUPT' }));
  });
});
