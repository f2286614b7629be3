// Upgrades keep data. An app update (electron-updater) replaces the install folder only; the data
// folder is left as it was, and the new app migrates its database forward when it opens it. Here a
// data folder is written by the schema of an earlier version (the 0.1.0 release's, version 4, and
// the one just before the latest), then opened by today's app through the CLI (the same engine).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../../main/engine/db/migrate';
import { dataPaths } from '../../main/engine/settings/data-dir';
import { repoRoot } from './package-app';

const RELEASED_SCHEMA = 4; // Agente BSC 0.1.0
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

/** A data folder as an earlier app left it: one indexed document with its original, a conversation, settings. */
function oldDataFolder(version: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bsc-upgrade-v${version}-`));
  dirs.push(dir);
  const paths = dataPaths(dir);
  const db = new Database(paths.database);
  migrate(db, version);
  const sha = 'c0ffee'.padEnd(64, '0');
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, title, lang, status, created_at, indexed_at)
    VALUES ('doc-old', ?, 'plano-2024.md', 'text/markdown', 52, 1, 'Plano 2024', 'pt', 'indexed', '2026-01-10T10:00:00.000Z', '2026-01-10T10:00:01.000Z')`).run(sha);
  db.prepare(`INSERT INTO pages (document_id, page_no, label, text) VALUES ('doc-old', 1, '1', 'Margem EBITDA e receita recorrente por cliente.')`).run();
  db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, text, lang) VALUES (1, 'doc-old', 0, 1, 1, 'Margem EBITDA e receita recorrente por cliente.', 'pt')`).run();
  db.prepare(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('conv-old', 'Indicadores financeiros', '2026-01-11T09:00:00.000Z', '2026-01-11T09:00:05.000Z')`).run();
  db.prepare(`INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES ('m1', 'conv-old', 'user', 'Quais indicadores financeiros?', '2026-01-11T09:00:00.000Z')`).run();
  db.close();
  fs.mkdirSync(paths.documents, { recursive: true });
  fs.writeFileSync(path.join(paths.documents, `${sha}.md`), '# Plano 2024\n\nMargem EBITDA e receita recorrente por cliente.\n');
  fs.writeFileSync(paths.settings, JSON.stringify({ ui: { language: 'pt-BR', theme: 'dark' } }));
  return dir;
}

async function bsc(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dataPaths(dir).documents).map((f) => [f, fs.readFileSync(path.join(dataPaths(dir).documents, f), 'utf8')]));

describe('opening a data folder made by an earlier version', () => {
  for (const version of [...new Set([RELEASED_SCHEMA, LATEST_SCHEMA_VERSION - 1])]) {
    it(`migrates schema ${version} to ${LATEST_SCHEMA_VERSION} and keeps the library, conversations, originals and settings`, async () => {
      const dir = oldDataFolder(version);
      const originals = snapshot(dir);
      const status = await bsc(['status', '--json', '--data-dir', dir]);
      expect(status.code, status.err).toBe(0);
      const s = JSON.parse(status.out) as { database: { schemaVersion: number }; library: { documents: number; chunks: number; conversations: number } };
      expect(s.database.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(s.library).toMatchObject({ documents: 1, chunks: 1, conversations: 1 });
      const list = await bsc(['list', '--json', '--data-dir', dir]);
      expect(JSON.parse(list.out).documents).toEqual([expect.objectContaining({ id: 'doc-old', filename: 'plano-2024.md', title: 'Plano 2024', status: 'indexed' })]);
      // The upgraded folder takes new work: an import and a search over it.
      const indexed = await bsc(['index', path.join(repoRoot, 'resources/sample-library/02-perspectiva-financeira.md'), '--data-dir', dir]);
      expect(indexed.code, indexed.err).toBe(0);
      const search = await bsc(['search', 'perspectiva financeira', '--json', '--data-dir', dir]);
      expect(JSON.parse(search.out).hits.length).toBeGreaterThan(0);
      expect(snapshot(dir)).toMatchObject(originals);
      expect(JSON.parse(fs.readFileSync(dataPaths(dir).settings, 'utf8')).ui).toMatchObject({ language: 'pt-BR', theme: 'dark' });
      const db = new Database(dataPaths(dir).database, { readonly: true });
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      db.close();
    }, 60_000);
  }
});
