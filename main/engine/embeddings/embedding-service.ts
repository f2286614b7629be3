import type { Settings } from '../../../preload/contract';
import { isAbortError } from '../errors';
import type { ChatModel } from '../llm/chat-model';
import { createChatModel } from '../llm/models';
import type { Logger } from '../observability/log';
import type { ProviderKeys } from '../settings/provider-keys';
import { type ContextCache, openContextCache } from '../ingest/contextualize';
import { type EmbeddingCache, openEmbeddingCache } from './cache';
import { createEmbeddingProvider } from './create-embedding-provider';
import { defaultLocalModelDir } from './onnx-embeddings';
import type { EmbeddingProvider } from './provider';

export interface Embedder {
  provider: EmbeddingProvider;
  cache: EmbeddingCache;
}

/**
 * The configured embedding provider with its SQLite cache (null: BM25 only), and the
 * contextual-retrieval model. Built on first use, dropped when their settings or keys change.
 */
export interface EmbeddingService {
  current(): Embedder | null;
  /** The cache only if something already opened it (metrics must not open files a restore is replacing). */
  openCache(): EmbeddingCache | null;
  contextualizer(): { model: ChatModel; cache: ContextCache } | null;
  /** Forget the built provider (settings or keys changed). */
  reset(): void;
  /** Close the cache files (restore, shutdown). */
  close(): void;
}

export interface EmbeddingServiceDeps {
  cacheFile: string;
  settings: () => Settings;
  keys: ProviderKeys;
  log: Logger;
  /** Where the fetched local model lives when the settings name no folder (resources/models). */
  resourcesDir: () => string;
  /** Told whether each call to the provider answered (Status shows the last one). */
  onCall?: (ok: boolean, detail: string) => void;
}

/** The provider, reporting each call's outcome (a cancelled call says nothing about the provider). */
function observed(p: EmbeddingProvider, onCall: (ok: boolean, detail: string) => void): EmbeddingProvider {
  return {
    get id() { return p.id; },
    get model() { return p.model; },
    get dimensions() { return p.dimensions; },
    get fingerprint() { return p.fingerprint; },
    get maxBatch() { return p.maxBatch; },
    async embed(texts, opts) {
      try {
        const out = await p.embed(texts, opts);
        onCall(true, `embedded ${texts.length} text${texts.length === 1 ? '' : 's'}`);
        return out;
      } catch (err) {
        if (!isAbortError(err)) onCall(false, err instanceof Error ? err.message : String(err));
        throw err;
      }
    },
    resolveDimensions: (opts) => p.resolveDimensions(opts),
  };
}

const EVICT_EVERY_MS = 86_400_000;

export function createEmbeddingService(deps: EmbeddingServiceDeps): EmbeddingService {
  let built: Embedder | null | undefined;
  let cache: EmbeddingCache | null = null;
  let contextCache: ContextCache | null = null;
  let evictTimer: NodeJS.Timeout | null = null;

  function openCacheFile(): EmbeddingCache {
    const c = deps.settings().embeddingCache;
    const opened = openEmbeddingCache(deps.cacheFile, { ttlDays: c.ttlDays, maxBytes: Math.round(c.maxGb * 1e9) });
    // TTL and size cap: applied now and once a day while the app runs.
    const evict = () => {
      try {
        const r = opened.evict();
        if (r.expired || r.evicted) deps.log.info('embedding cache evicted', r);
      } catch (err) {
        deps.log.warn('embedding cache eviction failed', { error: err });
      }
    };
    evict();
    evictTimer = setInterval(evict, EVICT_EVERY_MS);
    evictTimer.unref();
    return opened;
  }

  return {
    current() {
      if (built !== undefined) return built;
      const e = deps.settings().embeddings;
      const provider = createEmbeddingProvider(
        {
          provider: e.provider, model: e.model, dimensions: e.dimensions ?? undefined, baseUrl: e.baseUrl ?? undefined, batchSize: e.batchSize, concurrency: e.concurrency,
          // null: the model scripts/fetch-model put in resources/models/.
          modelDir: e.modelDir ?? defaultLocalModelDir(deps.resourcesDir()),
        },
        deps.keys.embeddingKeys(e),
      );
      if (provider && !cache) cache = openCacheFile();
      built = provider && cache ? { provider: deps.onCall ? observed(provider, deps.onCall) : provider, cache } : null;
      return built;
    },
    openCache: () => (built ? built.cache : null),
    contextualizer() {
      const chat = deps.settings().chat;
      if (!chat.contextualRetrieval || chat.provider === 'none') return null;
      let model: ChatModel | null;
      try {
        model = createChatModel({ ...chat, maxRetries: 2 }, deps.keys.chatKeys(chat), 'contextualizer');
      } catch (err) {
        // No usable key for this address: import without contexts rather than fail the document.
        deps.log.warn('contextual retrieval skipped', { error: err instanceof Error ? err.message : String(err) });
        return null;
      }
      if (!model) return null;
      contextCache ??= openContextCache(deps.cacheFile);
      return { model, cache: contextCache };
    },
    reset() {
      built = undefined;
    },
    close() {
      if (evictTimer) clearInterval(evictTimer);
      evictTimer = null;
      cache?.close();
      cache = null;
      contextCache?.close();
      contextCache = null;
      built = undefined;
    },
  };
}
