import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('0006 migrates a version-4 database with pages and chunks: pages are not OCR, chunks are body, bad values refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-0006-'));
  dirs.push(dir);
  const db = new Database(path.join(dir, 'app.sqlite'));
  migrate(db, 4);
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d1', 'h', 'a.pdf', 'application/pdf', 10, 'indexed', 'now')`).run();
  db.prepare(`INSERT INTO pages (document_id, page_no, label, text) VALUES ('d1', 1, '1', 'texto')`).run();
  db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text) VALUES (1, 'd1', 0, 1, 1, 'texto')`).run();
  migrate(db, 6);
  expect(schemaVersion(db)).toBeGreaterThanOrEqual(6);
  expect(db.prepare('SELECT ocr FROM pages').get()).toEqual({ ocr: 0 });
  expect(db.prepare('SELECT role FROM chunks').get()).toEqual({ role: 'body' });
  db.prepare(`UPDATE pages SET ocr = 1`).run();
  db.prepare(`UPDATE chunks SET role = 'toc'`).run();
  expect(() => db.prepare(`UPDATE chunks SET role = 'footer'`).run()).toThrow(/CHECK/);
  expect(() => db.prepare(`UPDATE pages SET ocr = 2`).run()).toThrow(/CHECK/);
  db.close();
});
