import type { Perspective, SearchHit, Settings } from '../../../preload/contract';
import type { DatabaseService } from '../db/database-service';
import { embedWithCache } from '../embeddings/embed-with-cache';
import type { EmbeddingService } from '../embeddings/embedding-service';
import type { VectorStore } from '../vectorstore/port';
import type { IndexLanguage } from './analyze';
import { type RetrievalMode, type RetrieveDeps, type RetrieveQuery, type RetrieveResult, retrieve } from './retrieve';

export interface SearchRequest {
  query: string;
  k?: number;
  /** Absent: the settings' mode when an embedder is configured, else BM25. */
  mode?: RetrievalMode;
  documentIds?: string[];
  perspectives?: Perspective[];
  signal?: AbortSignal;
}

export interface SearchOutcome extends RetrieveResult {
  store: VectorStore['kind'];
  tookMs: number;
}

/**
 * How a built query is executed: in this thread by default; a pool of reader threads over
 * SQLite's WAL can take its place (the one place searches run, for the Library view and answers alike).
 */
export type RetrieveExecutor = (deps: RetrieveDeps, query: RetrieveQuery) => Promise<RetrieveResult>;

/** The one search of the library: settings' tuning, the active store, the embedder and its cache. */
export interface SearchService {
  search(req: SearchRequest): Promise<SearchOutcome>;
  /** The contract's library.search reply. */
  librarySearch(input: Omit<SearchRequest, 'signal' | 'perspectives'>, signal?: AbortSignal): Promise<{ hits: SearchHit[]; mode: RetrievalMode; tookMs: number }>;
}

export interface SearchServiceDeps {
  database: DatabaseService;
  settings: () => Settings;
  embeddings: EmbeddingService;
  store: () => VectorStore;
  libraryLangs: () => IndexLanguage[];
  executor?: RetrieveExecutor;
}

export function createSearchService(deps: SearchServiceDeps): SearchService {
  const execute = deps.executor ?? retrieve;

  async function search(req: SearchRequest): Promise<SearchOutcome> {
    const started = performance.now();
    const libraryLangs = deps.libraryLangs();
    const embedder = deps.embeddings.current();
    const r = deps.settings().retrieval;
    const store = deps.store();
    const filter = req.documentIds || req.perspectives
      ? { ...(req.documentIds ? { documentIds: req.documentIds } : {}), ...(req.perspectives ? { perspectives: req.perspectives } : {}) }
      : undefined;
    const out = await execute(
      {
        db: deps.database.get(),
        store,
        embed: embedder ? (texts, sig) => embedWithCache(embedder.provider, embedder.cache, texts, { signal: sig }) : null,
        libraryLangs,
      },
      {
        query: req.query, k: req.k ?? r.k, mode: req.mode ?? (embedder ? r.mode : 'bm25'), rrfK: r.rrfK, weights: { dense: r.denseWeight, bm25: r.bm25Weight },
        filter, signal: req.signal,
      },
    );
    return { ...out, store: store.kind, tookMs: Math.round(performance.now() - started) };
  }

  return {
    search,
    async librarySearch(input, signal) {
      const out = await search({ ...input, signal });
      return { hits: out.hits.map((h) => ({ ...h, store: out.store, mode: out.mode })), mode: out.mode, tookMs: out.tookMs };
    },
  };
}
