import OpenAI from 'openai';
import { BscError, throwIfCancelled } from '../errors';
import { planBatches, runLimited } from './batching';
import { embeddingFingerprint, type EmbeddingProvider } from './provider';
import { defaultRetryPolicy, requestWithRetries, type FailureContext, type RetryPolicy } from './retry';

/** Knobs that are not user settings: tests shorten them, the defaults suit the real APIs. */
export interface OpenAIEmbeddingTuning {
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Estimated tokens per request; OpenAI caps a request at 300k tokens, we stay well under. */
  maxTokensPerRequest?: number;
}

export interface OpenAIEmbeddingOptions {
  id: 'openai' | 'openai-compatible';
  apiKey: string | undefined;
  baseUrl: string;
  model: string;
  /** Known dimensions, or undefined to learn them from the first answer. */
  dimensions: number | undefined;
  /** Whether to send `dimensions` in the request (models that cannot shorten their vectors reject it). */
  sendDimensions: boolean;
  batchSize: number;
  concurrency: number;
  tuning?: OpenAIEmbeddingTuning;
}

const probeText = 'dimension probe';

/** One adapter for OpenAI and for servers that speak its /v1/embeddings (Ollama, LM Studio, vLLM…). */
export function createOpenAIEmbeddingProvider(o: OpenAIEmbeddingOptions): EmbeddingProvider {
  if (o.id === 'openai' && !o.apiKey) {
    throw new BscError('PROVIDER_AUTH', 'No OpenAI API key is set. Add one in Settings, or choose another embedding provider.');
  }
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...o.tuning?.retry };
  const maxTokens = o.tuning?.maxTokensPerRequest ?? 100_000;
  const client = new OpenAI({
    // Local servers ignore the key, but the SDK insists on one.
    apiKey: o.apiKey || 'no-key',
    baseURL: o.baseUrl,
    maxRetries: 0, // ours are the only retries, so backoff and error mapping live in one place
    timeout: o.tuning?.timeoutMs ?? 60_000,
  });
  const failure: FailureContext = { provider: o.id, model: o.model, apiKey: o.apiKey };
  let dimensions = o.dimensions ?? 0;

  const embedBatch = async (batch: string[], signal: AbortSignal): Promise<Float32Array[]> => {
    const res = await requestWithRetries(
      () =>
        client.embeddings.create(
          {
            model: o.model,
            input: batch,
            encoding_format: 'float',
            ...(o.sendDimensions && o.dimensions !== undefined ? { dimensions: o.dimensions } : {}),
          },
          { signal },
        ),
      failure,
      policy,
      signal,
    );
    return vectorsFromResponse(res.data, batch.length);
  };

  const vectorsFromResponse = (data: OpenAI.Embeddings.Embedding[], expected: number): Float32Array[] => {
    if (!Array.isArray(data) || data.length !== expected) {
      throw badAnswer(`returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${expected} texts`);
    }
    const out: Float32Array[] = new Array(expected);
    for (const item of data) {
      const v = item.embedding as unknown;
      if (!Array.isArray(v) || typeof item.index !== 'number' || item.index < 0 || item.index >= expected) {
        throw badAnswer('returned a malformed embedding');
      }
      if (dimensions === 0) dimensions = v.length;
      if (v.length !== dimensions) throw badAnswer(`returned ${v.length}-dimension vectors, expected ${dimensions}`);
      out[item.index] = Float32Array.from(v as number[]);
    }
    if (out.some((v) => v === undefined)) throw badAnswer('returned duplicate indexes');
    return out;
  };

  const badAnswer = (what: string) =>
    new BscError('PROVIDER_UNAVAILABLE', `The embedding provider (${o.id}, ${o.model}) ${what}.`, { provider: o.id, model: o.model });

  const provider: EmbeddingProvider = {
    id: o.id,
    model: o.model,
    get dimensions() {
      return dimensions;
    },
    get fingerprint() {
      return embeddingFingerprint(o.id, o.model, dimensions);
    },
    maxBatch: o.batchSize,

    async embed(texts, opts = {}) {
      throwIfCancelled(opts.signal);
      if (texts.length === 0) return [];
      const blank = texts.findIndex((t) => typeof t !== 'string' || t.trim() === '');
      if (blank >= 0) throw new BscError('BAD_INPUT', `Text ${blank} is empty; an embedding needs some text.`);
      const batches = planBatches(texts, o.batchSize, maxTokens);
      const out: Float32Array[] = new Array(texts.length);
      await runLimited(
        batches.length,
        o.concurrency,
        async (i, signal) => {
          const { start, end } = batches[i]!;
          const vectors = await embedBatch(texts.slice(start, end), signal);
          for (let k = 0; k < vectors.length; k++) out[start + k] = vectors[k]!;
        },
        opts.signal,
      );
      return out;
    },

    async resolveDimensions(opts = {}) {
      if (dimensions === 0) await provider.embed([probeText], opts);
      return dimensions;
    },
  };
  return provider;
}
