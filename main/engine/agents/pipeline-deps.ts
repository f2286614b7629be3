import { searchInBothLanguages } from './translate-query';
import type { Engine } from '../engine';
import { embedWithCache } from '../embeddings/embed-with-cache';
import { BscError } from '../errors';
import { createChatModel, type ChatRole } from '../llm/models';
import type { ChatTuning } from '../llm/stream-with-retries';
import { createCohereReranker } from '../retrieval/rerank-cohere';
import { noReranker, type Reranker } from '../retrieval/rerank';
import { retrieve } from '../retrieval/retrieve';
import type { PassageSearch, PipelineDeps, PipelineModels } from './pipeline';

/** Retries before the first token for each model call (the contract's settings do not expose it). */
const CHAT_RETRIES = 2;

/** The library search the pipeline uses: the engine's retrieval with a perspective filter. */
export function librarySearch(engine: Engine): PassageSearch {
  return async (query, opts, signal) => {
    const { repo } = engine.lib();
    const embedder = engine.embedder();
    const r = engine.currentSettings().retrieval;
    const store = engine.vectorStore();
    const out = await retrieve(
      {
        db: engine.database(),
        store,
        embed: embedder ? (texts, sig) => embedWithCache(embedder.provider, embedder.cache, texts, { signal: sig }) : null,
        libraryLangs: repo.languages().filter((l): l is 'pt' | 'en' => l === 'pt' || l === 'en'),
      },
      {
        query, k: opts.k, mode: embedder ? r.mode : 'bm25', rrfK: r.rrfK, weights: { dense: r.denseWeight, bm25: r.bm25Weight },
        ...(opts.perspectives ? { filter: { perspectives: opts.perspectives } } : {}), signal,
      },
    );
    return { hits: out.hits.map((h) => ({ ...h, store: store.kind })), mode: out.mode, notes: out.notes };
  };
}

/**
 * What one answer needs from the engine, built from the current settings and keys: the chat
 * models per role (none offline, or when the provider cannot be used, with the reason), the
 * reranker and the library search.
 */
export function pipelineDepsFor(engine: Engine, opts: { chatTuning?: ChatTuning } = {}): PipelineDeps {
  const settings = engine.currentSettings();
  const secrets = engine.secrets();
  const notes: string[] = [];
  let models: PipelineModels | null = null;
  let offlineReason: string | null = null;
  if (settings.chat.provider !== 'none') {
    try {
      const chatSecrets = {
        anthropicApiKey: secrets.get('anthropicApiKey'),
        openaiApiKey: secrets.get('openaiApiKey'),
        compatibleApiKey: secrets.get('compatibleApiKey'),
      };
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
      reranker = createCohereReranker({ apiKey: secrets.get('cohereApiKey'), baseUrl: null, model: settings.rerank.model || undefined });
    } catch (err) {
      notes.push(`Reranking is off: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const search = models
    ? searchInBothLanguages(librarySearch(engine), (models as PipelineModels).router, () => engine.lib().repo.languages())
    : librarySearch(engine);
  return { settings, models, notes, offlineReason, search, reranker };
}
