// Structure through a real import (SQLite, FTS5): running headers are searchable but not quoted,
// table-of-contents chunks are marked, PDF tables reach the library as Markdown tables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract';
import { LibraryRepository } from '../db/library';
import { type AppDatabase, openAppDatabase } from '../db/open';
import { retrieve } from '../retrieval/retrieve';
import { createEmbeddedStore } from '../vectorstore/embedded';
import { indexDocument } from './index-document';

let dir: string;
let db: AppDatabase;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-structure-'));
  db = openAppDatabase(path.join(dir, 'library.sqlite'));
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function report(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bodies = [
    ['Sumário', 'Introdução .......... 2', 'Perspectiva financeira .......... 3', 'Clientes .......... 4', 'Processos internos .......... 5'],
    ['A empresa revisou sua estratégia de crescimento para o próximo ciclo.'],
    ['A receita líquida e a margem operacional são os indicadores financeiros.'],
    ['A satisfação e a retenção de clientes orientam a proposta de valor.'],
    ['Os processos internos de inovação reduzem o prazo de lançamento.'],
  ];
  bodies.forEach((lines, i) => {
    const page = pdf.addPage([595, 842]);
    page.drawText('Relatório Confidencial Zeltron', { x: 72, y: 800, size: 9, font });
    lines.forEach((l, j) => page.drawText(l, { x: 72, y: 720 - j * 18, size: 11, font }));
    page.drawText(`Página ${i + 1}`, { x: 280, y: 40, size: 9, font });
  });
  return pdf.save();
}

it('indexes running headers for search without quoting them, and marks the table of contents', async () => {
  const file = path.join(dir, 'relatorio.pdf');
  fs.writeFileSync(file, await report());
  const repo = new LibraryRepository(db);
  let next = repo.nextChunkId();
  const out = await indexDocument({
    repo, documentsDir: path.join(dir, 'documents'), settings: () => ({ ...defaultSettings, import: { ...defaultSettings.import, chunkChars: 200 } }), embedder: () => null,
    vectors: createEmbeddedStore(db),
    allocateChunkIds: (n) => { const first = next; next += n; return first; },
  }, { path: file, filename: 'relatorio.pdf' });
  const search = (query: string) => retrieve({ db, store: createEmbeddedStore(db), embed: null, libraryLangs: ['pt'] }, { query, k: 10, mode: 'bm25' });
  const header = await search('Zeltron');
  expect(header.hits.length).toBeGreaterThan(0);
  expect(header.hits.every((h) => !h.text.includes('Zeltron'))).toBe(true);
  const toc = await search('sumário perspectiva financeira');
  expect(toc.hits.find((h) => h.pageStart === 1)).toMatchObject({ role: 'toc' });
  expect(toc.hits.filter((h) => h.pageStart > 1).every((h) => h.role === 'body')).toBe(true);
  expect(repo.pagesWithChunks(out.documentId).map((p) => p.text.includes('Zeltron'))).toEqual([false, false, false, false, false]);
}, 60_000);
