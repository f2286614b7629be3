import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../main/engine/backup/backup';
import { backupStatePath, readBackupState } from '../main/engine/backup/backup-state';
import { RESTORE_MARKER, recoverInterruptedRestore } from '../main/engine/backup/restore';
import { listBackupFiles } from '../main/engine/backup/retention';
import { verifyBackup } from '../main/engine/backup/verify';
import { LATEST_SCHEMA_VERSION } from '../main/engine/db/migrate';
import { Engine } from '../main/engine/engine';
import { silentLog } from '../main/engine/observability/log';
import { repoRoot } from './run-server';
import { waitForJobs } from './wait-for-jobs';

// The CLI (the built dist/main/cli.js, as users run it) is SIGKILLed in the middle of a backup and
// of a restore, at stage boundaries seen in its progress output and, for the swap itself, at each
// rename (a failpoint given to the restore service by test/fixtures/restore-killed-at-swap.ts). Afterwards the data folder must open, pass integrity_check, and hold
// exactly the old library or exactly the restored one; no half-written archive may be listed.

const cli = path.join(repoRoot, 'dist/main/cli.js');
const killedAtSwap = path.join(repoRoot, 'test/fixtures/restore-killed-at-swap.ts');
let root: string;
let pristine: string; // the live library before any restore ("old")
let archive: string; // a backup of a different library ("new")

type Picture = { documents: string[]; originals: string[]; conversations: string[]; language: string };
let oldPicture: Picture;
let newPicture: Picture;

/** What the data folder holds, read without the app: database rows, originals on disk, settings. */
function pictureOf(dataDir: string): Picture {
  const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const docs = db.prepare(`SELECT id, sha256, filename FROM documents WHERE status = 'indexed' ORDER BY id`).all() as Array<{ id: string; sha256: string; filename: string }>;
    const conversations = (db.prepare('SELECT id FROM conversations ORDER BY id').pluck().all() as string[]);
    const settings = JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as { ui: { language: string } };
    return {
      documents: docs.map((d) => d.id),
      originals: fs.readdirSync(path.join(dataDir, 'documents')).sort(),
      conversations,
      language: settings.ui.language,
    };
  } finally {
    db.close();
  }
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Runs the CLI; kills it with SIGKILL when a stderr line matches `killOn` (or lets it die by a failpoint). */
function runCli(args: string[], opts: { killOn?: RegExp; env?: NodeJS.ProcessEnv; argv?: string[] } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, opts.argv ?? [cli, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!killed && opts.killOn?.test(stderr)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cli timed out:\n${stderr}`)); }, 60_000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr, killed }); });
  });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-backup-crash-'));
  const live = path.join(root, 'live');
  const engine = new Engine({ dataDir: live, log: silentLog });
  try {
    await waitForJobs(engine, engine.importFiles([{ path: path.join(repoRoot, 'resources/sample-library') }]));
    // ~12 MB of incompressible text, so each stage lasts long enough to be caught by a kill.
    const db = engine.database();
    const insert = db.prepare('INSERT INTO answer_cache (key, answer_json, created_at) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 12; i++) insert.run(`k${i}`, JSON.stringify({ blob: randomBytes(768 * 1024).toString('base64') }), new Date().toISOString());
    })();
    db.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('in-both', 't', '2026-01-01', '2026-01-01')`);
    engine.updateSettings({ ui: { language: 'pt-BR' } });
    archive = (await createBackup(engine, { outPath: path.join(root, 'new.bscbackup') })).path;

    // Then the live library moves on: three documents deleted, a conversation added, settings changed.
    for (const d of engine.lib().repo.list().slice(0, 3)) engine.deleteDocument(d.id);
    db.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('only-in-old', 't', '2026-02-01', '2026-02-01')`);
    engine.updateSettings({ ui: { language: 'en' } });
  } finally {
    engine.close();
  }
  pristine = path.join(root, 'pristine');
  copyDir(live, pristine);
  fs.rmSync(path.join(pristine, 'backups'), { recursive: true, force: true });
  oldPicture = pictureOf(pristine);
  expect(oldPicture.documents).toHaveLength(7);
  expect(oldPicture.originals).toHaveLength(7);
  // What a finished restore gives: read from a copy where the CLI restored without interruption.
  const probe = path.join(root, 'probe');
  copyDir(pristine, probe);
  const r = await runCli(['restore', archive, '--yes', '--data-dir', probe]);
  expect(r.code, r.stderr).toBe(0);
  newPicture = pictureOf(probe);
  expect(newPicture.documents).toHaveLength(10);
  expect(newPicture.conversations).toEqual(['in-both']);
  expect(newPicture.language).toBe('pt-BR');
}, 180_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

let caseNo = 0;
function freshCopy(): string {
  const dir = path.join(root, `case-${++caseNo}`);
  copyDir(pristine, dir);
  return dir;
}

/** After a crash: the recovery the engine runs at start, then the folder must be one whole library. */
async function expectWholeLibrary(dataDir: string): Promise<'old' | 'new'> {
  recoverInterruptedRestore(dataDir);
  expect(fs.existsSync(path.join(dataDir, RESTORE_MARKER))).toBe(false);
  expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('.restore-') || n.startsWith('.backup-work-'))).toEqual([]);
  const picture = pictureOf(dataDir);
  const which = JSON.stringify(picture) === JSON.stringify(oldPicture) ? 'old' : JSON.stringify(picture) === JSON.stringify(newPicture) ? 'new' : null;
  expect(which, `a mix of old and new: ${JSON.stringify(picture)}`).not.toBeNull();
  // And the app opens it.
  const engine = new Engine({ dataDir, log: silentLog });
  try {
    expect(engine.services.status.checkIntegrity().ok).toBe(true);
    expect(engine.lib().repo.list()).toHaveLength(which === 'old' ? 7 : 10);
    // No half-written archive is listed; whatever is listed is a whole, verifiable backup.
    const listed = await listBackupFiles(path.join(dataDir, 'backups'), readBackupState(backupStatePath(dataDir)));
    for (const b of listed) {
      expect(b.filename).not.toMatch(/partial/);
      expect((await verifyBackup(b.path, { maxSchemaVersion: LATEST_SCHEMA_VERSION })).ok, b.filename).toBe(true);
    }
  } finally {
    engine.close();
  }
  return which!;
}

describe('SIGKILL during a backup', () => {
  // The stages a backup reports since format 2 (files hashed while written, the archive checked as it is written).
  for (const stage of ['copying database', 'writing archive']) {
    it(`at "${stage}": the library is untouched and no partial archive is listed`, async () => {
      const dataDir = freshCopy();
      const r = await runCli(['backup', '--data-dir', dataDir], { killOn: new RegExp(`… ${stage}`) });
      expect(r.killed, `never reached "${stage}":\n${r.stderr}`).toBe(true);
      const partials = fs.existsSync(path.join(dataDir, 'backups')) ? fs.readdirSync(path.join(dataDir, 'backups')) : [];
      console.log(`killed at ${stage}: backups folder holds ${JSON.stringify(partials)}`);
      expect(await expectWholeLibrary(dataDir)).toBe('old');
    }, 60_000);
  }
});

describe('SIGKILL during a restore', () => {
  for (const stage of ['verifying', 'safety backup', 'extracting']) {
    it(`at "${stage}": the old library, whole`, async () => {
      const dataDir = freshCopy();
      const r = await runCli(['restore', archive, '--yes', '--data-dir', dataDir], { killOn: new RegExp(`… ${stage}`) });
      expect(r.killed, `never reached "${stage}":\n${r.stderr}`).toBe(true);
      expect(await expectWholeLibrary(dataDir)).toBe('old');
    }, 60_000);
  }

  // The swap is a handful of renames in microseconds: a failpoint the test provides (through the
  // restore's dependencies, in a helper script) kills the process after rename N.
  for (const step of [1, 2, 3, 4, 5, 6]) {
    it(`after rename ${step} of the swap: rolled back to the old library at the next start`, async () => {
      const dataDir = freshCopy();
      const r = await runCli([], { argv: ['--import', 'tsx', killedAtSwap, dataDir, archive, String(step)] });
      expect(r.signal, r.stderr).toBe('SIGKILL');
      expect(fs.existsSync(path.join(dataDir, RESTORE_MARKER))).toBe(true);
      expect(await expectWholeLibrary(dataDir)).toBe('old');
    }, 60_000);
  }

  it('when it is allowed to finish: the new library', async () => {
    const dataDir = freshCopy();
    const r = await runCli(['restore', archive, '--yes', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await expectWholeLibrary(dataDir)).toBe('new');
    // The safety backup of the old library is there and whole.
    const safety = fs.readdirSync(path.join(dataDir, 'backups')).filter((n) => n.endsWith('-before-restore.bscbackup'));
    expect(safety).toHaveLength(1);
  }, 60_000);
});
