import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportJob, defaultSettings } from '../../../preload/contract';
import { LibraryRepository } from '../db/library';
import { type AppDatabase, openAppDatabase } from '../db/open';
import { silentLog } from '../observability/log';
import { queryLanguagesOf } from '../retrieval/analyze';
import { retrieve } from '../retrieval/retrieve';
import { createEmbeddedStore } from '../vectorstore/embedded';
import { ImportQueue } from './import-queue';

// The same report paragraph in four languages, each with a word of its own, as a consultant's
// mixed folder holds them; the Spanish one is the form once tagged Portuguese.
const files: Record<string, string> = {
  'formulario.txt': `SOLICITUD DE REEMBOLSO DE GASTOS DE VIAJE
Nombre y apellidos del solicitante, número de documento y departamento.
Por favor, rellene todos los campos con letra clara y adjunte las facturas originales de los gastos.
La empresa se reserva el derecho de verificar los datos declarados en este formulario de reembolso.`,
  'rapport.md': `# Rapport trimestriel

Le tableau de bord prospectif permet aux dirigeants de traduire la stratégie de l'entreprise en objectifs
mesurables. Les indicateurs de fidélisation des clients sont revus chaque trimestre par le comité de direction.`,
  'bericht.txt': `Quartalsbericht der Geschäftsführung
Die Balanced Scorecard übersetzt die Strategie des Unternehmens in Ziele und Kennzahlen. Die Kundenbindung
und die Mitarbeiterzufriedenheit werden jedes Quartal von der Geschäftsführung überprüft und bewertet.`,
  'relatorio.txt': `Relatório trimestral da diretoria
O Balanced Scorecard traduz a estratégia da empresa em objetivos e indicadores. A fidelização dos clientes
e a satisfação dos colaboradores são revisadas a cada trimestre pela diretoria executiva da cooperativa.`,
};

describe('languages through the real importer and search', () => {
  let dir: string;
  let db: AppDatabase;
  let repo: LibraryRepository;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-lang-'));
    db = openAppDatabase(path.join(dir, 'library.sqlite'));
    repo = new LibraryRepository(db);
    let next = repo.nextChunkId();
    const done = new Set<string>();
    const queue = new ImportQueue({
      db, repo, documentsDir: path.join(dir, 'documents'), incomingDir: path.join(dir, 'incoming'),
      settings: () => defaultSettings, embedder: () => null, vectors: null,
      allocateChunkIds: (n) => { const first = next; next += n; return first; },
      log: silentLog, onJob: (job: ImportJob) => { if (job.state === 'done' || job.state === 'failed') done.add(job.id); }, onLibraryChanged: () => {},
    });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const jobs = queue.enqueue(Object.keys(files).map((name) => ({ path: path.join(dir, name) })));
    const until = Date.now() + 60_000;
    while (!jobs.every((j) => done.has(j.id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    queue.close();
  }, 90_000);
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tags each document and its chunks with its language; another language is und', () => {
    const langs = Object.fromEntries(repo.list().map((d) => [d.filename, d.lang]));
    expect(langs).toEqual({ 'formulario.txt': 'es', 'rapport.md': 'fr', 'bericht.txt': 'und', 'relatorio.txt': 'pt' });
    const chunkLangs = db.prepare('SELECT d.filename, c.lang FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY d.filename').all();
    expect(chunkLangs).toEqual([
      { filename: 'bericht.txt', lang: 'und' }, { filename: 'formulario.txt', lang: 'es' }, { filename: 'rapport.md', lang: 'fr' }, { filename: 'relatorio.txt', lang: 'pt' },
    ]);
  });

  it("finds each passage with a question in its own language (the query is analysed as the index was)", async () => {
    const store = createEmbeddedStore(db);
    const libraryLangs = queryLanguagesOf(repo.languages());
    const top = async (query: string) => (await retrieve({ db, store, embed: null, libraryLangs }, { query, k: 3, mode: 'bm25' })).hits[0]?.filename;
    expect(await top('¿Cómo se verifican los gastos declarados en las facturas?')).toBe('formulario.txt');
    expect(await top('Quels indicateurs de fidélisation sont revus ?')).toBe('rapport.md');
    expect(await top('Kundenbindung Mitarbeiterzufriedenheit')).toBe('bericht.txt');
    expect(await top('Como a fidelização dos clientes é revisada?')).toBe('relatorio.txt');
  });
});
