import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { describe, expect, it } from 'vitest';
import { BscError } from '../main/engine/errors';
import { BENCH_CHARS_PER_PAGE, makeBenchPdf } from './make-bench-pdf';
import { SAMPLE_PAGE_LABELS, SAMPLE_PDF_HEADER, SAMPLE_PDF_PATH, buildSamplePdf } from './make-sample-pdf';
import { pageLabelAt, toRoman, writeTextPdf } from './pdf-writer';

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const standardFontDataUrl = path.join(pdfjsRoot, 'standard_fonts') + path.sep;

async function openPdf(bytes: Uint8Array) {
  // pdfjs may detach the buffer it is given; hand it a copy.
  return getDocument({ data: bytes.slice(), standardFontDataUrl, verbosity: 0 }).promise;
}

type OpenPdf = Awaited<ReturnType<typeof openPdf>>;

async function pageItems(doc: OpenPdf, pageNo: number): Promise<TextItem[]> {
  const page = await doc.getPage(pageNo);
  const content = await page.getTextContent();
  return content.items.filter((i): i is TextItem => 'str' in i);
}

async function pageText(doc: OpenPdf, pageNo: number): Promise<string> {
  return (await pageItems(doc, pageNo)).map((i) => i.str).join(' ').replace(/\s+/g, ' ').trim();
}

async function allText(doc: OpenPdf): Promise<string[]> {
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) pages.push(await pageText(doc, n));
  return pages;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('sample guide PDF (make-sample-pdf)', () => {
  it('has ≥ 8 pages with roman front matter then arabic page labels', async () => {
    const doc = await openPdf(await buildSamplePdf());
    expect(doc.numPages).toBeGreaterThanOrEqual(8);
    const labels = await doc.getPageLabels();
    const arabic = Array.from({ length: doc.numPages - 3 }, (_, i) => String(i + 1));
    expect(labels).toEqual(['i', 'ii', 'iii', ...arabic]);
    // Chapter 1 must really begin on the page labelled "1", or the labels would lie about the layout.
    const first = labels?.indexOf('1') ?? -1;
    expect(await pageText(doc, first + 1)).toContain('1. O que é um mapa estratégico');
    expect(await pageText(doc, first)).toContain('Apresentação');
  });

  it('extracts accented Portuguese words intact', async () => {
    const doc = await openPdf(await buildSamplePdf());
    const text = (await allText(doc)).join(' ');
    for (const phrase of ['estratégia', 'indicadores de desempenho', 'Aprendizado e Crescimento', 'ação', 'Gaúcha', 'fictícia', 'numeração', 'à entrega']) {
      expect(text).toContain(phrase);
    }
    const meta = await doc.getMetadata();
    expect(meta.info).toMatchObject({ Title: 'Guia prático do mapa estratégico no Balanced Scorecard', Language: 'pt-BR' });
  });

  it('repeats the running header and prints each page label in the footer', async () => {
    const doc = await openPdf(await buildSamplePdf());
    const labels = (await doc.getPageLabels()) ?? [];
    for (let n = 1; n <= doc.numPages; n++) {
      const items = await pageItems(doc, n);
      const header = items.find((i) => i.str === SAMPLE_PDF_HEADER);
      expect(header, `header on page ${n}`).toBeDefined();
      // The footer is the label alone, low on the page (y < 60pt).
      const footer = items.find((i) => i.str === labels[n - 1] && (i.transform[5] as number) < 60);
      expect(footer, `footer on page ${n}`).toBeDefined();
    }
  });

  it('is deterministic, and the committed file matches the script', async () => {
    const a = await buildSamplePdf();
    const b = await buildSamplePdf();
    expect(sha256(a)).toBe(sha256(b));
    expect(existsSync(SAMPLE_PDF_PATH), 'run `npx tsx scripts/make-sample-pdf.ts`').toBe(true);
    const committed = new Uint8Array(readFileSync(SAMPLE_PDF_PATH));
    expect(sha256(committed)).toBe(sha256(a));
    expect(committed.length).toBeLessThan(200 * 1024);
  });
});

describe('writeTextPdf', () => {
  const words = Array.from({ length: 1500 }, (_, i) => `palavra${i}`);

  it('wraps long paragraphs inside the margins over several pages, keeping every word in order', async () => {
    const bytes = await writeTextPdf({
      title: 'Quebra de linhas',
      sections: [{ heading: 'Seção única', paragraphs: [words.slice(0, 750).join(' '), words.slice(750).join(' ')] }],
    });
    const doc = await openPdf(bytes);
    expect(doc.numPages).toBeGreaterThanOrEqual(3);
    const extracted = (await allText(doc)).join(' ').split(' ').filter((w) => w.startsWith('palavra'));
    expect(extracted).toEqual(words);
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [, , width] = page.view;
      for (const item of await pageItems(doc, n)) {
        expect((item.transform[4] as number) + item.width).toBeLessThanOrEqual((width ?? 0) - 60);
      }
    }
  });

  it('cuts a word wider than a line rather than overflowing', async () => {
    const giant = 'x'.repeat(400);
    const doc = await openPdf(await writeTextPdf({ title: 'T', sections: [{ heading: 'H', paragraphs: [giant] }] }));
    const items = (await pageItems(doc, 1)).filter((i) => /^x+$/.test(i.str));
    expect(items.length).toBeGreaterThan(1);
    expect(items.map((i) => i.str).join('')).toBe(giant);
  });

  it('writes no /PageLabels when none are asked for', async () => {
    const doc = await openPdf(await writeTextPdf({ title: 'T', sections: [{ heading: 'H', paragraphs: ['texto'] }] }));
    expect(await doc.getPageLabels()).toBeNull();
  });

  it('honours a label range start other than 1', async () => {
    const sections = [1, 2, 3].map((n) => ({ heading: `Capítulo ${n}`, paragraphs: ['texto'], startOnNewPage: n > 1 }));
    const doc = await openPdf(
      await writeTextPdf({ title: 'T', sections, pageLabels: [{ startIndex: 0, style: 'r', start: 4 }, { startIndex: 1, style: 'D', start: 10 }] }),
    );
    expect(await doc.getPageLabels()).toEqual(['iv', '10', '11']);
  });

  it('rejects characters outside WinAnsi with BAD_INPUT, naming them', async () => {
    const err = await writeTextPdf({ title: 'Seta →', sections: [{ heading: 'H', paragraphs: ['≥ 3'] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BscError);
    expect((err as BscError).code).toBe('BAD_INPUT');
    expect((err as BscError).message).toContain('→');
    expect((err as BscError).message).toContain('≥');
  });

  it('rejects page label ranges that do not start at 0 or run past the last page', async () => {
    const base = { title: 'T', sections: [{ heading: 'H', paragraphs: ['texto'] }] };
    await expect(writeTextPdf({ ...base, pageLabels: [{ startIndex: 1, style: 'D' }] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(writeTextPdf({ ...base, pageLabels: [{ startIndex: 0, style: 'r' }, { startIndex: 5, style: 'D' }] })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });

  it('labels pages the way a viewer does', () => {
    expect(SAMPLE_PAGE_LABELS.length).toBe(2);
    expect([0, 1, 2, 3, 4].map((i) => pageLabelAt(i, SAMPLE_PAGE_LABELS))).toEqual(['i', 'ii', 'iii', '1', '2']);
    expect(pageLabelAt(6, undefined)).toBe('7');
    expect([4, 9, 14, 40, 1994].map(toRoman)).toEqual(['IV', 'IX', 'XIV', 'XL', 'MCMXCIV']);
    expect(() => toRoman(0)).toThrow(BscError);
  });
});

describe('makeBenchPdf', () => {
  it('gives exactly N pages of varied Portuguese and English text, ~2,500 characters each', async () => {
    const doc = await openPdf(await makeBenchPdf(30));
    expect(doc.numPages).toBe(30);
    const pages = await allText(doc);
    for (const text of pages) {
      expect(text.length).toBeGreaterThan(BENCH_CHARS_PER_PAGE * 0.9);
      expect(text.length).toBeLessThan(BENCH_CHARS_PER_PAGE * 1.5);
    }
    expect(new Set(pages.map((p) => p.slice(60, 300))).size).toBe(30);
    const all = pages.join(' ');
    expect(all).toMatch(/indicadores de desempenho|margem EBITDA|índice de engajamento/);
    expect(all).toMatch(/the (EBITDA margin|customer retention rate|order lead time)/);
  });

  it('is reproducible for a given seed and differs for another', async () => {
    expect(sha256(await makeBenchPdf(5))).toBe(sha256(await makeBenchPdf(5)));
    expect(sha256(await makeBenchPdf(5, 1))).not.toBe(sha256(await makeBenchPdf(5)));
  });

  it('builds 1,000 pages in a few seconds', async () => {
    // CPU time, not wall time: a busy 2-core machine stretches the wall clock but not the work.
    const started = process.cpuUsage();
    const bytes = await makeBenchPdf(1000);
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    console.log(`makeBenchPdf(1000): ${Math.round(cpuMs)} ms CPU, ${bytes.length} bytes`);
    expect(cpuMs).toBeLessThan(10_000);
    expect((await openPdf(bytes)).numPages).toBe(1000);
  });

  it('rejects a page count that is not a positive integer', async () => {
    for (const n of [0, -1, 2.5, Number.NaN]) {
      await expect(makeBenchPdf(n)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    }
  });
});
