import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImportJob, type WatchedFolder, defaultSettings } from '../../../preload/contract';
import { LibraryRepository } from '../db/library';
import { type AppDatabase, openAppDatabase } from '../db/open';
import { ImportQueue } from '../ingest/import-queue';
import { silentLog } from '../observability/log';
import { ftsMatchQuery } from '../retrieval/analyze';
import { type WatchService, createWatchService } from './watch-service';

async function pdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 16, size: 11, font }));
  return doc.save();
}

/** A real library (SQLite, import queue, extraction) with the watch service over it, as the engine wires them. */
class Library {
  db!: AppDatabase;
  repo!: LibraryRepository;
  queue!: ImportQueue;
  watch!: WatchService;
  readonly imports: string[] = [];
  readonly statuses: WatchedFolder[] = [];
  private readonly listeners = new Set<(job: ImportJob) => void>();

  constructor(private readonly dataDir: string, private readonly roots: string[] | null = null) {}

  open(): this {
    fs.mkdirSync(this.dataDir, { recursive: true });
    this.db = openAppDatabase(path.join(this.dataDir, 'library.sqlite'));
    this.repo = new LibraryRepository(this.db);
    let next = this.repo.nextChunkId();
    this.queue = new ImportQueue({
      db: this.db, repo: this.repo, documentsDir: path.join(this.dataDir, 'documents'), incomingDir: path.join(this.dataDir, 'incoming'),
      settings: () => ({ ...defaultSettings, ocr: { ...defaultSettings.ocr, enabled: false } }), embedder: () => null, vectors: null,
      allocateChunkIds: (n) => { const first = next; next += n; return first; },
      log: silentLog, onJob: (job) => { for (const l of this.listeners) l(job); }, onLibraryChanged: () => {}, concurrency: 1,
    });
    this.watch = createWatchService({
      db: () => this.db,
      enqueueImport: (file, filename) => { this.imports.push(filename); return this.queue.enqueue([{ path: file }], { filename })[0]; },
      deleteDocument: (id) => this.repo.delete(id).deleted,
      onImportJob: (l) => { this.listeners.add(l); return () => this.listeners.delete(l); },
      emit: (s) => this.statuses.push(s),
      log: silentLog, importRoots: () => this.roots, active: true, stabilityMs: 150, renameGraceMs: 700, rescanEveryMs: 500,
    });
    return this;
  }

  async close(): Promise<void> {
    await this.watch.stop();
    this.queue.close();
    while (!this.queue.drained) await new Promise((r) => setTimeout(r, 20));
    this.db.close();
  }

  byName(): Record<string, string> {
    return Object.fromEntries(this.repo.list().map((d) => [d.filename, d.id]));
  }

  searchable(word: string): number {
    const match = ftsMatchQuery(word, ['pt', 'en', 'other']);
    return (this.db.prepare('SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?').get(match) as { n: number }).n;
  }

  async until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for: ${what}; library: ${JSON.stringify(this.byName())}; jobs: ${JSON.stringify(this.queue.jobs().map((j) => [j.filename, j.state, j.error?.message]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.watch.settled();
  }
}

describe('watched folders over a real library', () => {
  let dir: string;
  let folder: string;
  let lib: Library;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-watch-'));
    folder = path.join(dir, 'Cliente A');
    fs.mkdirSync(folder);
    lib = new Library(path.join(dir, 'data')).open();
  });
  afterEach(async () => {
    await lib?.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const put = (rel: string, body: string | Uint8Array) => {
    fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
    fs.writeFileSync(path.join(folder, rel), body);
  };

  it('picks up a new, a changed, a renamed and a deleted file, and the same across a restart', async () => {
    put('plano.pdf', await pdf(['Plano estrategico', 'A comunidade quilombola participou do planejamento.']));
    await lib.watch.add(folder, 'remove');
    await lib.until('the existing PDF imported', () => lib.byName()['Cliente A/plano.pdf'] !== undefined);
    expect(lib.searchable('quilombola')).toBe(1);
    const planoId = lib.byName()['Cliente A/plano.pdf'];

    // New file, in a subfolder.
    put('notas/reuniao.md', '# Reunião\n\nO indicador de retenção de clientes subiu para 93%.');
    await lib.until('a new file imported', () => lib.byName()['Cliente A/notas/reuniao.md'] !== undefined);
    expect(lib.searchable('retenção')).toBe(1);

    // Changed file: the new version replaces the old one.
    put('notas/reuniao.md', '# Reunião\n\nA margem operacional caiu no trimestre.');
    await lib.until('the changed file re-imported', () => lib.searchable('margem') === 1 && lib.searchable('retenção') === 0);
    expect(Object.keys(lib.byName()).filter((n) => n.includes('reuniao'))).toHaveLength(1);

    // Renamed file: same document, not imported again.
    const importsBefore = lib.imports.length;
    fs.renameSync(path.join(folder, 'plano.pdf'), path.join(folder, 'plano-2025.pdf'));
    await lib.until('the rename seen', () => lib.byName()['Cliente A/plano-2025.pdf'] !== undefined);
    expect(lib.byName()['Cliente A/plano-2025.pdf']).toBe(planoId);
    expect(lib.imports.length).toBe(importsBefore);
    await new Promise((r) => setTimeout(r, 900)); // past the rename grace: nothing is deleted
    expect(lib.byName()['Cliente A/plano-2025.pdf']).toBe(planoId);

    // Deleted file: removed from the library (this folder's setting is 'remove').
    fs.rmSync(path.join(folder, 'notas/reuniao.md'));
    await lib.until('the deleted file removed', () => lib.searchable('margem') === 0);
    expect(Object.keys(lib.byName())).toEqual(['Cliente A/plano-2025.pdf']);

    // Unchanged files are never imported again: touching nothing, a rescan queues nothing.
    const [status] = lib.watch.list();
    await lib.watch.scan(status!.id);
    expect(lib.imports.length).toBe(importsBefore);

    // While the app is closed: one new, one changed, one renamed, one deleted.
    put('extra.txt', 'Capacitação da equipe comercial em negociação.');
    await lib.until('extra.txt imported', () => lib.byName()['Cliente A/extra.txt'] !== undefined);
    put('gone.txt', 'Arquivo temporário sobre logística reversa.');
    await lib.until('gone.txt imported', () => lib.byName()['Cliente A/gone.txt'] !== undefined);
    await lib.close();
    put('novo.md', '# Novo\n\nO mapa estratégico liga aprendizado a processos.');
    put('extra.txt', 'Treinamento em liderança para gerentes de loja, atualizado.');
    fs.renameSync(path.join(folder, 'plano-2025.pdf'), path.join(folder, 'plano-final.pdf'));
    fs.rmSync(path.join(folder, 'gone.txt'));
    const importsWhileClosed = lib.imports.length;

    lib.open();
    await lib.watch.start();
    await lib.until('changes made while closed found at start', () => {
      const names = lib.byName();
      return names['Cliente A/novo.md'] !== undefined && lib.searchable('liderança') === 1 && names['Cliente A/plano-final.pdf'] !== undefined && names['Cliente A/gone.txt'] === undefined;
    });
    expect(lib.byName()['Cliente A/plano-final.pdf']).toBe(planoId);
    expect(lib.searchable('capacitação')).toBe(0);
    expect(lib.searchable('logística')).toBe(0);
    expect(Object.keys(lib.byName()).sort()).toEqual(['Cliente A/extra.txt', 'Cliente A/novo.md', 'Cliente A/plano-final.pdf']);
    // Only the new and the changed file were read again.
    expect(lib.imports.slice(importsWhileClosed).sort()).toEqual(['Cliente A/extra.txt', 'Cliente A/novo.md']);
    const final = lib.watch.list()[0]!;
    expect(final).toMatchObject({ state: 'watching', files: 3, indexed: 3, failed: 0, lastError: null });
    expect(lib.statuses.length).toBeGreaterThan(0);
  }, 90_000);

  it("keeps a deleted file's document by default, and waits for a file's size to settle", async () => {
    const added = await lib.watch.add(folder);
    expect(added.onDelete).toBe('keep');
    // Written in two parts with a pause shorter than the stability window: imported once, whole.
    const fd = fs.openSync(path.join(folder, 'lento.txt'), 'w');
    fs.writeSync(fd, 'Primeira parte sobre fidelização. ');
    await new Promise((r) => setTimeout(r, 80));
    fs.writeSync(fd, 'Segunda parte sobre rentabilidade.');
    fs.closeSync(fd);
    await lib.until('the slow file imported', () => lib.searchable('rentabilidade') === 1);
    expect(lib.imports).toEqual(['Cliente A/lento.txt']);
    fs.rmSync(path.join(folder, 'lento.txt'));
    await lib.until('the deletion noticed', () => lib.watch.list()[0]!.missing === 1, 10_000);
    await new Promise((r) => setTimeout(r, 900));
    await lib.watch.settled();
    expect(lib.searchable('rentabilidade')).toBe(1);
    expect(lib.watch.list()[0]).toMatchObject({ files: 1, missing: 1, indexed: 0 });
  }, 60_000);

  it('refuses what is not a folder, folders outside the server roots, and never deletes for an unreachable folder', async () => {
    await expect(lib.watch.add('relative/path')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(lib.watch.add(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    put('a.txt', 'texto qualquer sobre estratégia');
    await expect(lib.watch.add(path.join(folder, 'a.txt'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await lib.close();
    lib = new Library(path.join(dir, 'data'), [path.join(dir, 'allowed')]).open();
    await expect(lib.watch.add(folder)).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED', message: expect.stringMatching(/outside the folders this server may read/) });
    await lib.close();

    lib = new Library(path.join(dir, 'data')).open();
    const { id } = await lib.watch.add(folder, 'remove');
    await lib.until('imported', () => lib.searchable('estratégia') === 1);
    await lib.close();
    fs.renameSync(folder, `${folder}-offline`);
    lib.open();
    await lib.watch.start();
    await lib.watch.scan(id);
    expect(lib.watch.list()[0]).toMatchObject({ state: 'unavailable', files: 1 });
    expect(lib.watch.list()[0]!.lastError).toMatch(/not reachable; nothing was removed/);
    expect(lib.searchable('estratégia')).toBe(1);

    // The drive comes back: watched again at the next periodic check, and new files are picked up.
    fs.renameSync(`${folder}-offline`, folder);
    await lib.until('the folder watched again', () => lib.watch.list()[0]!.state === 'watching', 10_000);
    put('b.txt', 'Novo arquivo sobre governança corporativa.');
    await lib.until('a file in the returned folder imported', () => lib.searchable('governança') === 1);
    expect(await lib.watch.remove(id)).toBe(true);
    expect(lib.watch.list()).toEqual([]);
    expect(lib.searchable('estratégia')).toBe(1);
  }, 60_000);
});
