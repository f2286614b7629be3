/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each list adds
 * weight / (k + rank) to every id it holds, rank counted from 1. It needs no score calibration
 * between BM25 and dense similarity, only the order of each list.
 */
export function fuseByReciprocalRank(
  lists: Array<{ ids: string[]; weight?: number }>,
  k = 60,
): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const { ids, weight = 1 } of lists) {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      // A duplicate inside one list counts once, at its best rank.
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + index + 1));
    });
  }
  // Map keeps first-seen order and sort is stable, so ties keep the order in which the ids
  // first appeared (earlier list, better rank first).
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
