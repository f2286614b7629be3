import { embeddedVectorDims as storedVectorDims } from '../vectorstore/dense-index';
import fs from 'node:fs';
import { embeddingTextOf } from '../ingest/index-document';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { z } from 'zod';
import type { ProviderTarget, ProviderTest, Settings } from '../../../preload/contract';
import type { MethodHandlers } from '../dispatch';
import { type EmbeddingCacheStats, openEmbeddingCache, type EmbeddingCache } from '../embeddings/cache';
import { createEmbeddingProvider } from '../embeddings/create-embedding-provider';
import type { Embedder } from '../embeddings/embedding-service';
import { BscError } from '../errors';
import type { ProviderHealth } from '../observability/provider-health';
import type { EngineServices } from '../services';
import { defaultEndpoints, type ProviderKeys } from '../settings/provider-keys';
import { createChatModel, testConnection } from '../llm/models';
import { parseExternalQdrant } from '../qdrant/external';
import { analyzeForIndex } from '../retrieval/analyze';
import { createCohereReranker } from '../retrieval/rerank-cohere';
import { checkQdrantVersion, qdrantError } from '../vectorstore/qdrant';

type ProviderMethods = Extract<keyof MethodHandlers, `secrets.${string}` | `providers.${string}` | `embeddings.${string}`>;
type Target = z.infer<typeof ProviderTarget>;
type TestResult = z.infer<typeof ProviderTest>;

export interface ProviderTestOptions {
  /** Cohere's address; the settings have none (Cohere is only a cloud API), tests point it at a stand-in. */
  cohereBaseUrl?: string | null;
  /** Longest wait for one test request. */
  timeoutMs?: number;
}

/** How many chunk texts are hashed and looked up per cache query when counting what a model lacks. */
const MISSING_BATCH = 2_000;

/** What testing providers and reading the embedding cache use. */
export type ProviderServices = Pick<EngineServices, 'keys' | 'settings' | 'embeddings' | 'stores' | 'database' | 'paths' | 'log'> & { health: ProviderHealth };

export function providerHandlers(services: ProviderServices, opts: ProviderTestOptions = {}): Pick<MethodHandlers, ProviderMethods> {
  const { keys, log, health } = services;
  return {
    'secrets.status': () => keys.status(),
    'secrets.set': ({ name, value }) => {
      // Stored, bound to the endpoints the settings use now; providers built with the old key are rebuilt on next use.
      keys.set(name, value);
      log.info('provider key changed', { secret: name, action: value === null ? 'removed' : 'stored', storage: keys.store().storage });
      return keys.status();
    },
    'providers.test': async ({ target }, ctx) => {
      const result = await testProvider(services, target, opts, ctx.signal);
      if (target !== 'vectorStore') health.record(target, result.ok, result.detail);
      (result.ok ? log.info : log.warn)('provider test', { target, ok: result.ok, detail: result.detail, latencyMs: result.latencyMs });
      return result;
    },
    'embeddings.stats': () => embeddingStats(services),
  };
}

// ---------- connection tests ----------

export async function testProvider(services: ProviderServices, target: Target, opts: ProviderTestOptions, signal?: AbortSignal): Promise<TestResult> {
  const settings = services.settings.current();
  const keys = services.keys;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    switch (target) {
      case 'chat': return await testChat(settings, keys, timeoutMs, signal);
      case 'embeddings': return await testEmbeddings(services, settings, keys, timeoutMs, signal, elapsed);
      case 'rerank': return await testRerank(settings, keys, opts.cohereBaseUrl ?? null, signal, elapsed);
      case 'vectorStore': return await testVectorStore(services, settings, keys, timeoutMs, elapsed);
    }
  } catch (err) {
    if (err instanceof BscError && err.code === 'CANCELLED') throw err;
    // Every adapter scrubs its key from messages; a raw error here is ours, still shown without a stack.
    return { target, ok: false, detail: err instanceof Error ? err.message : String(err), latencyMs: elapsed() };
  }
}

async function testChat(settings: Settings, keys: ProviderKeys, timeoutMs: number, signal?: AbortSignal): Promise<TestResult> {
  const c = settings.chat;
  if (c.provider === 'none') return { target: 'chat', ok: true, detail: 'No language model is configured: answers are extractive (quoted passages), offline.', latencyMs: null };
  const model = createChatModel(
    { provider: c.provider, baseUrl: c.baseUrl, models: c.models, timeoutMs: Math.min(c.timeoutMs, timeoutMs), maxRetries: 0 },
    keys.chatKeys(c),
    'synthesizer',
  );
  if (!model) throw new BscError('INTERNAL', 'No chat model was built.');
  const check = await testConnection(model, { timeoutMs, signal });
  return { target: 'chat', ok: check.ok, detail: check.detail, latencyMs: check.latencyMs };
}

async function testEmbeddings(services: Pick<ProviderServices, 'embeddings'>, settings: Settings, keys: ProviderKeys, timeoutMs: number, signal: AbortSignal | undefined, elapsed: () => number): Promise<TestResult> {
  const e = settings.embeddings;
  if (e.provider === 'none') return { target: 'embeddings', ok: true, detail: 'No embedding provider is configured: search uses BM25 (keywords) only.', latencyMs: null };
  if (e.provider === 'local-onnx') {
    // Nothing to reach: the engine's own provider loads the model and embeds.
    const local = services.embeddings.current();
    if (!local) throw new BscError('INTERNAL', 'No embedding provider was built.');
    const [vector] = await local.provider.embed(['Balanced Scorecard: connection test.'], { signal });
    return { target: 'embeddings', ok: true, detail: `The local model returned a ${vector?.length ?? 0}-dimension vector in ${elapsed()} ms.`, latencyMs: elapsed() };
  }
  const provider = createEmbeddingProvider(
    { provider: e.provider, model: e.model, dimensions: e.dimensions ?? undefined, baseUrl: e.baseUrl ?? undefined, batchSize: 1, concurrency: 1 },
    keys.embeddingKeys(e),
    { retry: { maxAttempts: 1 }, timeoutMs },
  );
  if (!provider) throw new BscError('INTERNAL', 'No embedding provider was built.');
  const where = e.baseUrl ?? 'https://api.openai.com/v1';
  const label = e.provider === 'openai' ? 'OpenAI' : `The server at ${where}`;
  try {
    // The cache is bypassed on purpose: this must reach the provider.
    const [vector] = await provider.embed(['Balanced Scorecard: connection test.'], { signal });
    return { target: 'embeddings', ok: true, detail: `${label} returned a ${vector?.length ?? 0}-dimension vector with ${e.model} in ${elapsed()} ms.`, latencyMs: elapsed() };
  } catch (err) {
    if (err instanceof BscError && err.code === 'PROVIDER_UNAVAILABLE') {
      return { target: 'embeddings', ok: false, detail: `Cannot reach ${where}: ${err.message} Check the address and that the server is running.`, latencyMs: elapsed() };
    }
    throw err;
  }
}

async function testRerank(settings: Settings, keys: ProviderKeys, baseUrl: string | null, signal: AbortSignal | undefined, elapsed: () => number): Promise<TestResult> {
  const r = settings.rerank;
  if (r.provider === 'none') return { target: 'rerank', ok: true, detail: 'Reranking is off: passages keep the order hybrid search gave them.', latencyMs: null };
  const reranker = createCohereReranker({ apiKey: keys.keyFor('cohereApiKey', baseUrl ?? defaultEndpoints.cohere), baseUrl, model: r.model, retry: { maxAttempts: 1 } });
  const passages = ['The financial perspective measures revenue growth and return on capital.', 'Employees learn new skills in the learning and growth perspective.'];
  await reranker.rerank('Which perspective covers revenue growth?', passages, { topN: passages.length, timeoutMs: r.timeoutMs, signal });
  return { target: 'rerank', ok: true, detail: `Cohere reranked ${passages.length} passages with ${r.model} in ${elapsed()} ms.`, latencyMs: elapsed() };
}

async function testVectorStore(services: Pick<ProviderServices, 'stores' | 'database'>, settings: Settings, keys: ProviderKeys, timeoutMs: number, elapsed: () => number): Promise<TestResult> {
  const v = settings.vectorStore;
  if (v.mode === 'embedded') {
    const store = services.stores.active();
    const points = await store.count();
    await store.query({ terms: analyzeForIndex('balanced scorecard', 'en'), k: 1, mode: 'bm25' });
    let dense = 'no embedding provider, so no vector search';
    const dims = embeddedVectorDims(services.database.get());
    if (dims) {
      await store.query({ vector: new Float32Array(dims).fill(1 / Math.sqrt(dims)), k: 1, mode: 'dense' });
      dense = `vector search (${dims} dimensions) works`;
    }
    return { target: 'vectorStore', ok: true, detail: `The embedded store answered in ${elapsed()} ms: ${points} vectors stored, full-text search works, ${dense}.`, latencyMs: elapsed() };
  }
  if (v.mode !== 'external') {
    // The app runs this Qdrant itself; its runtime knows the address and key.
    const st = await services.stores.status();
    const name = v.mode === 'bundled' ? 'The bundled Qdrant' : 'The Docker Qdrant';
    return { target: 'vectorStore', ok: st.healthy, detail: `${name} is ${st.state}${st.version ? ` (version ${st.version})` : ''}: ${st.detail}`, latencyMs: elapsed() };
  }
  const apiKey = keys.keyFor('qdrantApiKey', v.qdrantUrl) ?? null;
  const ext = parseExternalQdrant({ url: v.qdrantUrl, apiKey });
  const client = new QdrantClient({ url: ext.url, ...(apiKey ? { apiKey } : {}), timeout: timeoutMs, checkCompatibility: false });
  let version: string;
  try {
    version = await checkQdrantVersion(client);
  } catch (err) {
    throw qdrantError(err, 'checking its version', ext.url, apiKey ?? undefined);
  }
  const warning = ext.warning ? ` Warning: ${ext.warning}` : '';
  return { target: 'vectorStore', ok: true, detail: `Qdrant ${version} at ${ext.url} answered in ${elapsed()} ms.${warning}`, latencyMs: elapsed() };
}

/** The dimensions of the embedded vector table, or 0 when there is none yet (nothing embedded). */
function embeddedVectorDims(db: ReturnType<ProviderServices['database']['get']>): number {
  // The dense table records its dimensions in library_meta (vectorstore/dense-index.ts, migration 0008).
  return storedVectorDims(db);
}

// ---------- embedding cache ----------

export interface EmbeddingStats extends EmbeddingCacheStats {
  fingerprint: string | null;
  missingForCurrentModel: number | null;
}

export function embeddingStats(services: Pick<ProviderServices, 'embeddings' | 'paths' | 'database'>): EmbeddingStats {
  let embedder: Embedder | null = null;
  try {
    embedder = services.embeddings.current();
  } catch {
    // A provider that cannot be built (no key, no base URL) still leaves the cache worth showing.
  }
  const cacheStats = embedder ? embedder.cache.stats() : statsOfCacheFile(services.paths.embeddingCache);
  // openai-compatible without configured dimensions knows them (and so its fingerprint) only after its first answer.
  const fingerprint = embedder && embedder.provider.dimensions > 0 ? embedder.provider.fingerprint : null;
  return {
    ...cacheStats,
    fingerprint,
    missingForCurrentModel: embedder && fingerprint ? countChunksMissing(services.database.get(), embedder.cache, fingerprint) : null,
  };
}

/** The cache as it is on disk when no provider is configured: its hit counters belong to the engine's connection, so they are 0 here. */
function statsOfCacheFile(file: string): EmbeddingCacheStats {
  if (!fs.existsSync(file)) return { entries: 0, bytes: 0, hits: 0, misses: 0 };
  const cache = openEmbeddingCache(file);
  try {
    return cache.stats();
  } finally {
    cache.close();
  }
}

/**
 * How many of the library's chunks have no vector under `fingerprint`: what switching to (or
 * rebuilding with) this model will send to the provider. The text is the one import embeds
 * (context, blank line, chunk). Streams the chunks in batches so a large library stays cheap.
 */
export function countChunksMissing(db: ReturnType<ProviderServices['database']['get']>, cache: EmbeddingCache, fingerprint: string): number {
  const rows = db.prepare('SELECT text, context FROM chunks').iterate() as IterableIterator<{ text: string; context: string | null }>;
  let missing = 0;
  let batch: string[] = [];
  for (const row of rows) {
    batch.push(embeddingTextOf(row));
    if (batch.length >= MISSING_BATCH) {
      missing += cache.countMissing(fingerprint, batch);
      batch = [];
    }
  }
  if (batch.length) missing += cache.countMissing(fingerprint, batch);
  return missing;
}
