import { describe, expect, it } from 'vitest';
import { chunkPages, splitAtWords, splitSentences } from './chunk';
import type { ExtractedPage } from './types';

const page = (pageNo: number, text: string, extra: Partial<ExtractedPage> = {}): ExtractedPage => ({
  pageNo,
  label: String(pageNo),
  text,
  headingPath: [],
  ...extra,
});

// Deterministic Portuguese-looking prose: numbered sentences so each one is traceable.
function sentence(n: number): string {
  const topics = ['a receita recorrente', 'a satisfação dos clientes', 'o ciclo de produção', 'a retenção de talentos'];
  return `A frase ${n} trata de ${topics[n % 4]} e do indicador número ${n * 7} no plano estratégico.`;
}
function paragraph(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');
}

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

describe('splitSentences', () => {
  it('splits at sentence ends but not after abbreviations, initials or decimals', () => {
    const s = splitSentences('O Dr. Kaplan e o Prof. Norton criaram o BSC. A margem subiu 3.5 pontos! Ver p. 12 e A. Gal et al. sobre isso. Fim');
    expect(s.map((x) => x.text)).toEqual([
      'O Dr. Kaplan e o Prof. Norton criaram o BSC.',
      'A margem subiu 3.5 pontos!',
      'Ver p. 12 e A. Gal et al. sobre isso.',
      'Fim',
    ]);
  });

  it('splits Chinese and Japanese at full stops without spaces', () => {
    expect(splitSentences('战略地图。平衡计分卡！下一句').map((x) => x.text)).toEqual(['战略地图。', '平衡计分卡！', '下一句']);
  });
});

describe('splitAtWords', () => {
  it('never cuts a word, and cuts a run without spaces only when it must', () => {
    const pieces = splitAtWords('alfa beta gama delta épsilon zeta', 11);
    expect(pieces).toEqual(['alfa beta', 'gama delta', 'épsilon', 'zeta']);
    expect(splitAtWords('平衡计分卡平衡计分卡平衡', 5)).toEqual(['平衡计分卡', '平衡计分卡', '平衡']);
  });
});

describe('chunkPages', () => {
  const opts = { chunkChars: 500, overlapChars: 120 };
  const pages = [
    page(1, `${paragraph(0, 6)}\n\n${paragraph(6, 3)}`),
    page(2, `${paragraph(9, 8)}\n\n${paragraph(17, 2)}`),
    page(3, paragraph(19, 10)),
  ];
  const chunks = chunkPages(pages, opts);

  it('keeps every chunk within chunkChars and numbers them in order', () => {
    expect(chunks.length).toBeGreaterThan(5);
    chunks.forEach((c, i) => {
      expect(c.ord).toBe(i);
      expect(c.text.length).toBeLessThanOrEqual(opts.chunkChars);
      expect(c.text).toBe(c.text.trim());
    });
  });

  it('cuts only at sentence boundaries and never inside a word', () => {
    const allSentences = new Set(Array.from({ length: 29 }, (_, i) => sentence(i)));
    for (const c of chunks) {
      for (const s of splitSentences(c.text)) {
        // The first sentence may be an overlap tail; all others are whole source sentences.
        if (s !== splitSentences(c.text)[0]) expect(allSentences.has(s.text)).toBe(true);
      }
      const source = new Set(words(pages.map((p) => p.text).join(' ')));
      for (const w of words(c.text)) expect(source.has(w)).toBe(true);
    }
  });

  it('covers every sentence of every page', () => {
    const all = chunks.map((c) => c.text).join('\n');
    for (let i = 0; i < 29; i++) expect(all).toContain(sentence(i));
  });

  it('records the pages each chunk spans, and only those', () => {
    for (const c of chunks) {
      const inRange = pages.filter((p) => p.pageNo >= c.pageStart && p.pageNo <= c.pageEnd).map((p) => p.text).join(' ');
      for (const s of splitSentences(c.text).slice(1)) expect(inRange).toContain(s.text);
      const first = splitSentences(c.text)[0]?.text ?? '';
      expect(pages.find((p) => p.pageNo === c.pageStart)?.text).toContain(first);
    }
    expect(chunks[0]?.pageStart).toBe(1);
    expect(chunks[chunks.length - 1]?.pageEnd).toBe(3);
  });

  it('lets a chunk span a page break when the text flows on', () => {
    const flowing = [page(1, paragraph(0, 2)), page(2, paragraph(2, 2))];
    const [only] = chunkPages(flowing, { chunkChars: 1000, overlapChars: 100 });
    expect(only).toMatchObject({ pageStart: 1, pageEnd: 2 });
    expect(only?.text).toContain(sentence(0));
    expect(only?.text).toContain(sentence(3));
  });

  it('starts each next chunk with whole trailing sentences of the previous one, within overlapChars', () => {
    let overlapped = 0;
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]?.text ?? '';
      const first = splitSentences(chunks[i]?.text ?? '')[0]?.text ?? '';
      if (prev.endsWith(first)) {
        overlapped++;
        expect(first.length).toBeLessThanOrEqual(opts.overlapChars);
        expect(first).toMatch(/^A frase \d+/); // a sentence start, not a word tail
      }
    }
    // sentences here are ~90 chars, so with 120 overlap nearly every boundary carries one
    expect(overlapped).toBeGreaterThanOrEqual(chunks.length - 2);
  });

  it('does not overlap when overlapChars is 0', () => {
    const noOverlap = chunkPages(pages, { chunkChars: 500, overlapChars: 0 });
    const total = noOverlap.reduce((n, c) => n + words(c.text).length, 0);
    expect(total).toBe(words(pages.map((p) => p.text).join(' ')).length);
  });

  it('falls back to a word-aligned tail when the last sentence is longer than the overlap', () => {
    const long = Array.from({ length: 12 }, (_, i) => `Uma frase bastante longa número ${i} que fala de metas, indicadores, iniciativas e responsáveis pela execução da estratégia.`).join(' ');
    const out = chunkPages([page(1, long)], { chunkChars: 300, overlapChars: 40 });
    expect(out.length).toBeGreaterThan(3);
    for (let i = 1; i < out.length; i++) {
      const prevWords = words(out[i - 1]?.text ?? '');
      const head = words(out[i]?.text ?? '').slice(0, 3).join(' ');
      expect(prevWords.join(' ')).toContain(head);
    }
  });

  it('splits an over-long sentence at spaces', () => {
    const run = Array.from({ length: 200 }, (_, i) => `palavra${i}`).join(' ');
    const out = chunkPages([page(1, run)], { chunkChars: 200, overlapChars: 0 });
    expect(out.length).toBeGreaterThan(5);
    for (const c of out) {
      expect(c.text.length).toBeLessThanOrEqual(200);
      expect(c.text).toMatch(/^palavra\d+( palavra\d+)*$/);
    }
    expect(out.map((c) => c.text).join(' ')).toBe(run);
  });

  it('is deterministic', () => {
    expect(chunkPages(pages, opts)).toEqual(chunks);
  });
});

describe('chunkPages with tables', () => {
  const row = (i: number): string => `| Indicador ${i} | Meta ${i * 5}% | Responsável ${i} | Prazo 2025 |`;
  const table = (rows: number): string =>
    ['| Indicador | Meta | Responsável | Prazo |', '| --- | --- | --- | --- |', ...Array.from({ length: rows }, (_, i) => row(i))].join('\n');

  it('keeps a Markdown table whole even when it is larger than chunkChars', () => {
    const t = table(20); // ~1100 chars
    expect(t.length).toBeGreaterThan(500);
    expect(t.length).toBeLessThanOrEqual(1500);
    const out = chunkPages([page(1, `${paragraph(0, 3)}\n\n${t}\n\n${paragraph(3, 3)}`)], { chunkChars: 500, overlapChars: 100 });
    const holders = out.filter((c) => c.text.includes('| Indicador 0 |'));
    expect(holders).toHaveLength(1);
    expect(holders[0]?.text).toContain(t);
    expect(out.map((c) => c.text).join('\n')).toContain(sentence(5));
  });

  it('splits a table larger than 3 × chunkChars at rows, repeating its header', () => {
    const t = table(60); // ~3300 chars > 3 × 400
    const out = chunkPages([page(1, t)], { chunkChars: 400, overlapChars: 100 });
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const c of out) {
      expect(c.text.length).toBeLessThanOrEqual(1200);
      expect(c.text.startsWith('| Indicador | Meta | Responsável | Prazo |\n| --- |')).toBe(true);
    }
    const rows = out.flatMap((c) => c.text.split('\n').slice(2));
    expect(rows).toEqual(Array.from({ length: 60 }, (_, i) => row(i)));
  });

  it('treats tab-separated lines (table-like blocks from PDFs) as a table', () => {
    const tsv = Array.from({ length: 20 }, (_, i) => `Objetivo ${i}\tIndicador ${i}\tMeta ${i}`).join('\n');
    const out = chunkPages([page(4, tsv)], { chunkChars: 300, overlapChars: 50 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ text: tsv, pageStart: 4, pageEnd: 4 });
  });

  it('keeps a short lead-in (a caption) with the table that follows', () => {
    const t = table(8);
    const out = chunkPages([page(1, `Tabela 1: metas por perspectiva\n\n${t}`)], { chunkChars: 300, overlapChars: 50 });
    expect(out).toHaveLength(1);
    expect(out[0]?.text.startsWith('Tabela 1')).toBe(true);
  });
});

describe('chunkPages with headings', () => {
  it('labels chunks with their section and starts a new chunk at a new section', () => {
    const financial = `## Perspectiva financeira\n\n${paragraph(0, 4)}`;
    const margin = `### Margem\n\n${paragraph(4, 4)}`;
    const customers = `## Clientes\n\n${paragraph(8, 4)}`;
    const pages: ExtractedPage[] = [
      page(1, `${financial}\n\n${margin}`, {
        label: 'Perspectiva financeira',
        headingPath: ['Plano', 'Perspectiva financeira'],
        sections: [{ offset: financial.length + 2, headingPath: ['Plano', 'Perspectiva financeira', 'Margem'] }],
      }),
      page(2, customers, { label: 'Clientes', headingPath: ['Plano', 'Clientes'] }),
    ];
    const out = chunkPages(pages, { chunkChars: 600, overlapChars: 100 });
    const of = (s: string) => out.find((c) => c.text.includes(s));
    expect(of('## Perspectiva financeira')?.headingPath).toEqual(['Plano', 'Perspectiva financeira']);
    expect(of('### Margem')?.headingPath).toEqual(['Plano', 'Perspectiva financeira', 'Margem']);
    expect(of('### Margem')?.text.startsWith('### Margem')).toBe(true);
    expect(of('## Clientes')).toMatchObject({ headingPath: ['Plano', 'Clientes'], pageStart: 2, pageEnd: 2 });
    expect(of('## Clientes')?.text.startsWith('## Clientes')).toBe(true);
    // no overlap carried from one section into the next
    expect(of('## Clientes')?.text).not.toContain(sentence(7));
  });

  it('merges tiny sections and labels the chunk with their common path', () => {
    const a = '## A\n\nCurta.';
    const b = '## B\n\nTambém curta.';
    const out = chunkPages(
      [page(1, `${a}\n\n${b}`, { headingPath: ['Doc', 'A'], sections: [{ offset: a.length + 2, headingPath: ['Doc', 'B'] }] })],
      { chunkChars: 500, overlapChars: 50 },
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.headingPath).toEqual(['Doc']);
  });
});

describe('chunkPages speed', () => {
  it('chunks 1,000 pages of ~3,000 characters in well under a second', () => {
    const pages = Array.from({ length: 1000 }, (_, p) => page(p + 1, [paragraph(p * 30, 10), paragraph(p * 30 + 10, 10), paragraph(p * 30 + 20, 12)].join('\n\n')));
    const chars = pages.reduce((n, p) => n + p.text.length, 0);
    expect(chars).toBeGreaterThan(2_500_000);
    const t0 = performance.now();
    const out = chunkPages(pages, { chunkChars: 1200, overlapChars: 150 });
    const ms = performance.now() - t0;
    console.log(`chunkPages: ${pages.length} pages, ${(chars / 1e6).toFixed(1)} M chars → ${out.length} chunks in ${ms.toFixed(0)} ms`);
    expect(out.length).toBeGreaterThan(2000);
    expect(ms).toBeLessThan(1000);
  });
});
