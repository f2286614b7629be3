import { z } from 'zod';

/** Turns texts into vectors. Adapters: openai, openai-compatible (Ollama, LM Studio…), local-onnx (a model folder, in process). */
export interface EmbeddingProvider {
  readonly id: 'openai' | 'openai-compatible' | 'local-onnx' | 'none';
  readonly model: string;
  /** 0 until known: an openai-compatible model without configured dimensions reports them on its first answer. */
  readonly dimensions: number;
  /** `provider|model|dimensions`: what makes two vectors comparable; part of every cache key. */
  readonly fingerprint: string;
  readonly maxBatch: number;
  /** One vector per text, in order. Throws BscError: PROVIDER_AUTH, PROVIDER_RATE_LIMITED, PROVIDER_UNAVAILABLE, BAD_INPUT, CANCELLED. */
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<Float32Array[]>;
  /**
   * Makes `dimensions` (and so `fingerprint`) known, embedding one probe text if it must.
   * Needed before cache keys are computed or a vector index is created.
   */
  resolveDimensions(opts?: { signal?: AbortSignal }): Promise<number>;
}

export function embeddingFingerprint(provider: string, model: string, dimensions: number): string {
  return `${provider}|${model}|${dimensions}`;
}

export const defaultOpenAIEmbeddingModel = 'text-embedding-3-small';

/** Dimensions of OpenAI's models when none are asked for. */
export const openAIModelDimensions: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

// A plain object (no refinements), so it can be nested, made partial or extended in the app's settings.
export const EmbeddingSettings = z.object({
  provider: z.enum(['none', 'openai', 'openai-compatible', 'local-onnx']).default('none'),
  /** openai / openai-compatible only: a local-onnx model is named by its folder (see localModelName). */
  model: z.string().trim().min(1).default(defaultOpenAIEmbeddingModel),
  dimensions: z.number().int().min(1).max(8192).optional(),
  /** Required for openai-compatible (e.g. http://127.0.0.1:11434/v1 for Ollama); for openai, a proxy or gateway. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Required for local-onnx: a folder with tokenizer.json and model.onnx (or onnx/model.onnx), as scripts/fetch-model writes it. */
  modelDir: z.string().trim().min(1).optional(),
  batchSize: z.number().int().min(1).max(2048).default(100),
  concurrency: z.number().int().min(1).max(16).default(2),
});
export type EmbeddingSettings = z.infer<typeof EmbeddingSettings>;
