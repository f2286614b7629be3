import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../db/migrate';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('migration 0007 (watched folders)', () => {
  it('migrates a version-6 library with documents in it, and maps files to documents', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-m7-'));
    dirs.push(dir);
    const db = new Database(path.join(dir, 'app.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 6);
    db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h1', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
    migrate(db, 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });

    db.prepare(`INSERT INTO watched_folders (id, path, created_at) VALUES ('f1', '/clientes/a', 'now')`).run();
    db.prepare(`INSERT INTO watched_files (folder_id, rel_path, size, mtime_ms, sha256, document_id, owned, state, updated_at)
      VALUES ('f1', 'a.pdf', 10, 1.5, 'h1', 'd1', 1, 'indexed', 'now')`).run();
    expect(db.prepare('SELECT on_delete FROM watched_folders').get()).toEqual({ on_delete: 'keep' });
    expect(() => db.prepare(`UPDATE watched_folders SET on_delete = 'ask'`).run()).toThrow(/CHECK/);
    // A document removed from the library leaves the file's row, without a document.
    db.prepare(`DELETE FROM documents WHERE id = 'd1'`).run();
    expect(db.prepare('SELECT document_id, state FROM watched_files').get()).toEqual({ document_id: null, state: 'indexed' });
    // Forgetting a folder forgets its files.
    db.prepare(`DELETE FROM watched_folders WHERE id = 'f1'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM watched_files').get()).toEqual({ n: 0 });
    db.close();
  });
});
