/**
 * Sparse BM25 vectors for Qdrant. Qdrant's `modifier: 'idf'` multiplies each query weight by the
 * term's IDF over the collection at query time, so the score Σ query_weight · idf · doc_value is
 * BM25 when the document side carries BM25's saturated term frequency and the query side 1 per term.
 * A raw tf would let a chunk repeating a word twenty times win; saturation (k1) and length
 * normalisation (b) are what make it BM25 rather than tf-idf. Qdrant cannot know the corpus's
 * average length at upsert time, so it is a constant close to our chunks' typical term count
 * (chunks of ~1,000–1,500 characters keep ~100 terms after stopwords); FTS5 uses the real average,
 * so the two adapters agree on which chunks match and closely, not exactly, on their order.
 */

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
export const ASSUMED_AVERAGE_TERMS = 100;

export interface SparseVector {
  indices: number[];
  values: number[];
}

const utf8 = new TextEncoder();

/** FNV-1a, 32-bit, over the term's UTF-8 bytes: a stable term → index map with no vocabulary to store. */
export function termIndex(term: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(term)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function termCounts(terms: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of terms.split(/\s+/)) {
    if (!term) continue;
    const index = termIndex(term);
    // Two terms colliding on one index simply add up (Qdrant requires unique indices).
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return counts;
}

/** The document side: BM25-saturated, length-normalised term frequency per term index. */
export function documentSparseVector(terms: string): SparseVector {
  const counts = termCounts(terms);
  let length = 0;
  for (const n of counts.values()) length += n;
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / ASSUMED_AVERAGE_TERMS);
  const indices: number[] = [];
  const values: number[] = [];
  for (const [index, tf] of counts) {
    indices.push(index);
    values.push((tf * (BM25_K1 + 1)) / (tf + norm));
  }
  return { indices, values };
}

/** The query side: 1 per distinct term (as the FTS5 OR query counts each term once). */
export function querySparseVector(terms: string): SparseVector {
  const indices = [...termCounts(terms).keys()];
  return { indices, values: indices.map(() => 1) };
}
