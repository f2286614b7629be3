import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

it('0009 migrates a version-8 library: its documents and conversations stay, engagements start empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-0009-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, 'library.sqlite'));
  sqliteVec.load(db);
  migrate(db, 8);
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
  db.prepare(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Mapa', 'now', 'now')`).run();
  migrate(db, 9);
  expect(schemaVersion(db)).toBe(9);
  expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });
  expect(db.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 1 });
  expect(db.prepare('SELECT count(*) AS n FROM engagements').get()).toEqual({ n: 0 });
  db.prepare(`INSERT INTO engagements (id, name, doc_json, created_at, updated_at) VALUES ('e1', 'Aroeira', '{}', 'now', 'now')`).run();
  expect(() => db.prepare(`INSERT INTO engagements (id, name, doc_json, created_at, updated_at) VALUES ('e1', 'x', '{}', 'now', 'now')`).run()).toThrow(/UNIQUE/);
  db.close();
});
