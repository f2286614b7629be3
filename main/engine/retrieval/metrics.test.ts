import { describe, expect, it } from 'vitest';
import { ndcgAtK, recallAtK, reciprocalRank, summarizeRetrieval } from './metrics';

describe('retrieval metrics with one gold id', () => {
  const ranked = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];

  it('recall@k', () => {
    expect(recallAtK('a', ranked, 1)).toBe(1);
    expect(recallAtK('e', ranked, 5)).toBe(1);
    expect(recallAtK('f', ranked, 5)).toBe(0);
    expect(recallAtK('zz', ranked, 10)).toBe(0);
  });

  it('reciprocal rank', () => {
    expect(reciprocalRank('a', ranked)).toBe(1);
    expect(reciprocalRank('d', ranked)).toBe(0.25);
    expect(reciprocalRank('zz', ranked)).toBe(0);
  });

  it('nDCG@k', () => {
    expect(ndcgAtK('a', ranked, 10)).toBe(1);
    expect(ndcgAtK('c', ranked, 10)).toBeCloseTo(0.5, 12);
    expect(ndcgAtK('b', ranked, 10)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(ndcgAtK('k', ranked, 10)).toBe(0);
  });

  it('summarizes means over questions', () => {
    const s = summarizeRetrieval([
      { gold: 'a', ranked },
      { gold: 'f', ranked },
      { gold: 'zz', ranked },
      { gold: 'x', ranked: [] },
    ]);
    expect(s.n).toBe(4);
    expect(s.recallAt5).toBe(0.25);
    expect(s.recallAt10).toBe(0.5);
    expect(s.mrr).toBeCloseTo((1 + 1 / 6) / 4, 12);
    expect(s.ndcgAt10).toBeCloseTo((1 + 1 / Math.log2(7)) / 4, 12);
    expect(summarizeRetrieval([])).toEqual({ n: 0, recallAt5: 0, recallAt10: 0, mrr: 0, ndcgAt10: 0 });
  });
});
