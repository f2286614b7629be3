// Runs every real-world PDF of the shared corpus (pdf.js's own test files) through
// extractDocument and checks it ends the way INDEX.tsv says it should: extracted with the right
// page count and text, or refused with the specific code. None may hang.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import { extractDocument } from './extract';
import type { ExtractedDocument } from './types';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/pdfs');
const indexPath = path.join(corpusDir, 'INDEX.tsv');
const haveCorpus = existsSync(indexPath);
if (!haveCorpus) console.log(`corpus.test: skipped, ${indexPath} is absent`);

interface Entry {
  file: string;
  category: string;
  pdfjs: string;
  pages: number;
  textChars: number;
  first80: string;
  password: string;
}

function readIndex(): Entry[] {
  if (!haveCorpus) return [];
  const [header, ...rows] = readFileSync(indexPath, 'utf8').split('\n').filter((l) => l.trim());
  const cols = (header ?? '').split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    const get = (name: string): string => cells[cols.indexOf(name)] ?? '';
    return {
      file: get('file'),
      category: get('category'),
      pdfjs: get('pdfjs'),
      pages: Number(get('pages') || 0),
      textChars: Number(get('text_chars_first20p') || 0),
      first80: get('first80'),
      password: get('password'),
    };
  });
}

const budgetMs = 15_000;
// A short per-page deadline so a page that stalls is skipped well inside the budget.
const pageTimeoutMs = 5_000;

async function run(entry: Entry, password?: string): Promise<{ doc?: ExtractedDocument; err?: BscError; ms: number }> {
  const bytes = readFileSync(path.join(corpusDir, entry.file));
  const t0 = performance.now();
  try {
    const doc = await extractDocument(bytes, entry.file, { password, pageTimeoutMs, maxBytes: 50 * 1024 * 1024 });
    return { doc, ms: performance.now() - t0 };
  } catch (err) {
    if (!(err instanceof BscError)) throw err; // anything else is a crash, not a clear refusal
    return { err, ms: performance.now() - t0 };
  }
}

const comparable = (s: string): string => s.normalize('NFKC').replace(/\s+/g, ' ').trim();

function expectExtracted(entry: Entry, result: Awaited<ReturnType<typeof run>>): ExtractedDocument {
  expect(result.err?.toShape()).toBeUndefined();
  const doc = result.doc as ExtractedDocument;
  expect(doc.kind).toBe('pdf');
  expect(doc.pageCount).toBe(entry.pages);
  expect(doc.pages.map((p) => p.pageNo)).toEqual(Array.from({ length: entry.pages }, (_, i) => i + 1));
  // first80 is pdfjs's raw text cut at 80 characters: drop the last word if it may be cut, then most
  // words must be found (line rebuilding, de-hyphenation and header removal may change a few).
  const text = comparable(doc.pages.map((p) => p.text).join(' '));
  const all = comparable(entry.first80).split(' ').filter((w) => w.length > 0);
  const words = [...entry.first80].length >= 80 && all.length > 1 ? all.slice(0, -1) : all;
  expect(words.length).toBeGreaterThan(0);
  const found = words.filter((w) => text.includes(w));
  expect(found.length / Math.max(1, words.length), `words of "${entry.first80}" missing: ${words.filter((w) => !text.includes(w)).join(' ')}`).toBeGreaterThanOrEqual(0.8);
  return doc;
}

function expectCode(result: Awaited<ReturnType<typeof run>>, code: string): BscError {
  expect(result.doc, 'should have been refused').toBeUndefined();
  expect(result.err?.code).toBe(code);
  expect(result.err?.message.length).toBeGreaterThan(10);
  return result.err as BscError;
}

const pageErrorCount = (pdfjs: string): number => (/PAGE_ERRORS:(.*)$/.exec(pdfjs)?.[1]?.match(/\bp\d+:/g) ?? []).length;

describe.skipIf(!haveCorpus)('real-world PDF corpus', () => {
  const entries = readIndex();

  it('has the files INDEX.tsv lists', () => {
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const e of entries) expect(existsSync(path.join(corpusDir, e.file)), e.file).toBe(true);
  });

  for (const entry of entries) {
    const label = `${entry.file} [${entry.category}]`;

    if (entry.pdfjs.includes('PasswordException')) {
      it(`${label}: without a password → NEEDS_PASSWORD`, async () => {
        const r = await run(entry);
        expectCode(r, 'NEEDS_PASSWORD');
        expect(r.ms).toBeLessThan(budgetMs);
      }, budgetMs + 5_000);

      it(`${label}: with a wrong password → WRONG_PASSWORD`, async () => {
        expectCode(await run(entry, `${entry.password}-not-it`), 'WRONG_PASSWORD');
      }, budgetMs + 5_000);

      it(`${label}: with the listed password → ${entry.textChars > 0 ? 'extracts' : 'NO_TEXT'}`, async () => {
        const r = await run(entry, entry.password);
        if (entry.textChars > 0) expectExtracted(entry, r);
        else expect(expectCode(r, 'NO_TEXT').details).toMatchObject({ pageCount: entry.pages });
      }, budgetMs + 5_000);
      continue;
    }

    if (entry.pdfjs.startsWith('FAILS_TO_OPEN')) {
      it(`${label}: cannot be opened → DAMAGED_FILE`, async () => {
        const r = await run(entry);
        expectCode(r, 'DAMAGED_FILE');
        expect(r.ms).toBeLessThan(budgetMs);
      }, budgetMs + 5_000);
      continue;
    }

    const failingPages = pageErrorCount(entry.pdfjs);
    const outcome =
      entry.textChars > 0 ? 'extracts' : failingPages > 0 && failingPages === entry.pages ? 'DAMAGED_FILE (no page readable)' : 'NO_TEXT';
    it(`${label}: ${outcome}${failingPages > 0 ? `, ${failingPages} page(s) with warnings` : ''}`, async () => {
      const r = await run(entry);
      expect(r.ms).toBeLessThan(budgetMs);
      if (entry.textChars > 0) {
        const doc = expectExtracted(entry, r);
        expect(doc.warnings.filter((w) => /^Page \d+ could not be read/.test(w))).toHaveLength(failingPages);
        if (entry.file === 'tracemonkey.pdf' || entry.file === 'pdkids.pdf') {
          console.log(`${entry.file}: ${entry.pages} pages extracted in ${r.ms.toFixed(0)} ms`);
        }
      } else if (failingPages > 0 && failingPages === entry.pages) {
        expect(expectCode(r, 'DAMAGED_FILE').message).toMatch(/none of its/);
      } else {
        const err = expectCode(r, 'NO_TEXT');
        expect(err.details).toMatchObject({ pageCount: entry.pages });
        // Without OCR: a page with ink says "OCR is off", an empty one says "blank".
        expect(err.message).toMatch(/^(No text layer in \d+ pages?: this is a scanned or image-only PDF and OCR is off\.|No extractable text in \d+ pages? \(the pages are blank\)\.)/);
      }
    }, budgetMs + 5_000);
  }

  // With OCR on, scanned files end as text (pages marked OCR) or as a clear NO_TEXT, never a crash.
  // Handwriting and Cyrillic are beyond Portuguese + English models: either outcome is honest.
  // Two minutes of tesseract on 2 cores: run with BSC_OCR_CORPUS=1 (the OCR suite covers the path).
  const ocrCorpus = process.env.BSC_OCR_CORPUS === '1';
  if (!ocrCorpus) console.log('skipped OCR over the corpus image-only files: set BSC_OCR_CORPUS=1');
  for (const entry of entries.filter((e) => ocrCorpus && e.category === 'image-only')) {
    it(`${entry.file} [image-only] with OCR on: OCR pages or NO_TEXT "OCR found no readable text"`, async () => {
      const bytes = readFileSync(path.join(corpusDir, entry.file));
      const out = await extractDocument(bytes, entry.file, { ocr: { enabled: true, languages: ['por', 'eng'] } }).catch((e: unknown) => e);
      if (out instanceof BscError) expect(out).toMatchObject({ code: 'NO_TEXT', details: { ocr: 'empty' } });
      else expect((out as ExtractedDocument).pages.some((p) => p.ocr)).toBe(true);
    }, 120_000);
  }
});
