import type { Settings } from '../../../preload/contract';
import { searchInBothLanguages } from './translate-query';
import { BscError } from '../errors';
import { createChatModel, type ChatRole } from '../llm/models';
import type { ChatTuning } from '../llm/stream-with-retries';
import { createCohereReranker } from '../retrieval/rerank-cohere';
import { noReranker, type Reranker } from '../retrieval/rerank';
import type { SearchService } from '../retrieval/search-service';
import { defaultEndpoints, type ProviderKeys } from '../settings/provider-keys';
import type { PassageSearch, PipelineDeps, PipelineModels } from './pipeline';
import type { DatabaseService } from '../db/database-service';
import { libraryFactsFor } from './library-facts';

/** Retries before the first token for each model call (the contract's settings do not expose it). */
const CHAT_RETRIES = 2;

/** What building one answer's dependencies reads. */
export interface AnswerDepsSources {
  settings: () => Settings;
  keys: ProviderKeys;
  search: SearchService;
  libraryLangs: () => string[];
  /** The library database: page texts (citations per page) and term statistics (calibrated scores). */
  database?: DatabaseService;
}

/** The library search the pipeline uses: the one search service, with a perspective filter. */
export function librarySearch(search: SearchService): PassageSearch {
  return async (query, opts, signal) => {
    const out = await search.search({ query, k: opts.k, ...(opts.perspectives ? { perspectives: opts.perspectives } : {}), signal });
    return { hits: out.hits.map((h) => ({ ...h, store: out.store })), mode: out.mode, notes: out.notes };
  };
}

/**
 * What one answer needs, built from the current settings and keys: the chat models per role
 * (none offline, or when the provider cannot be used, with the reason), the reranker and the
 * library search.
 */
export function pipelineDepsFor(src: AnswerDepsSources, opts: { chatTuning?: ChatTuning } = {}): PipelineDeps {
  const settings = src.settings();
  const notes: string[] = [];
  let models: PipelineModels | null = null;
  let offlineReason: string | null = null;
  if (settings.chat.provider !== 'none') {
    try {
      const chatSecrets = src.keys.chatKeys(settings.chat);
      const make = (role: ChatRole) => {
        const model = createChatModel({ provider: settings.chat.provider, baseUrl: settings.chat.baseUrl, models: settings.chat.models, timeoutMs: settings.chat.timeoutMs, maxRetries: CHAT_RETRIES }, chatSecrets, role, opts.chatTuning);
        if (!model) throw new BscError('INTERNAL', 'No chat model for a configured provider.');
        return model;
      };
      models = { router: make('router'), specialist: make('specialist'), synthesizer: make('synthesizer'), judge: make('judge') };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      offlineReason = `${why} — extractive answer.`;
      notes.push(offlineReason);
    }
  }
  let reranker: Reranker = noReranker;
  if (settings.rerank.provider === 'cohere') {
    try {
      reranker = createCohereReranker({ apiKey: src.keys.keyFor('cohereApiKey', defaultEndpoints.cohere), baseUrl: null, model: settings.rerank.model || undefined });
    } catch (err) {
      notes.push(`Reranking is off: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const search = librarySearch(src.search);
  return {
    settings, models, notes, offlineReason, reranker,
    ...(src.database ? { library: libraryFactsFor(src.database.get()) } : {}),
    search: models ? searchInBothLanguages(search, models.router, src.libraryLangs) : search,
  };
}
