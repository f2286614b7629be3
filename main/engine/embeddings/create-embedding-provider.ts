import { z } from 'zod';
import { BscError } from '../errors';
import { createOnnxEmbeddingProvider, localModelName, readLocalModelCard } from './onnx-embeddings';
import { createOpenAIEmbeddingProvider, type OpenAIEmbeddingTuning } from './openai-embeddings';
import { EmbeddingSettings, openAIModelDimensions, type EmbeddingProvider } from './provider';

export interface EmbeddingSecrets {
  openaiApiKey?: string;
  /** Kept apart from the OpenAI key so that key is never sent to a third-party server. Local servers need none. */
  compatibleApiKey?: string;
}

/**
 * The provider the settings ask for, or null for 'none' (retrieval is then BM25 only).
 * Throws BAD_INPUT for invalid settings, PROVIDER_AUTH for OpenAI without a key and
 * PROVIDER_UNAVAILABLE for a local-onnx folder without a model.
 */
export function createEmbeddingProvider(
  settings: z.input<typeof EmbeddingSettings>,
  secrets: EmbeddingSecrets,
  tuning: OpenAIEmbeddingTuning = {},
): EmbeddingProvider | null {
  const parsed = EmbeddingSettings.safeParse(settings);
  if (!parsed.success) {
    throw new BscError('BAD_INPUT', `Invalid embedding settings: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
  }
  const s = parsed.data;
  switch (s.provider) {
    case 'none':
      return null;
    case 'openai':
      return createOpenAIEmbeddingProvider({
        id: 'openai',
        apiKey: secrets.openaiApiKey,
        baseUrl: s.baseUrl ?? 'https://api.openai.com/v1',
        model: s.model,
        dimensions: s.dimensions ?? openAIModelDimensions[s.model],
        // OpenAI only accepts `dimensions` on text-embedding-3 models.
        sendDimensions: s.dimensions !== undefined,
        batchSize: s.batchSize,
        concurrency: s.concurrency,
        tuning,
      });
    case 'openai-compatible':
      if (s.baseUrl === undefined) {
        throw new BscError('BAD_INPUT', 'An OpenAI-compatible embedding provider needs a base URL (for Ollama: http://127.0.0.1:11434/v1).');
      }
      return createOpenAIEmbeddingProvider({
        id: 'openai-compatible',
        apiKey: secrets.compatibleApiKey,
        baseUrl: s.baseUrl,
        model: s.model,
        dimensions: s.dimensions,
        sendDimensions: s.dimensions !== undefined,
        batchSize: s.batchSize,
        concurrency: s.concurrency,
        tuning,
      });
    case 'local-onnx': {
      if (s.modelDir === undefined) throw new BscError('BAD_INPUT', 'A local ONNX embedding model needs its folder (modelDir).');
      // The folder names the model and how to use it; `model` and `dimensions` belong to the API providers.
      const card = readLocalModelCard(s.modelDir);
      return createOnnxEmbeddingProvider({
        modelDir: s.modelDir,
        model: localModelName(s.modelDir, card),
        batchSize: s.batchSize,
        pooling: card?.pooling,
        prefix: card?.prefix,
        maxLength: card?.maxLength,
      });
    }
  }
}
