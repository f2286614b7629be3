import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../retrieval/retrieve';
import { rescoreBm25 } from './embedded';

describe('BM25 re-scoring over FTS5 candidates', () => {
  it('keeps terms found in most chunks worth something (FTS5 clamps their IDF to ~0)', () => {
    // "indic" is in 3 of 4 chunks: FTS5 would let the lone rare word decide; here the chunk with
    // the common subject term many times and the rare one once wins over the rare one alone.
    const rows = [
      { chunk_id: 1, terms: 'raro texto qualquer palavra' },
      { chunk_id: 2, terms: 'indic indic indic financeir raro' },
      { chunk_id: 3, terms: 'indic outro assunto' },
    ];
    const df: Record<string, number> = { indic: 3, financeir: 1, raro: 2 };
    const hits = rescoreBm25(rows, ['indic', 'financeir', 'raro'], (t) => df[t] ?? 0, 4);
    expect(hits.map((h) => h.chunkId)).toEqual([2, 1, 3]);
    expect(hits.every((h) => h.score > 0)).toBe(true);
  });

  it('returns nothing for no candidates', () => {
    expect(rescoreBm25([], ['a'], () => 0, 10)).toEqual([]);
  });
});

describe('analyzeQuery', () => {
  it('analyses a Portuguese question in Portuguese only and leaves out the verbs of asking', () => {
    const terms = analyzeQuery('Quais indicadores usar na perspectiva financeira?', ['pt', 'en']);
    expect(terms).toEqual(expect.arrayContaining(['indic', 'perspect', 'financeir']));
    expect(terms).not.toContain('usar');
    expect(terms).not.toContain('na');
    expect(terms).not.toContain('financeira');
  });

  it('falls back to every library language when the question language is unclear', () => {
    expect(analyzeQuery('EBITDA ROI', ['pt', 'en']).length).toBeGreaterThan(0);
  });
});
