import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Answer, type EngineEvent, type Operation } from '../../../preload/contract';
import { waitForJobs } from '../../../test/wait-for-jobs';
import { dispatchCall } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { BscError } from '../errors';
import { silentLog } from '../observability/log';
import { LATEST_SCHEMA_VERSION, migrate } from '../db/migrate';
import { createBackup } from './backup';
import { extractBackup } from './extract';
import { verifyBackup } from './verify';
import { RESTORE_MARKER, restoreBackup, type RestoreEngine } from './restore';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const sampleLibrary = path.join(repoRoot, 'resources/sample-library');
const QUERIES = ['perspectiva financeira', 'satisfação do cliente', 'learning and growth', 'mapa estratégico', 'indicadores de processos internos'];

let dir: string;
const open: Engine[] = [];

function startEngine(dataDir: string, events: EngineEvent[] = []) {
  const engine = new Engine({ dataDir, log: silentLog, emit: (e) => events.push(e) });
  open.push(engine);
  const handlers = engineHandlers(engine);
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const reply = await dispatchCall(handlers, method, input, { signal: new AbortController().signal });
    if (!reply.ok) throw new BscError(reply.error.code, reply.error.message, reply.error.details);
    return reply.value as T;
  };
  return { engine, call, events };
}

/** Waits for an operation's last onOperation event (restore runs outside the runner, so events are the truth). */
async function finished(events: EngineEvent[], id: string, timeoutMs = 60_000): Promise<Operation> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = events.filter((e): e is Extract<EngineEvent, { name: 'onOperation' }> => e.name === 'onOperation' && e.payload.id === id).at(-1);
    if (last && last.payload.state !== 'running') return last.payload;
    if (Date.now() > until) throw new Error(`operation ${id} did not finish`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function importSample(engine: Engine) {
  const jobs = engine.importFiles([{ path: sampleLibrary }]);
  const done = await waitForJobs(engine, jobs);
  expect(done.every((j) => j.state === 'done')).toBe(true);
}

function addConversations(engine: Engine) {
  const db = engine.database();
  const insertConv = db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const insertMsg = db.prepare('INSERT INTO messages (id, conversation_id, role, text, answer_json, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    insertConv.run('conv-1', 'Indicadores financeiros', '2026-01-01T10:00:00.000Z', '2026-01-01T10:01:00.000Z');
    insertMsg.run('m-1', 'conv-1', 'user', 'Quais indicadores da perspectiva financeira?', null, 'complete', '2026-01-01T10:00:00.000Z');
    insertMsg.run('m-2', 'conv-1', 'assistant', 'Receita, margem e retorno sobre o capital [1].', JSON.stringify({ sources: [{ n: 1 }] }), 'complete', '2026-01-01T10:01:00.000Z');
    insertConv.run('conv-2', 'Customer perspective', '2026-01-02T09:00:00.000Z', '2026-01-02T09:00:30.000Z');
    insertMsg.run('m-3', 'conv-2', 'user', 'How do we measure customer satisfaction?', null, 'complete', '2026-01-02T09:00:00.000Z');
    insertMsg.run('m-4', 'conv-2', 'assistant', 'Retention, NPS and share of wallet [1][2].', null, 'partial', '2026-01-02T09:00:30.000Z');
  })();
}

/** Everything a user would notice: documents, search results for fixed queries, conversations. */
async function libraryPicture(call: ReturnType<typeof startEngine>['call'], engine: Engine) {
  const { documents } = await call<{ documents: Array<Record<string, unknown>> }>('library.list');
  const searches = [];
  for (const query of QUERIES) {
    const r = await call<{ hits: Array<{ chunkId: number; documentId: string; score: number; pageStart: number }> }>('library.search', { query, k: 8 });
    searches.push(r.hits.map((h) => [h.chunkId, h.documentId, h.pageStart, h.score.toFixed(6)]));
  }
  const db = engine.database();
  const conversations = db.prepare('SELECT * FROM conversations ORDER BY id').all();
  const messages = db.prepare('SELECT * FROM messages ORDER BY id').all();
  return { documents, searches, conversations, messages };
}

/** sha256 over the files that make up the live library (not logs, backups or the verification cache). */
function dataChecksum(dataDir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    const abs = path.join(dataDir, rel);
    for (const name of fs.readdirSync(abs).sort()) {
      const r = path.join(rel, name);
      if (['logs', 'backups', 'incoming', 'backup-state.json'].includes(r)) continue;
      const st = fs.statSync(path.join(dataDir, r));
      if (st.isDirectory()) walk(r);
      else hash.update(r).update(fs.readFileSync(path.join(dataDir, r)));
    }
  };
  walk('');
  return hash.digest('hex');
}

/** The library's rows, table by table: equal strings mean the same library. */
function libraryContent(engine: Engine): string {
  const db = engine.database();
  return JSON.stringify(['documents', 'pages', 'chunks', 'conversations', 'messages', 'library_meta'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-backup-'));
});
afterEach(() => {
  for (const e of open.splice(0)) e.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore round trip', () => {
  it('restores the same library, search results and conversations into a wiped data folder', async () => {
    const dataDir = path.join(dir, 'data');
    const a = startEngine(dataDir);
    await importSample(a.engine);
    addConversations(a.engine);
    const before = await libraryPicture(a.call, a.engine);
    expect(before.documents.length).toBe(10);
    expect(before.searches.every((s) => s.length > 0)).toBe(true);

    const { operation } = await a.call<{ operation: Operation }>('backup.create', {});
    const done = await a.engine.operations().waitFor(operation.id);
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    const result = done.result as { path: string; documents: number; counts: { documents: number; chunks: number; conversations: number } };
    expect(result.documents).toBe(10);
    expect(result.counts.conversations).toBe(2);
    expect(path.basename(result.path)).toMatch(/^agente-bsc-\d{8}-\d{6}\.bscbackup$/);
    const listed = await a.call<{ backups: Array<{ path: string; verification: string; counts: unknown }> }>('backup.list');
    expect(listed.backups.map((b) => b.path)).toEqual([result.path]);
    expect(listed.backups[0]?.verification).toBe('ok');
    const progress = a.events.filter((e) => e.name === 'onOperation' && e.payload.id === operation.id).map((e) => (e.payload as Operation).stage);
    expect(progress).toContain('copying database');

    // Wipe the data folder entirely; keep only the archive.
    const archive = path.join(dir, 'kept.bscbackup');
    fs.copyFileSync(result.path, archive);
    a.engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });

    const b = startEngine(dataDir);
    expect((await b.call<{ documents: unknown[] }>('library.list')).documents).toEqual([]);
    const started = await b.call<{ operation: Operation }>('backup.restore', { path: archive });
    const restored = await finished(b.events, started.operation.id);
    expect(restored.state, JSON.stringify(restored.error)).toBe('done');
    const summary = restored.result as { safetyBackup: string | null; documentsRestored: boolean; vectorIndex: string };
    expect(summary.documentsRestored).toBe(true);
    expect(summary.safetyBackup).toMatch(/-before-restore\.bscbackup$/);
    expect(b.events.some((e) => e.name === 'onLibraryChanged' && e.payload.reason === 'restored')).toBe(true);

    const after = await libraryPicture(b.call, b.engine);
    expect(after).toEqual(before);
    // The originals came back, so a document can be re-indexed from them.
    for (const d of before.documents) expect(fs.existsSync(path.join(dataDir, 'documents', `${d.sha256 as string}${path.extname(d.filename as string).toLowerCase()}`))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, RESTORE_MARKER))).toBe(false);
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('.restore') || n.startsWith('.backup-work'))).toEqual([]);
    // The operation is in the restored database's history too.
    expect((await b.call<{ operations: Operation[] }>('operations.list')).operations.find((o) => o.id === started.operation.id)?.state).toBe('done');
  }, 120_000);

  it('a backup taken while an import runs restores to a consistent library', async () => {
    const dataDir = path.join(dir, 'data');
    const a = startEngine(dataDir);
    addConversations(a.engine);
    const jobs = a.engine.importFiles([{ path: sampleLibrary }]);
    // Start as soon as the first document is in: the rest are being imported while the database is copied.
    await waitForJobs(a.engine, jobs.slice(0, 1));
    const running = a.engine.lib().queue.jobs().filter((j) => j.state === 'running' || j.state === 'queued').length;
    // And a chat answer being written at the same time.
    const asked = await a.call<{ conversationId: string; answerId: string }>('chat.ask', { question: 'Quais indicadores usar na perspectiva financeira?' });
    const backup = await createBackup(a.engine, {});
    await waitForJobs(a.engine, jobs);
    console.log(`backup during import: ${running} jobs still running or queued when it began; archive has ${backup.counts.documents} documents`);

    const target = path.join(dir, 'restored');
    const b = startEngine(target);
    const summary = await restoreBackup(b.engine, backup.path);
    expect(summary.counts.documents).toBe(backup.counts.documents);
    const db = b.engine.database();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const n = (sql: string) => db.prepare(sql).pluck().get() as number;
    // Every document whole: its chunks and FTS rows, and its original on disk.
    expect(n(`SELECT count(*) FROM documents WHERE status = 'indexed'`)).toBe(backup.counts.documents);
    expect(n('SELECT count(*) FROM chunks')).toBe(backup.counts.chunks);
    expect(n('SELECT count(*) FROM chunks_fts')).toBe(backup.counts.chunks);
    expect(n(`SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)`)).toBe(0);
    // The answer in flight is either absent, or present as it was at that instant: a placeholder
    // marked partial or the whole answer — never a half-written row marked complete.
    const conversations = n('SELECT count(*) FROM conversations');
    expect([2, 3]).toContain(conversations);
    const answers = db.prepare(`SELECT status, answer_json FROM messages WHERE role = 'assistant' AND id = ?`).all(asked.answerId) as Array<{ status: string; answer_json: string | null }>;
    for (const m of answers) {
      expect(['complete', 'partial']).toContain(m.status);
      if (m.status === 'complete') expect(Answer.parse(JSON.parse(m.answer_json!)).status).toBe('complete');
    }
    console.log(`backup during a chat answer: conversations ${conversations}, answer in flight stored as ${answers.map((m) => m.status).join(',') || 'absent'}`);
    for (const d of b.engine.lib().repo.list()) {
      expect(fs.existsSync(path.join(target, 'documents', `${d.sha256}${path.extname(d.filename).toLowerCase()}`)), d.filename).toBe(true);
    }
    // The restored library is usable: search answers, and the import that was in flight resumes.
    expect((await b.engine.search({ query: 'perspectiva financeira' })).hits.length).toBeGreaterThan(0);
    await waitForJobs(b.engine, b.engine.lib().queue.jobs());
  }, 120_000);

  it('cancelling a backup leaves no archive and no partial file', async () => {
    const a = startEngine(path.join(dir, 'data'));
    await importSample(a.engine);
    const { operation } = await a.call<{ operation: Operation }>('backup.create', {});
    await a.call('operations.cancel', { operationId: operation.id });
    const done = await a.engine.operations().waitFor(operation.id);
    expect(done.state).toBe('cancelled');
    const folder = path.join(dir, 'data', 'backups');
    expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'data')).filter((n) => n.startsWith('.backup-work'))).toEqual([]);
  });

  it('backups without documents or cache, and settings without URL credentials', async () => {
    const a = startEngine(path.join(dir, 'data'));
    await importSample(a.engine);
    a.engine.updateSettings({ vectorStore: { qdrantUrl: 'https://user:s3cret@qdrant.example.com:6333/' } });
    const out = path.join(dir, 'custom', 'only-db.bscbackup');
    fs.mkdirSync(path.dirname(out));
    const r = await createBackup(a.engine, { outPath: out, includeDocuments: false, includeEmbeddingCache: false });
    expect(r.path).toBe(out);
    expect(r.documents).toBe(0);
    const names: string[] = [];
    let settings = '';
    // A person can open it: a plain tar whose first entry is the manifest.
    const extract = tar.extract();
    fs.createReadStream(out).pipe(extract);
    for await (const entry of extract) {
      names.push(entry.header.name);
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.name === 'settings.json') settings = Buffer.concat(chunks).toString();
    }
    expect(names).toEqual(['manifest.json', 'db/app.sqlite', 'settings.json']);
    expect(settings).toContain('qdrant.example.com');
    expect(settings).not.toContain('s3cret');
  });
});

/** A ustar header for a regular file of `size` bytes (tar-stream will not write one without the bytes). */
function ustarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** manifest.json, then a header declaring a 1 GiB db/app.sqlite followed by a few KB: gzip makes it tiny. */
function gigabyteClaim(schema: number): Buffer {
  const manifest = Buffer.from(JSON.stringify({
    format: 'agente-bsc-backup', formatVersion: 1, appVersion: '0.1.0', schemaVersion: schema, createdAt: new Date().toISOString(), hostName: 'h',
    counts: { documents: 0, chunks: 0, conversations: 0 }, embeddingFingerprint: null, vectorStore: { mode: 'embedded', snapshot: 'included' },
    entries: [{ name: 'db/app.sqlite', bytes: 2 ** 30, sha256: '0'.repeat(64) }],
  }));
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  return gzipSync(Buffer.concat([ustarHeader('manifest.json', manifest.length), manifest, pad(manifest.length), ustarHeader('db/app.sqlite', 2 ** 30), Buffer.alloc(16 * 1024)]));
}

describe('restore refuses and keeps the live data as it was', () => {
  const MANIFEST = (files: Array<{ name: string; body: Buffer }>, schemaVersion: number) => ({
    format: 'agente-bsc-backup', formatVersion: 1, appVersion: '0.1.0', schemaVersion, createdAt: new Date().toISOString(), hostName: 'h',
    counts: { documents: 0, chunks: 0, conversations: 0 }, embeddingFingerprint: null, vectorStore: { mode: 'embedded', snapshot: 'included' },
    entries: files.map((f) => ({ name: f.name, bytes: f.body.length, sha256: createHash('sha256').update(f.body).digest('hex') })),
  });
  async function tarGz(entries: Array<{ header: Record<string, unknown> & { name: string }; body?: Buffer }>): Promise<Buffer> {
    const pack = tar.pack();
    for (const e of entries) {
      if (e.body) pack.entry(e.header as unknown as Header, e.body);
      else pack.entry(e.header as unknown as Header).end(null);
    }
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    return gzipSync(Buffer.concat(chunks));
  }

  it('each hostile archive is rejected with its reason; the data folder checksum is unchanged', async () => {
    const dataDir = path.join(dir, 'data');
    const a = startEngine(dataDir);
    await importSample(a.engine);
    addConversations(a.engine);
    // A real database of the current schema, as the archives' payload.
    const good = await createBackup(a.engine, { outPath: path.join(dir, 'good.bscbackup'), includeDocuments: false, includeEmbeddingCache: false });
    const unpacked = path.join(dir, 'good-unpacked');
    await extractBackup(good.path, unpacked, { maxSchemaVersion: LATEST_SCHEMA_VERSION });
    const dbBytes = fs.readFileSync(path.join(unpacked, 'db', 'app.sqlite'));
    const schema = (a.engine.database().pragma('user_version', { simple: true }) as number);
    const files = [{ name: 'db/app.sqlite', body: dbBytes }, { name: 'settings.json', body: Buffer.from('{}') }];
    const ok = (extra: Array<{ header: Record<string, unknown> & { name: string }; body?: Buffer }> = [], manifestFiles = files, v = schema) =>
      tarGz([{ header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(MANIFEST(manifestFiles, v))) }, ...files.map((f) => ({ header: { name: f.name }, body: f.body })), ...extra]);
    const corruptDb = Buffer.from(dbBytes);
    const pageSize = corruptDb.readUInt16BE(16);
    for (let p = 2; p < corruptDb.length / pageSize; p += 3) corruptDb.fill(0xa5, p * pageSize + 8, p * pageSize + 64);
    const whole = await ok();

    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated', whole.subarray(0, Math.floor(whole.length / 2)), /truncated/],
      ['corrupted byte', (() => { const b = Buffer.from(whole); b[Math.floor(b.length / 2)]! ^= 0xff; return b; })(), /checksum mismatch|damaged/],
      ['not a backup', Buffer.from('just some text, not an archive'), /neither a tar archive nor gzip-compressed/],
      ['newer schema', await ok([], files, schema + 1), /newer version of Agente BSC/],
      ['../ escape', await ok([{ header: { name: '../evil' }, body: Buffer.from('x') }]), /unsafe name/],
      ['absolute path', await ok([{ header: { name: path.join(dir, 'abs-evil') }, body: Buffer.from('x') }]), /absolute path/],
      ['drive letter', await ok([{ header: { name: 'C:/evil' }, body: Buffer.from('x') }]), /drive letter/],
      ['symlink', await ok([{ header: { name: 'documents/link', type: 'symlink', linkname: '/etc' } }]), /symbolic link/],
      ['hard link', await ok([{ header: { name: 'documents/hard', type: 'link', linkname: '/etc/passwd' } }]), /hard link/],
      ['duplicate entry', await ok([{ header: { name: 'settings.json' }, body: Buffer.from('{}') }]), /more than once/],
      ['decompression bomb', await ok([], [...files, { name: 'documents/bomb.pdf', body: Buffer.alloc(1024) }]).then(async () =>
        tarGz([{ header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(MANIFEST([...files, { name: 'documents/bomb.pdf', body: Buffer.alloc(1024) }], schema))) },
          ...files.map((f) => ({ header: { name: f.name }, body: f.body })), { header: { name: 'documents/bomb.pdf' }, body: Buffer.alloc(64 * 1024 * 1024) }])), /manifest declares 1024/],
      ['database failing integrity_check', await tarGz([{ header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(MANIFEST([{ name: 'db/app.sqlite', body: corruptDb }, files[1]!], schema))) },
        { header: { name: 'db/app.sqlite' }, body: corruptDb }, { header: { name: 'settings.json' }, body: files[1]!.body }]), /integrity_check|cannot be read|schema version/],
    ];

    // The probe of issue 13: a trigger that empties the library at the next import.
    const trapped = path.join(dir, 'trapped.sqlite');
    fs.writeFileSync(trapped, dbBytes);
    const trap = new Database(trapped);
    trap.exec('CREATE TRIGGER wipe_library AFTER INSERT ON chunks BEGIN DELETE FROM documents; END');
    trap.close();
    const trappedDb = fs.readFileSync(trapped);
    const trappedFiles = [{ name: 'db/app.sqlite', body: trappedDb }, files[1]!];
    cases.push(['extra trigger', await tarGz([{ header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(MANIFEST(trappedFiles, schema))) },
      ...trappedFiles.map((f) => ({ header: { name: f.name }, body: f.body }))]), /schema is not the one Agente BSC builds.*unexpected trigger wipe_library on chunks/]);
    // A tiny archive whose manifest and tar header declare a 1 GiB database.
    cases.push(['declared 1 GiB', gigabyteClaim(schema), /declares 1024 MiB of entries in a 0\.0 MiB archive.*nothing was written/]);

    const before = dataChecksum(dataDir);
    const docsBefore = a.engine.lib().repo.list().map((d) => d.id);
    for (const [label, bytes, reason] of cases) {
      const file = path.join(dir, `${label.replace(/\W+/g, '-')}.bscbackup`);
      fs.writeFileSync(file, bytes);
      const err = await restoreBackup(a.engine, file).then(() => null, (e: unknown) => e);
      expect(err, label).toBeInstanceOf(BscError);
      expect((err as BscError).code, label).toBe('BACKUP_INVALID');
      const problems = ((err as BscError).details as { problems: string[] }).problems.join('\n');
      expect(problems, label).toMatch(reason);
      expect(dataChecksum(dataDir), label).toBe(before);
      expect(fs.existsSync(path.join(dir, 'abs-evil')) || fs.existsSync(path.join(dataDir, '..', 'evil')), label).toBe(false);
    }
    // Verify stops at the manifest: far less than the declared GiB was inflated, let alone written.
    const claim = await verifyBackup(path.join(dir, 'declared-1-GiB.bscbackup'), { maxSchemaVersion: LATEST_SCHEMA_VERSION, tempDir: path.join(dir, 'scratch') });
    expect(claim.ok).toBe(false);
    expect(claim.inflatedBytes).toBeLessThan(64 * 1024);
    // The trigger never ran: an import into the kept library keeps its documents.
    await waitForJobs(a.engine, a.engine.importFiles([{ path: path.join(sampleLibrary, fs.readdirSync(sampleLibrary).find((n) => n.endsWith('.md'))!) }]));
    expect(a.engine.lib().repo.list().length).toBeGreaterThanOrEqual(docsBefore.length);
    // Nothing was staged, no safety backup was taken (verification comes first), the library still answers.
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('.restore'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'backups')) ? fs.readdirSync(path.join(dataDir, 'backups')) : []).toEqual([]);
    expect(a.engine.lib().repo.list().map((d) => d.id)).toEqual(docsBefore);

    // Through the contract: the operation fails with the reason, and the list shows the file as failed.
    const viaApi = await a.call<{ operation: Operation }>('backup.restore', { path: path.join(dir, 'truncated.bscbackup') });
    const failed = await finished(a.events, viaApi.operation.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('BACKUP_INVALID');
    expect(failed.error?.message).toMatch(/truncated/);
  }, 120_000);

  it('an archive made the old way (format 1: one tar.gz, nothing stored apart) still restores', async () => {
    const a = startEngine(path.join(dir, 'data-a'));
    await importSample(a.engine);
    const made = await createBackup(a.engine, { outPath: path.join(dir, 'new-format.bscbackup') });
    expect(made.path).toBeTruthy();
    const unpacked = path.join(dir, 'unpacked');
    const manifest = await extractBackup(made.path, unpacked, { maxSchemaVersion: LATEST_SCHEMA_VERSION });
    const files = manifest.entries.map((e) => ({ name: e.name, body: fs.readFileSync(path.join(unpacked, ...e.name.split('/'))) }));
    const oldWay = path.join(dir, 'old-format.bscbackup');
    fs.writeFileSync(oldWay, await tarGz([{ header: { name: 'manifest.json' }, body: Buffer.from(JSON.stringify(MANIFEST(files, manifest.schemaVersion))) },
      ...files.map((f) => ({ header: { name: f.name }, body: f.body }))]));
    const b = startEngine(path.join(dir, 'data-b'));
    const summary = await restoreBackup(b.engine, oldWay);
    expect(summary.documentsRestored).toBe(true);
    expect(b.engine.lib().repo.list().map((d) => d.id).sort()).toEqual(a.engine.lib().repo.list().map((d) => d.id).sort());
    const hits = async (e: Engine) => (await e.search({ query: 'perspectiva financeira', k: 5 })).hits.map((h) => h.chunkId);
    expect(await hits(b.engine)).toEqual(await hits(a.engine));
  }, 120_000);

  it('a failure after the swap puts the previous data back and says so', async () => {
    const dataDir = path.join(dir, 'data');
    const a = startEngine(dataDir);
    await importSample(a.engine);
    const backup = await createBackup(a.engine, { outPath: path.join(dir, 'b.bscbackup') });
    // Change the library after the backup, so old and restored data differ.
    const victim = a.engine.lib().repo.list()[0]!;
    a.engine.deleteDocument(victim.id);
    const docsBefore = a.engine.lib().repo.list().map((d) => d.id);
    const contentBefore = libraryContent(a.engine);
    const originalsBefore = fs.readdirSync(path.join(dataDir, 'documents')).sort();

    // An engine whose first reopen after the swap fails (as a disk error would).
    let failOnce = true;
    const flaky: RestoreEngine = new Proxy(a.engine, {
      get(target, prop, receiver) {
        if (prop === 'quiesce') {
          return async () => {
            const reopen = await target.quiesce();
            return () => {
              if (failOnce) { failOnce = false; throw new Error('simulated: the database could not be opened'); }
              reopen();
            };
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
    });
    const err = await restoreBackup(flaky, backup.path).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BscError);
    expect((err as BscError).code).toBe('RESTORE_FAILED');
    expect((err as BscError).message).toMatch(/simulated.*previous library is back in place, and a safety backup is at .*before-restore/);
    expect(a.engine.lib().repo.list().map((d) => d.id)).toEqual(docsBefore);
    // The same rows and originals as before (the file bytes differ only by SQLite's checkpoint on close).
    expect(libraryContent(a.engine)).toBe(contentBefore);
    expect(fs.readdirSync(path.join(dataDir, 'documents')).sort()).toEqual(originalsBefore);
    expect(a.engine.database().pragma('integrity_check', { simple: true })).toBe('ok');
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith('.restore') || n === RESTORE_MARKER)).toEqual([]);

    // And the same restore without the failure brings the deleted document back.
    await restoreBackup(a.engine, backup.path);
    expect(a.engine.lib().repo.get(victim.id)?.filename).toBe(victim.filename);
  }, 120_000);

  it('migrates a restored database from an older schema', async () => {
    // A library database as an older app left it: schema 2 (before the operations table), with content.
    const work = path.join(dir, 'old');
    fs.mkdirSync(work);
    const dbFile = path.join(work, 'app.sqlite');
    const db = new Database(dbFile);
    migrate(db, 2);
    db.exec(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, status, created_at) VALUES ('doc_old', 'abc', 'antigo.md', 'text/markdown', 10, 1, 'indexed', '2024-01-01T00:00:00Z');
      INSERT INTO chunks (id, document_id, ord, page_start, page_end, text) VALUES (1, 'doc_old', 0, 1, 1, 'perspectiva financeira antiga');
      INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c-old', 'antiga', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const settingsFile = path.join(work, 'settings.json');
    fs.writeFileSync(settingsFile, '{}');
    const old = path.join(dir, 'old.bscbackup');
    const { writeBackupArchive } = await import('./archive');
    await writeBackupArchive({
      outPath: old,
      manifest: { ...MANIFEST([], 2), entries: undefined } as never,
      files: [{ name: 'db/app.sqlite', path: dbFile }, { name: 'settings.json', path: settingsFile }],
    });
    const b = startEngine(path.join(dir, 'other'));
    const summary = await restoreBackup(b.engine, old);
    expect(summary.schemaVersion).toEqual({ backup: 2, now: b.engine.database().pragma('user_version', { simple: true }) });
    expect(summary.schemaVersion.now).toBe(LATEST_SCHEMA_VERSION);
    expect(b.engine.database().pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(b.engine.lib().repo.list().map((d) => d.filename)).toEqual(['antigo.md']);
    expect(b.engine.operations().list()).toBeInstanceOf(Array);
  }, 120_000);
});
