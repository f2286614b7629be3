import { createCipheriv, createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { BscError } from '../errors';
import { extractBackup } from './extract';
import type { BackupManifest } from './manifest';
import { verifyBackup } from './verify';

// Every archive here is built by hand with tar-stream, the way an attacker or a broken disk would
// hand it to us, and must be refused by verifyBackup (with a specific problem) and by
// extractBackup (which must leave nothing behind, inside or outside the staging folder).

const SCHEMA = 3;
const MiB = 1024 * 1024;

type RawEntry = { header: Partial<Header> & { name: string }; body?: Buffer };

let root: string;
let dbBytes: Buffer;
let corruptDbBytes: Buffer;
const docA = deterministicBytes('doc-a', 300_000);
const docB = deterministicBytes('doc-b', 200_000);
const settings = Buffer.from(JSON.stringify({ ui: { language: 'pt-BR' } }));

/** Incompressible but repeatable bytes: AES-CTR keystream keyed by the seed. */
function deterministicBytes(seed: string, n: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function makeDatabase(file: string, userVersion: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Our real schema for that version: restore refuses any other (schema-check.ts).
  migrate(db, userVersion);
  db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, status, created_at) VALUES ('d', 's', 'a.pdf', 'application/pdf', 1, 'indexed', 'now')`).run();
  const insert = db.prepare(`INSERT INTO chunks (document_id, ord, page_start, page_end, text) VALUES ('d', ?, 1, 1, ?)`);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(i, `perspectiva financeira ${i} ${'x'.repeat(i % 200)}`);
  })();
  db.close();
}

function manifestFor(entries: Array<{ name: string; body: Buffer }>, overrides: Partial<BackupManifest> = {}): BackupManifest {
  return {
    format: 'agente-bsc-backup',
    formatVersion: 1,
    appVersion: '0.1.0',
    schemaVersion: SCHEMA,
    createdAt: new Date().toISOString(),
    hostName: 'test-host',
    counts: { documents: 2, chunks: 3000, conversations: 0 },
    embeddingFingerprint: null,
    vectorStore: { mode: 'embedded', snapshot: 'rebuild-on-restore' },
    entries: entries.map((e) => ({ name: e.name, bytes: e.body.length, sha256: sha(e.body) })),
    ...overrides,
  };
}

function goodFiles(): Array<{ name: string; body: Buffer }> {
  return [
    { name: 'db/app.sqlite', body: dbBytes },
    { name: `documents/${sha(docA)}.pdf`, body: docA },
    { name: `documents/${sha(docB)}.pdf`, body: docB },
    { name: 'settings.json', body: settings },
  ];
}

function manifestEntry(manifest: unknown): RawEntry {
  return { header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(manifest)) };
}

function fileEntries(files: Array<{ name: string; body: Buffer }>): RawEntry[] {
  return files.map((f) => ({ header: { name: f.name }, body: f.body }));
}

async function tarOf(entries: RawEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.body) pack.entry(e.header, e.body);
    else pack.entry(e.header).end(null);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function archiveOf(entries: RawEntry[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

async function goodArchive(): Promise<Buffer> {
  const files = goodFiles();
  return archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(files)]);
}

let caseNo = 0;
/** Asserts both readers refuse the archive for the expected reason, leaving no file anywhere near. */
async function expectRefused(archive: Buffer, reason: RegExp, outsideFiles: string[] = []) {
  const dir = path.join(root, `case-${++caseNo}`);
  fs.mkdirSync(dir);
  const file = path.join(root, `case-${caseNo}.bscbackup`);
  fs.writeFileSync(file, archive);
  const staging = path.join(dir, 'staging');

  const report = await verifyBackup(file, { maxSchemaVersion: SCHEMA });
  expect(report.ok).toBe(false);
  expect(report.problems.join('\n')).toMatch(reason);
  expect(report.checks.some((c) => !c.ok)).toBe(true);

  const err = await extractBackup(file, staging, { maxSchemaVersion: SCHEMA }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BscError);
  expect((err as BscError).code).toBe('BACKUP_INVALID');
  const problems = ((err as BscError).details as { problems: string[] }).problems;
  expect(problems.join('\n')).toMatch(reason);
  expect((err as BscError).message).toMatch(/cannot be restored/);

  // The staging folder we created is gone, and nothing was written beside it or anywhere named.
  expect(fs.existsSync(staging)).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]);
  for (const outside of outsideFiles) expect(fs.existsSync(outside), outside).toBe(false);
  return report;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-hostile-'));
  const dbFile = path.join(root, 'fixture.sqlite');
  makeDatabase(dbFile, SCHEMA);
  dbBytes = fs.readFileSync(dbFile);
  expect(dbBytes.length).toBeGreaterThan(100 * 4096); // many pages, so corruption can hit the middle

  // Overwrite pages in the middle of the file (not page 1, the header): a damaged b-tree.
  corruptDbBytes = Buffer.from(dbBytes);
  const pageSize = corruptDbBytes.readUInt16BE(16);
  const middle = Math.floor(corruptDbBytes.length / pageSize / 2) * pageSize;
  deterministicBytes('garbage', pageSize * 4).copy(corruptDbBytes, middle);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a well-formed hand-built archive (control)', () => {
  it('passes verify and extracts, so every refusal below is down to the one flaw it adds', async () => {
    const file = path.join(root, 'control.bscbackup');
    fs.writeFileSync(file, await goodArchive());
    const report = await verifyBackup(file, { maxSchemaVersion: SCHEMA });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const staging = path.join(root, 'control-staging');
    const manifest = await extractBackup(file, staging, { maxSchemaVersion: SCHEMA });
    expect(manifest.entries).toHaveLength(4);
    expect(fs.readFileSync(path.join(staging, 'db', 'app.sqlite')).equals(dbBytes)).toBe(true);
  });
});

describe('archives re-packed by hand', () => {
  it('tolerates directory entries for the folders that hold listed files', async () => {
    const files = goodFiles();
    const file = path.join(root, 'with-dirs.bscbackup');
    const entries: RawEntry[] = [
      manifestEntry(manifestFor(files)),
      { header: { name: 'db/', type: 'directory' } },
      { header: { name: 'documents', type: 'directory' } },
      ...fileEntries(files),
    ];
    fs.writeFileSync(file, await archiveOf(entries));
    const report = await verifyBackup(file, { maxSchemaVersion: SCHEMA });
    expect(report.problems).toEqual([]);
    const staging = path.join(root, 'with-dirs-staging');
    await extractBackup(file, staging, { maxSchemaVersion: SCHEMA });
    expect(fs.readdirSync(staging).sort()).toEqual(['db', 'documents', 'settings.json']);
  });
});

describe('damaged files', () => {
  it('a file cut in half is truncated', async () => {
    const good = await goodArchive();
    await expectRefused(good.subarray(0, Math.floor(good.length / 2)), /truncated/);
  });

  it('a flipped byte in the middle is caught by the gzip CRC or an entry checksum', async () => {
    const bad = Buffer.from(await goodArchive());
    const middle = Math.floor(bad.length / 2);
    bad[middle] = (bad[middle] ?? 0) ^ 0xff;
    await expectRefused(bad, /checksum mismatch|damaged/);
  });

  it('random bytes are neither a tar nor a gzip file', async () => {
    await expectRefused(deterministicBytes('noise', 5000), /neither a tar archive nor gzip-compressed/);
  });

  it('a ZIP file is named as such', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), deterministicBytes('zip', 2000)]);
    await expectRefused(zip, /ZIP archive/);
  });

  it('an uncompressed tar with a format-1 manifest (format 1 is always a tar.gz)', async () => {
    const files = goodFiles();
    await expectRefused(await tarOf([manifestEntry(manifestFor(files)), ...fileEntries(files)]), /format-1 backup must be gzip-compressed/);
  });

  it('gzip of something that is not a tar', async () => {
    await expectRefused(gzipSync(deterministicBytes('not-tar', 4096)), /damaged/);
  });

  it('an empty gzip holds no manifest', async () => {
    await expectRefused(gzipSync(Buffer.alloc(0)), /empty/);
  });

  it('a database that fails integrity_check', async () => {
    const files = goodFiles().map((f) => (f.name === 'db/app.sqlite' ? { ...f, body: corruptDbBytes } : f));
    const report = await expectRefused(await archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(files)]), /database db\/app\.sqlite: (fails integrity_check|cannot be read)/);
    // Everything else about the archive was fine: only the database check fails.
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['database']);
  });

  it('a database whose user_version disagrees with the manifest', async () => {
    const files = goodFiles();
    await expectRefused(
      await archiveOf([manifestEntry(manifestFor(files, { schemaVersion: 2 })), ...fileEntries(files)]),
      /schema version is 3 but the manifest says 2/,
    );
  });
});

describe('manifests we cannot trust or cannot read', () => {
  it('a backup from a newer schema', async () => {
    const files = goodFiles();
    const report = await expectRefused(
      await archiveOf([manifestEntry(manifestFor(files, { schemaVersion: SCHEMA + 1 })), ...fileEntries(files)]),
      /newer version of Agente BSC/,
    );
    expect(report.checks.find((c) => c.name === 'schema version')?.ok).toBe(false);
  });

  it('a backup in a newer archive format', async () => {
    const files = goodFiles();
    await expectRefused(
      await archiveOf([manifestEntry({ ...manifestFor(files), formatVersion: 3 }), ...fileEntries(files)]),
      /format version 3 was made by a newer version of Agente BSC/,
    );
  });

  it('a manifest that is not the first entry', async () => {
    const files = goodFiles();
    await expectRefused(await archiveOf([...fileEntries(files), manifestEntry(manifestFor(files))]), /first entry is db\/app\.sqlite/);
  });

  it('a manifest that lists an unsafe name', async () => {
    const files = [...goodFiles(), { name: '../evil', body: Buffer.from('x') }];
    await expectRefused(await archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(files)]), /manifest lists an unsafe entry/);
  });
});

describe('entries that would escape or deceive', () => {
  const hostileName = async (name: string, reason: RegExp, outside: string[]) => {
    const files = goodFiles();
    const entries = [manifestEntry(manifestFor(files)), ...fileEntries(files), { header: { name }, body: Buffer.from('owned') }];
    await expectRefused(await archiveOf(entries), reason, outside);
  };

  it('../evil', async () => {
    await hostileName('../evil', /entry "\.\.\/evil": unsafe name \(name climbs out/, [path.join(root, 'evil')]);
    await hostileName('documents/../../../evil', /unsafe name/, [path.join(root, 'evil')]);
  });

  it('/etc/evil and an absolute path into the test folder', async () => {
    const existedBefore = fs.existsSync('/etc/evil');
    await hostileName('/etc/evil', /unsafe name \(absolute path\)/, existedBefore ? [] : ['/etc/evil']);
    const target = path.join(root, 'absolute-evil');
    await hostileName(target, /absolute path/, [target]);
  });

  it('C:\\evil and C:/evil', async () => {
    await hostileName('C:\\evil', /unsafe name \(name contains a backslash\)/, [path.join(root, 'C:\\evil')]);
    await hostileName('C:/evil', /unsafe name \(name starts with a drive letter\)/, [path.join(root, 'C:')]);
  });

  it('a symlink entry, followed by a file written through it', async () => {
    const outsideDir = path.join(root, 'outside-via-symlink');
    fs.mkdirSync(outsideDir);
    const files = goodFiles();
    const entries: RawEntry[] = [
      manifestEntry(manifestFor([...files, { name: 'documents/link/evil', body: Buffer.from('owned') }])),
      ...fileEntries(files),
      { header: { name: 'documents/link', type: 'symlink', linkname: outsideDir } },
      { header: { name: 'documents/link/evil' }, body: Buffer.from('owned') },
    ];
    await expectRefused(await archiveOf(entries), /entry documents\/link: is a symbolic link/, [path.join(outsideDir, 'evil')]);
  });

  it('a hard link entry', async () => {
    const files = goodFiles();
    const entries: RawEntry[] = [
      manifestEntry(manifestFor(files)),
      ...fileEntries(files),
      { header: { name: 'documents/passwd', type: 'link', linkname: '/etc/passwd' } },
    ];
    await expectRefused(await archiveOf(entries), /entry documents\/passwd: is a hard link/);
  });

  it('a directory no listed entry lives in', async () => {
    const files = goodFiles();
    const entries: RawEntry[] = [manifestEntry(manifestFor(files)), ...fileEntries(files), { header: { name: 'stray', type: 'directory' } }];
    await expectRefused(await archiveOf(entries), /entry stray: is an unexpected directory/);
  });

  it('a duplicate entry', async () => {
    const files = goodFiles();
    const entries = [manifestEntry(manifestFor(files)), ...fileEntries(files), ...fileEntries(files.slice(1, 2))];
    await expectRefused(await archiveOf(entries), /entry documents\/[0-9a-f]{64}\.pdf: appears more than once/);
  });

  it('a missing entry', async () => {
    const files = goodFiles();
    const entries = [manifestEntry(manifestFor(files)), ...fileEntries(files.filter((f) => f.name !== 'settings.json'))];
    await expectRefused(await archiveOf(entries), /entry settings\.json: missing from the archive/);
  });

  it('an extra entry the manifest does not list', async () => {
    const files = goodFiles();
    const entries = [manifestEntry(manifestFor(files)), ...fileEntries(files), { header: { name: 'notes.txt' }, body: Buffer.from('hi') }];
    await expectRefused(await archiveOf(entries), /entry notes\.txt: not listed in the manifest/);
  });

  it('an entry whose bytes do not match its sha256', async () => {
    const files = goodFiles();
    const tampered = files.map((f) => (f.name === 'settings.json' ? { ...f, body: Buffer.from(JSON.stringify({ ui: { language: 'en' } }).padEnd(f.body.length)) } : f));
    await expectRefused(await archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(tampered)]), /entry settings\.json: checksum mismatch/);
  });
});

describe('decompression bombs', () => {
  it('an entry declared as 1 KB holding 50 MB of zeros is refused after reading little', async () => {
    const files = goodFiles();
    const small = Buffer.alloc(1024);
    const manifest = manifestFor([...files, { name: 'documents/bomb.bin', body: small }]);
    const archive = await archiveOf([manifestEntry(manifest), ...fileEntries(files), { header: { name: 'documents/bomb.bin' }, body: Buffer.alloc(50 * MiB) }]);
    // 50 MB of zeros gzip to almost nothing: the whole bomb adds under 100 KB to the file.
    expect(archive.length - (await goodArchive()).length).toBeLessThan(100 * 1024);
    const started = Date.now();
    const report = await expectRefused(archive, /entry documents\/bomb\.bin: the archive holds 52428800 bytes but the manifest declares 1024/);
    const declaredTotal = files.reduce((a, f) => a + f.body.length, 0);
    expect(report.inflatedBytes).toBeLessThan(declaredTotal + 2 * MiB);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('50 MB of zeros after the last entry trips the cap on the whole stream', async () => {
    const files = goodFiles();
    const tarBytes = await tarOf([manifestEntry(manifestFor(files)), ...fileEntries(files)]);
    const archive = gzipSync(Buffer.concat([tarBytes, Buffer.alloc(50 * MiB)]));
    const report = await expectRefused(archive, /possible decompression bomb/);
    const declaredTotal = files.reduce((a, f) => a + f.body.length, 0);
    expect(report.inflatedBytes).toBeLessThan(declaredTotal + 3 * MiB);
  });

  it('an unlisted entry of 50 MB is not read to its end', async () => {
    const files = goodFiles();
    const archive = await archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(files), { header: { name: 'zeros.bin' }, body: Buffer.alloc(50 * MiB) }]);
    const report = await expectRefused(archive, /entry zeros\.bin: not listed in the manifest/);
    expect(report.problems.join('\n')).toMatch(/possible decompression bomb/);
    expect(report.inflatedBytes).toBeLessThan(10 * MiB);
  });
});

describe('extractBackup with an existing empty staging folder', () => {
  it('leaves the folder empty (not removed) after refusing', async () => {
    const files = goodFiles();
    const file = path.join(root, 'keep-staging.bscbackup');
    fs.writeFileSync(file, await archiveOf([manifestEntry(manifestFor(files)), ...fileEntries(files), { header: { name: 'extra' }, body: Buffer.from('x') }]));
    const staging = path.join(root, 'existing-staging');
    fs.mkdirSync(staging);
    await expect(extractBackup(file, staging, { maxSchemaVersion: SCHEMA })).rejects.toMatchObject({ code: 'BACKUP_INVALID' });
    expect(fs.readdirSync(staging)).toEqual([]);
  });
});
