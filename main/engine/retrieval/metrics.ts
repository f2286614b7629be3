/** Retrieval quality for questions with a single relevant id (as in FaQuAD: one gold passage). */

function rankOf(gold: string, ranked: string[]): number | null {
  const index = ranked.indexOf(gold);
  return index === -1 ? null : index + 1;
}

/** 1 when the gold id is among the first k results, else 0. */
export function recallAtK(gold: string, ranked: string[], k: number): number {
  const rank = rankOf(gold, ranked);
  return rank !== null && rank <= k ? 1 : 0;
}

/** 1 / rank of the gold id, 0 when it was not retrieved. */
export function reciprocalRank(gold: string, ranked: string[]): number {
  const rank = rankOf(gold, ranked);
  return rank === null ? 0 : 1 / rank;
}

/** nDCG@k with binary relevance and one relevant id: the ideal DCG is 1, so it is 1/log2(rank+1). */
export function ndcgAtK(gold: string, ranked: string[], k: number): number {
  const rank = rankOf(gold, ranked);
  return rank !== null && rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

export interface RetrievalSummary {
  n: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  ndcgAt10: number;
}

/** Means over all questions; a question whose gold id was never retrieved counts as 0. */
export function summarizeRetrieval(results: Array<{ gold: string; ranked: string[] }>): RetrievalSummary {
  const n = results.length;
  const mean = (f: (r: { gold: string; ranked: string[] }) => number) =>
    n === 0 ? 0 : results.reduce((sum, r) => sum + f(r), 0) / n;
  return {
    n,
    recallAt5: mean((r) => recallAtK(r.gold, r.ranked, 5)),
    recallAt10: mean((r) => recallAtK(r.gold, r.ranked, 10)),
    mrr: mean((r) => reciprocalRank(r.gold, r.ranked)),
    ndcgAt10: mean((r) => ndcgAtK(r.gold, r.ranked, 10)),
  };
}
