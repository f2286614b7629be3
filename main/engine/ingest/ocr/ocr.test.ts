// OCR on generated scans (kept few and small: tesseract on 2 cores takes seconds a page).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../preload/contract';
import { LibraryRepository } from '../../db/library';
import { type AppDatabase, openAppDatabase } from '../../db/open';
import { retrieve } from '../../retrieval/retrieve';
import { createEmbeddedStore } from '../../vectorstore/embedded';
import { extractDocument } from '../extract';
import { indexDocument } from '../index-document';
import type { ExtractProgress } from '../types';
import { characterErrorRate } from './cer';
import { renderScanImage, scannedPdf, scanTexts } from './scan-fixtures';

const ocr = { enabled: true, languages: ['por', 'eng'] };

describe('OCR of scanned PDFs and images (tesseract, offline)', () => {
  it('reads a clean Portuguese scan and a noisy English scan rotated 2°, marks the pages, reports progress', async () => {
    const bytes = await scannedPdf([
      { lines: scanTexts.pt },
      { lines: scanTexts.en, scan: { noise: 0.03, rotateDeg: 2, faded: true } },
    ]);
    const progress: ExtractProgress[] = [];
    const doc = await extractDocument(bytes, 'digitalizado.pdf', { ocr, onProgress: (p) => progress.push(p) });
    expect(doc.pages.map((p) => p.ocr)).toEqual([true, true]);
    const clean = characterErrorRate(doc.pages[0]!.text, scanTexts.pt.join('\n'));
    const noisy = characterErrorRate(doc.pages[1]!.text, scanTexts.en.join('\n'));
    console.log(`OCR CER: clean pt ${(clean * 100).toFixed(2)}%, noisy+2° en ${(noisy * 100).toFixed(2)}%`);
    expect(clean).toBeLessThanOrEqual(0.03);
    expect(noisy).toBeLessThanOrEqual(0.08);
    expect(doc.pages[0]!.text).toContain('estratégia');
    expect(progress).toContainEqual({ page: 0, pages: 2, ocr: true });
    expect(progress).toContainEqual({ page: 1, pages: 2, ocr: true });
    expect(progress.at(-1)).toEqual({ page: 2, pages: 2, ocr: true });
    expect(doc.stats?.ocrPages).toBe(2);
  }, 180_000);

  it('OCRs only the image page of a PDF that also has a text page', async () => {
    const pdf = await PDFDocument.load(await scannedPdf([{ lines: scanTexts.en.slice(0, 3) }]));
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.insertPage(0, [595, 842]).drawText('Capítulo um: a perspectiva financeira mede receita, margem e retorno.', { x: 50, y: 780, size: 11, font });
    const doc = await extractDocument(await pdf.save(), 'misto.pdf', { ocr });
    expect(doc.pages.map((p) => p.ocr === true)).toEqual([false, true]);
    expect(doc.pages[0]!.text).toContain('perspectiva financeira');
    expect(doc.pages[1]!.text).toContain('Balanced Scorecard');
  }, 120_000);

  it('an image-only PDF with OCR off ends with NO_TEXT that says to turn OCR on', async () => {
    const bytes = await scannedPdf([{ lines: scanTexts.pt.slice(0, 2), scan: { dpi: 100 } }]);
    await expect(extractDocument(bytes, 'scan.pdf', { ocr: { enabled: false, languages: ['por'] } })).rejects.toMatchObject({
      code: 'NO_TEXT', message: expect.stringMatching(/OCR is off.*Settings \(Scanned pages and images\)/), details: { ocr: 'off' },
    });
  }, 60_000);

  it('imports a JPEG photo of a page as one OCR page, and refuses it with OCR off', async () => {
    const { jpeg } = renderScanImage(scanTexts.pt.slice(0, 3), { dpi: 200 });
    const doc = await extractDocument(jpeg, 'quadro.jpg', { ocr });
    expect(doc).toMatchObject({ kind: 'image', mime: 'image/jpeg', pageCount: 1 });
    expect(doc.pages[0]).toMatchObject({ pageNo: 1, label: '1', ocr: true });
    expect(characterErrorRate(doc.pages[0]!.text, scanTexts.pt.slice(0, 3).join('\n'))).toBeLessThan(0.05);
    await expect(extractDocument(jpeg, 'quadro.jpg')).rejects.toMatchObject({ code: 'NO_TEXT', details: { ocr: 'off' } });
  }, 120_000);

  it('a PNG too large to decode safely is refused before decoding (TOO_LARGE)', async () => {
    // A PNG header declaring 100000 × 100000 pixels.
    const header = Buffer.from('89504e470d0a1a0a0000000d49484452000186a0000186a00806000000', 'hex');
    await expect(extractDocument(header, 'enorme.png', { ocr })).rejects.toMatchObject({ code: 'TOO_LARGE', details: { reason: 'image-pixels' } });
  });

  it('cancels while recognising (the tesseract worker is terminated)', async () => {
    const bytes = await scannedPdf([{ lines: scanTexts.en }, { lines: scanTexts.pt }]);
    const controller = new AbortController();
    const pending = extractDocument(bytes, 'scan.pdf', { ocr, signal: controller.signal, onProgress: (p) => { if (p.ocr) controller.abort(); } });
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  }, 60_000);
});

describe('an image-only PDF imported with OCR is searchable and marked', () => {
  let dir: string;
  let db: AppDatabase;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-ocr-import-'));
    db = openAppDatabase(path.join(dir, 'library.sqlite'));
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds its words with search and says its page came from OCR', async () => {
    const file = path.join(dir, 'contrato-digitalizado.pdf');
    fs.writeFileSync(file, await scannedPdf([{ lines: scanTexts.pt, scan: { noise: 0.01, rotateDeg: 1 } }]));
    const repo = new LibraryRepository(db);
    let next = repo.nextChunkId();
    const stages: string[] = [];
    const out = await indexDocument({
      repo, documentsDir: path.join(dir, 'documents'), settings: () => defaultSettings, embedder: () => null,
      vectors: createEmbeddedStore(db),
      allocateChunkIds: (n) => { const first = next; next += n; return first; },
    }, { path: file, filename: 'contrato-digitalizado.pdf', onProgress: (p) => stages.push(p.stage) });
    expect(out.pages).toBe(1);
    expect(stages).toContain('recognizing');
    const found = await retrieve({ db, store: createEmbeddedStore(db), embed: null, libraryLangs: ['pt'] }, { query: 'retenção participação de mercado', k: 3, mode: 'bm25' });
    expect(found.hits[0]).toMatchObject({ documentId: out.documentId, pageStart: 1, ocr: true, role: 'body' });
    expect(repo.pagesWithChunks(out.documentId)[0]).toMatchObject({ pageNo: 1, ocr: true });
  }, 120_000);
});
