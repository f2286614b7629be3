import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, ImportJob } from '../../../preload/contract';
import { Engine } from '../engine';
import { silentLog } from '../observability/log';
import { waitForJobs } from '../../../test/wait-for-jobs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/pdfs');
const hasCorpus = fs.existsSync(path.join(corpus, 'INDEX.tsv'));
if (!hasCorpus) console.log('skipped corpus cases: ../shared/corpus/pdfs is absent');


async function portuguesePdf(pages: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = pdf.addPage([595, 842]);
    text.split('\n').forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 16, size: 11, font }));
  }
  pdf.setCreationDate(new Date('2026-01-01'));
  pdf.setModificationDate(new Date('2026-01-01'));
  return pdf.save();
}

describe('import queue over a real engine and database', () => {
  let dir: string;
  let files: string;
  let engine: Engine;
  let events: EngineEvent[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-import-'));
    files = path.join(dir, 'in');
    fs.mkdirSync(files);
    events = [];
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, emit: (e) => events.push(e) });
  });
  afterEach(() => {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settle = (jobs: Array<Pick<ImportJob, 'id'>>, timeoutMs?: number) => waitForJobs(engine, jobs, timeoutMs);

  function write(name: string, bytes: Uint8Array | string): string {
    const p = path.join(files, name);
    fs.writeFileSync(p, bytes);
    return p;
  }

  it('indexes a PDF with its real pages, reports progress, and says "already in the library" for the same bytes', async () => {
    const pdf = write('relatorio.pdf', await portuguesePdf([
      'Relatório anual\nA perspectiva financeira mede a receita.',
      'Capítulo dois\nA comunidade quilombola participou do planejamento estratégico.',
      'Conclusão\nIndicadores de desempenho e metas.',
    ]));
    const [job] = await settle(engine.importFiles([{ path: pdf }]));
    expect(job).toMatchObject({ state: 'done', pages: 3 });
    const docs = engine.lib().repo.list();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ filename: 'relatorio.pdf', pageCount: 3, lang: 'pt' });
    const pages = engine.lib().repo.pagesWithChunks(docs[0]!.id);
    expect(pages.map((p) => p.label)).toEqual(['1', '2', '3']);
    expect(pages[1]!.text).toContain('quilombola');
    expect(pages.every((p) => p.chunks.length > 0)).toBe(true);
    const progress = events.filter((e) => e.name === 'onImportProgress').map((e) => (e.payload as ImportJob).stage);
    expect(progress).toEqual(expect.arrayContaining(['extracting', 'chunking', 'writing', 'done']));
    expect(events.some((e) => e.name === 'onLibraryChanged')).toBe(true);
    // The original is kept for backups and re-indexing.
    expect(fs.readdirSync(engine.paths.documents)).toHaveLength(1);

    const copy = write('copia.pdf', fs.readFileSync(pdf));
    const started = Date.now();
    const [again] = await settle(engine.importFiles([{ path: copy }]));
    expect(again).toMatchObject({ state: 'done', note: 'already in the library', documentId: docs[0]!.id });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(engine.lib().repo.list()).toHaveLength(1);
  });

  it('gives every bad file its own clear error while the rest of the batch is indexed, and changes nothing else', async () => {
    const good = write('bom.md', '# Clientes\n\nA retenção de clientes e o NPS medem a perspectiva do cliente.\n');
    const [first] = await settle(engine.importFiles([{ path: good }]));
    expect(first!.state).toBe('done');
    const before = engine.lib().repo.list();
    const jobs = await settle(engine.importFiles([
      { path: write('vazio.txt', '') },
      { path: write('planilha.xlsx', 'PK\u0003\u0004 not really a spreadsheet') },
      { path: write('quebrado.pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF') },
      { path: path.join(files, 'sumiu.pdf') },
      { path: write('notas.txt', 'Aprendizado e crescimento: horas de treinamento por colaborador.') },
    ]));
    expect(jobs.map((j) => [j.filename, j.state, j.error?.code ?? null])).toEqual([
      ['vazio.txt', 'failed', 'EMPTY_FILE'],
      ['planilha.xlsx', 'failed', 'UNSUPPORTED_TYPE'],
      ['quebrado.pdf', 'failed', 'DAMAGED_FILE'],
      ['sumiu.pdf', 'failed', 'NOT_FOUND'],
      ['notas.txt', 'done', null],
    ]);
    for (const j of jobs.filter((x) => x.state === 'failed')) expect(j.error!.message.length).toBeGreaterThan(10);
    const after = engine.lib().repo.list();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((d) => d.id === before[0]!.id)).toEqual(before[0]);
  });

  it('refuses files over the size limit', async () => {
    engine.updateSettings({ import: { maxFileMb: 1 } });
    const big = write('grande.txt', 'a'.repeat(1024 * 1024 + 10));
    const [job] = await settle(engine.importFiles([{ path: big }]));
    expect(job).toMatchObject({ state: 'failed', error: { code: 'TOO_LARGE' } });
    expect(job!.error!.message).toMatch(/limit is 1 MB/);
  });

  it.skipIf(!hasCorpus)('asks for the password of an encrypted PDF, says when it is wrong, and indexes it with the right one', async () => {
    const enc = path.join(corpus, 'issue6010_1.pdf');
    const [job] = await settle(engine.importFiles([{ path: enc }]));
    expect(job).toMatchObject({ state: 'needs-password', error: { code: 'NEEDS_PASSWORD' } });
    const [wrong] = await settle([engine.lib().queue.providePassword(job!.id, 'nope')]);
    expect(wrong).toMatchObject({ state: 'needs-password', error: { code: 'WRONG_PASSWORD' } });
    const [ok] = await settle([engine.lib().queue.providePassword(job!.id, 'abc')]);
    expect(ok).toMatchObject({ state: 'done', pages: 1 });
    expect(engine.lib().repo.pagesWithChunks(ok!.documentId!)[0]!.text).toContain('Issue 6010');
  });

  it('replaces a changed file of the same name atomically, re-indexes and deletes', async () => {
    const p = write('plano.md', '# Plano\n\nVersão um do plano estratégico com metas de receita.\n');
    const [v1] = await settle(engine.importFiles([{ path: p }]));
    fs.writeFileSync(p, '# Plano\n\nVersão dois do plano estratégico com metas de retenção de clientes.\n');
    const [v2] = await settle(engine.importFiles([{ path: p }]));
    expect(v2).toMatchObject({ state: 'done', note: 'replaced the earlier version of plano.md' });
    const docs = engine.lib().repo.list();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.id).toBe(v2!.documentId);
    expect(docs[0]!.id).not.toBe(v1!.documentId);
    const db = engine.database();
    expect(db.prepare('SELECT count(*) AS n FROM chunks WHERE document_id = ?').get(v1!.documentId)).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM chunks_fts').get()).toEqual(db.prepare('SELECT count(*) AS n FROM chunks').get());

    const re = engine.reindexDocument(docs[0]!.id);
    const [done] = await settle([re]);
    expect(done).toMatchObject({ state: 'done', note: 're-indexed', documentId: docs[0]!.id });

    expect(engine.deleteDocument(docs[0]!.id)).toBe(true);
    expect(engine.lib().repo.list()).toHaveLength(0);
    expect(db.prepare('SELECT count(*) AS n FROM chunks_fts').get()).toEqual({ n: 0 });
    expect(fs.readdirSync(engine.paths.documents)).toHaveLength(0);
    expect(engine.deleteDocument(docs[0]!.id)).toBe(false);
  });

  it('walks folders recursively, skipping hidden and unsupported files, and can cancel queued work', async () => {
    fs.mkdirSync(path.join(files, 'sub/deeper'), { recursive: true });
    fs.mkdirSync(path.join(files, '.hidden'));
    write('a.md', '# A\n\nTexto sobre receita e lucro.');
    write('sub/b.txt', 'Texto sobre clientes e satisfação.');
    write('sub/deeper/c.md', '# C\n\nTexto sobre processos internos.');
    write('sub/ignorar.gif', 'not supported');
    write('.hidden/d.md', '# D');
    const jobs = await settle(engine.importFiles([{ path: files }]));
    expect(jobs.map((j) => j.filename).sort()).toEqual(['a.md', 'b.txt', 'c.md']);
    expect(jobs.every((j) => j.state === 'done')).toBe(true);

    const many = Array.from({ length: 6 }, (_, i) => ({ path: write(`n${i}.txt`, `Nota ${i} sobre indicadores e metas ${'x'.repeat(i)}`) }));
    const queued = engine.importFiles(many);
    const cancelled = engine.lib().queue.cancel();
    expect(cancelled).toBeGreaterThan(0);
    const end = await settle(queued);
    expect(end.filter((j) => j.state === 'cancelled').length).toBe(cancelled);
  });

  it('after a restart, resumes an interrupted job once and fails it after a second interruption', async () => {
    const p = write('retomar.md', '# Retomar\n\nTexto do documento interrompido.');
    const db = engine.database();
    const insert = db.prepare(`INSERT INTO import_jobs (id, path, filename, state, stage, attempts, created_at, updated_at) VALUES (?, ?, ?, 'running', 'extracting', ?, 't', 't')`);
    insert.run('j-once', p, 'retomar.md', 1);
    insert.run('j-twice', p, 'crash.md', 2);
    engine.close();
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, emit: (e) => events.push(e) });
    const jobs = await settle([{ id: 'j-once' } as ImportJob, { id: 'j-twice' } as ImportJob]);
    expect(jobs[0]).toMatchObject({ state: 'done' });
    expect(jobs[1]).toMatchObject({ state: 'failed', error: { code: 'DAMAGED_FILE' } });
    expect(jobs[1]!.error!.message).toMatch(/interrupted twice/);
  });

  it('closing the engine mid-import leaves the job to resume at the next start, with no stray writes', async () => {
    const pages = Array.from({ length: 40 }, (_, i) => `Página ${i + 1}\nIndicadores de desempenho e metas da perspectiva financeira, parte ${i + 1}.`);
    const pdf = write('longo.pdf', await portuguesePdf(pages));
    const [job] = engine.importFiles([{ path: pdf }]);
    engine.close(); // while it is being read
    await new Promise((r) => setTimeout(r, 500)); // any late write would surface here as an unhandled error
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, emit: (e) => events.push(e) });
    const [resumed] = await settle([job!]);
    expect(resumed, JSON.stringify(resumed?.error)).toMatchObject({ state: 'done', pages: 40 });
    expect(engine.lib().repo.list().map((d) => d.filename)).toEqual(['longo.pdf']);
  });

  it('deletes day-old uploads that no waiting job needs, and keeps the rest', async () => {
    const incoming = engine.paths.incoming;
    fs.mkdirSync(incoming, { recursive: true });
    const orphan = path.join(incoming, 'orphan-upload-1');
    const fresh = path.join(incoming, 'fresh-upload-22');
    const waiting = path.join(incoming, 'waiting-upload-3');
    for (const f of [orphan, fresh, waiting]) fs.writeFileSync(f, 'x');
    const dayAgo = new Date(Date.now() - 2 * 86_400_000);
    fs.utimesSync(orphan, dayAgo, dayAgo);
    fs.utimesSync(waiting, dayAgo, dayAgo);
    engine.database().prepare(`INSERT INTO import_jobs (id, path, filename, state, stage, created_at, updated_at) VALUES ('w', ?, 'cifrado.pdf', 'needs-password', 'extracting', 't', 't')`).run(waiting);
    expect(engine.lib().queue.sweepOrphanUploads()).toEqual(['orphan-upload-1']);
    expect(fs.existsSync(fresh) && fs.existsSync(waiting)).toBe(true);
  });

  it('loads the sample library', async () => {
    const jobs = await settle(engine.importFiles([{ path: engine.sampleLibraryDir() }]), 120_000);
    expect(jobs.length).toBeGreaterThanOrEqual(8);
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    const pdf = engine.lib().repo.list().find((d) => d.filename.endsWith('.pdf'))!;
    const labels = engine.lib().repo.pagesWithChunks(pdf.id).map((p) => p.label);
    expect(labels.slice(0, 4)).toEqual(['i', 'ii', 'iii', '1']);
    const raw = new Database(engine.paths.database, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
