import type { Perspective } from '../../../preload/contract';

/** One chunk as the vector store sees it. */
export interface VectorPoint {
  chunkId: number;
  documentId: string;
  lang: string | null;
  perspectives: Perspective[];
  /** Null when no embedding provider is configured: the point is then found by BM25 only. */
  vector: Float32Array | null;
  /** Analysed text (analyzeForIndex) for BM25 / the sparse vector. */
  terms: string;
}

export interface VectorFilter {
  documentIds?: string[];
  /** Any of these (a chunk may belong to several perspectives). */
  perspectives?: Perspective[];
  langs?: string[];
}

export interface VectorQuery {
  vector?: Float32Array;
  /** Analysed query terms, space separated. */
  terms?: string;
  k: number;
  mode: 'dense' | 'bm25' | 'hybrid';
  filter?: VectorFilter;
  /** Reciprocal rank fusion constant; 60 when absent (in both adapters, so they rank alike). */
  rrfK?: number;
  weights?: { dense: number; bm25: number };
}

/** Score: cosine similarity (dense), BM25 (bm25) or fused RRF score (hybrid); higher is better. */
export interface VectorHit {
  chunkId: number;
  score: number;
}

/**
 * Writes made inside the caller's SQLite transaction, so a document and its vectors commit (or
 * roll back) together. Only a store that lives in the library database has them.
 */
export interface TransactionalWrites {
  addWithin(points: readonly VectorPoint[]): void;
  deleteWithin(chunkIds: readonly number[]): void;
}

/**
 * The vector index: derived data, rebuilt from the database. `add` is an upsert by chunk id;
 * empty filter lists match nothing; a query on a store that was never written returns [].
 */
export interface VectorStore {
  readonly kind: 'embedded' | 'qdrant';
  /** Present when the store can write inside the library's own transaction (embedded); else writers use add/delete around it. */
  readonly transactional?: TransactionalWrites;
  add(points: VectorPoint[], opts?: { signal?: AbortSignal }): Promise<void>;
  delete(sel: { documentId: string } | { chunkIds: number[] }): Promise<void>;
  query(q: VectorQuery, opts?: { signal?: AbortSignal }): Promise<VectorHit[]>;
  count(): Promise<number>;
  drop(): Promise<void>;
}

export const DEFAULT_RRF_K = 60;

/** How many candidates each side of a hybrid query contributes to the fusion. */
export function hybridCandidateLimit(k: number): number {
  return Math.min(Math.max(k * 4, 40), 1000);
}

/** True when a filter is sure to match nothing (an empty list), so adapters can skip the round trip. */
export function filterMatchesNothing(filter: VectorFilter | undefined): boolean {
  return !!filter && [filter.documentIds, filter.perspectives, filter.langs].some((list) => list !== undefined && list.length === 0);
}
