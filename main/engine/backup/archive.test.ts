import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { BscError } from '../errors';
import { PARTIAL_SUFFIX, writeBackupArchive, type BackupFile, type BackupProgress } from './archive';
import { extractBackup } from './extract';
import type { BackupManifest } from './manifest';
import { verifyBackup } from './verify';

const SCHEMA = 3;
const MiB = 1024 * 1024;
const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
let files: BackupFile[];

const baseManifest: Omit<BackupManifest, 'entries'> = {
  format: 'agente-bsc-backup',
  formatVersion: 1,
  appVersion: '0.1.0',
  schemaVersion: SCHEMA,
  createdAt: '2025-06-01T12:00:00.000Z',
  hostName: os.hostname(),
  counts: { documents: 4, chunks: 2000, conversations: 1 },
  embeddingFingerprint: null,
  vectorStore: { mode: 'embedded', snapshot: 'rebuild-on-restore' },
};

/** Incompressible but repeatable bytes: AES-CTR keystream keyed by the seed. */
function deterministicBytes(seed: string, n: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

function makeLibrary(root: string): BackupFile[] {
  const lib = path.join(root, 'library');
  fs.mkdirSync(path.join(lib, 'documents'), { recursive: true });
  const dbFile = path.join(lib, 'app.sqlite');
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  // Our real schema for that version: restore refuses any other (schema-check.ts).
  migrate(db, SCHEMA);
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d', 's', 'a.pdf', 'application/pdf', 1, 'indexed', 'now')`).run();
  const insert = db.prepare(`INSERT INTO chunks (document_id, ord, page_start, page_end, text) VALUES ('d', ?, 1, 1, ?)`);
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i, `indicador de satisfação do cliente ${i}`);
  })();
  db.close();

  const result: BackupFile[] = [{ name: 'db/app.sqlite', path: dbFile }];
  for (const [i, size] of [3 * MiB, 2 * MiB, 5000, 0].entries()) {
    const body = deterministicBytes(`doc-${i}`, size);
    const sha = createHash('sha256').update(body).digest('hex');
    const file = path.join(lib, 'documents', `${sha}.pdf`);
    fs.writeFileSync(file, body);
    result.push({ name: `documents/${sha}.pdf`, path: file });
  }
  const settings = path.join(lib, 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ ui: { language: 'pt-BR' } }));
  result.push({ name: 'settings.json', path: settings });
  return result;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-archive-'));
  files = makeLibrary(dir);
  fs.mkdirSync(path.join(dir, 'backups'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const outPath = () => path.join(dir, 'backups', 'agente-bsc-2025-06-01.bscbackup');
const backupsListing = () => fs.readdirSync(path.join(dir, 'backups'));

describe('writeBackupArchive → verifyBackup → extractBackup', () => {
  it('round-trips a real library byte for byte', async () => {
    const progress: BackupProgress[] = [];
    const written = await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files, onProgress: (p) => progress.push(p) });

    expect(written.path).toBe(outPath());
    expect(backupsListing()).toEqual([path.basename(outPath())]);
    expect(written.bytes).toBe(fs.statSync(outPath()).size);
    expect(written.manifest.entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
    for (const [i, f] of files.entries()) {
      const body = fs.readFileSync(f.path);
      // SQLite files are stored gzip-compressed; documents (incompressible) as they are.
      const stored = f.name.endsWith('.sqlite') ? { stored: { encoding: 'gzip', bytes: expect.any(Number) } } : {};
      expect(written.manifest.entries[i]).toEqual({ name: f.name, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), ...stored });
    }

    // Progress is monotonic and ends exactly at its total.
    const total = progress[0]?.bytesTotal ?? 0;
    expect(total).toBeGreaterThan(5 * MiB);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
    expect(progress.at(-1)?.bytesDone).toBe(total);

    const report = await verifyBackup(outPath(), { maxSchemaVersion: SCHEMA });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['archive', true],
      ['manifest', true],
      ['schema version', true],
      ['entry names', true],
      ['entry types', true],
      ['entries', true],
      ['checksums', true],
      ['database', true],
    ]);
    expect(report.manifest).toEqual(written.manifest);

    const staging = path.join(dir, 'staging');
    const manifest = await extractBackup(outPath(), staging, { maxSchemaVersion: SCHEMA });
    expect(manifest).toEqual(written.manifest);
    for (const f of files) {
      expect(fs.readFileSync(path.join(staging, ...f.name.split('/'))).equals(fs.readFileSync(f.path)), f.name).toBe(true);
    }
    // Exactly the listed files, and no SQLite -wal/-shm left by the integrity check.
    const extracted = fs.readdirSync(staging, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(extracted).toHaveLength(files.length);

    const restored = new Database(path.join(staging, 'db', 'app.sqlite'), { readonly: true });
    expect(restored.prepare('SELECT count(*) AS n FROM chunks').get()).toEqual({ n: 2000 });
    restored.close();
  });

  it.skipIf(!hasTar)('is an ordinary tar a person can open with tar xf (the database inside gzip-compressed)', async () => {
    if (!hasTar) console.log('skipped: no tar binary on this machine');
    await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files });
    const listing = execFileSync('tar', ['tf', outPath()], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['manifest.json', ...files.map((f) => f.name)]);
    const by = path.join(dir, 'by-hand');
    fs.mkdirSync(by);
    execFileSync('tar', ['xf', outPath(), '-C', by]);
    const manifest = JSON.parse(fs.readFileSync(path.join(by, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.format).toBe('agente-bsc-backup');
    expect(manifest.formatVersion).toBe(2);
    expect(fs.readFileSync(path.join(by, 'settings.json'), 'utf8')).toBe(fs.readFileSync(files.at(-1)!.path, 'utf8'));
    expect(gunzipSync(fs.readFileSync(path.join(by, 'db', 'app.sqlite'))).equals(fs.readFileSync(files[0]!.path))).toBe(true);
  });

  it('writes each file once: the bytes written are the archive, with no second pass over them', async () => {
    const progress: BackupProgress[] = [];
    const written = await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files, onProgress: (p) => progress.push(p) });
    const sourceBytes = files.reduce((sum, f) => sum + fs.statSync(f.path).size, 0);
    expect(progress.at(-1)?.bytesTotal).toBe(sourceBytes);
    // Documents are stored, not recompressed: the archive is about their size plus a compressed database.
    const documentBytes = files.filter((f) => f.name.startsWith('documents/')).reduce((sum, f) => sum + fs.statSync(f.path).size, 0);
    expect(written.bytes).toBeGreaterThan(documentBytes);
    expect(written.bytes).toBeLessThan(documentBytes + fs.statSync(files[0]!.path).size);
  });
});

describe('writeBackupArchive failure paths leave no archive and no partial file', () => {
  it('cancel while packing', async () => {
    const controller = new AbortController();
    let abortedAt: BackupProgress | null = null;
    const err = await writeBackupArchive({
      outPath: outPath(),
      manifest: baseManifest,
      files,
      signal: controller.signal,
      onProgress: (p) => {
        // Past the hashing third, before the verifying third: the tar.gz is half written.
        if (!abortedAt && p.bytesDone > p.bytesTotal / 2) {
          abortedAt = p;
          controller.abort();
        }
      },
    }).catch((e: unknown) => e);
    expect(abortedAt).not.toBeNull();
    expect(err).toBeInstanceOf(BscError);
    expect((err as BscError).code).toBe('CANCELLED');
    expect(backupsListing()).toEqual([]);
  });

  it('cancel while verifying', async () => {
    const controller = new AbortController();
    const err = await writeBackupArchive({
      outPath: outPath(),
      manifest: baseManifest,
      files,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytesDone > (p.bytesTotal * 2) / 3 + 1) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as BscError).code).toBe('CANCELLED');
    expect(backupsListing()).toEqual([]);
  });

  it('an already-aborted signal writes nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(backupsListing()).toEqual([]);
  });

  it('a document that changes while it is being written', async () => {
    const victim = files[1]!;
    const size = fs.statSync(victim.path).size;
    let changed = false;
    const err = await writeBackupArchive({
      outPath: outPath(),
      manifest: baseManifest,
      files,
      onProgress: (p) => {
        // After the backup started, before this original is read: its bytes no longer match the
        // sha256 it is named by (same size, so only the hash can tell).
        if (!changed && p.entry !== victim.name) {
          changed = true;
          fs.writeFileSync(victim.path, deterministicBytes('edited', size));
        }
      },
    }).catch((e: unknown) => e);
    expect(changed).toBe(true);
    expect((err as BscError).code).toBe('BACKUP_INVALID');
    expect((err as BscError).message).toMatch(new RegExp(`${victim.name.replace('.', '\\.')} changed while the backup was being written`));
    expect(backupsListing()).toEqual([]);
  });

  it('a database that fails its integrity check is refused by the self-verification', async () => {
    const dbFile = files[0]!.path;
    const bytes = fs.readFileSync(dbFile);
    const pageSize = bytes.readUInt16BE(16);
    const middle = Math.floor(bytes.length / pageSize / 2) * pageSize;
    deterministicBytes('garbage', pageSize * 3).copy(bytes, middle);
    fs.writeFileSync(dbFile, bytes);
    const err = await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files }).catch((e: unknown) => e);
    expect((err as BscError).code).toBe('BACKUP_INVALID');
    expect((err as BscError).message).toMatch(/failed its own verification: database db\/app\.sqlite/);
    expect(backupsListing()).toEqual([]);
  });

  it('refuses unsafe or colliding names before writing anything', async () => {
    for (const bad of [
      [...files, { name: '../evil', path: files[0]!.path }],
      [...files, { name: 'settings.json', path: files[0]!.path }],
      files.slice(1),
    ]) {
      await expect(writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files: bad })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    }
    expect(backupsListing()).toEqual([]);
  });
});

describe('extractBackup and verifyBackup edges', () => {
  it('extract refuses a staging folder that is not empty, and leaves it alone', async () => {
    await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files });
    const staging = path.join(dir, 'staging');
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, 'keep.txt'), 'mine');
    await expect(extractBackup(outPath(), staging, { maxSchemaVersion: SCHEMA })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(fs.readdirSync(staging)).toEqual(['keep.txt']);
  });

  it('extract cancelled midway removes what it wrote', async () => {
    await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files });
    const staging = path.join(dir, 'staging');
    const controller = new AbortController();
    const err = await extractBackup(outPath(), staging, {
      maxSchemaVersion: SCHEMA,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytesDone > p.bytesTotal / 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as BscError).code).toBe('CANCELLED');
    expect(fs.existsSync(staging)).toBe(false);
  });

  it('verify reports a missing file rather than throwing', async () => {
    const report = await verifyBackup(path.join(dir, 'nope.bscbackup'), { maxSchemaVersion: SCHEMA });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/cannot read the file/);
  });

  it('a backup made by a newer schema fails verify with a clear reason but is otherwise sound', async () => {
    await writeBackupArchive({ outPath: outPath(), manifest: baseManifest, files });
    const report = await verifyBackup(outPath(), { maxSchemaVersion: SCHEMA - 1 });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([`made by a newer version of Agente BSC: database schema ${SCHEMA}, this version reads up to ${SCHEMA - 1}`]);
    expect(report.checks.find((c) => c.name === 'database')?.ok).toBe(true);
  });

  it('no partial-file name ever looks like a backup', () => {
    expect(`x.bscbackup${PARTIAL_SUFFIX}`.endsWith('.bscbackup')).toBe(false);
  });
});
