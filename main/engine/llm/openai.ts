import OpenAI from 'openai';
import { BscError } from '../errors';
import type { ChatChunk, ChatMessage, ChatModel, ChatOptions, TokenUsage } from './chat-model';
import { limitsFor, streamWithRetries, type ChatFailureContext, type ChatTuning } from './stream-with-retries';

export interface OpenAIChatOptions {
  provider: 'openai' | 'openai-compatible';
  apiKey: string | undefined;
  /** Null: OpenAI's own API (required for openai-compatible: Ollama, LM Studio, vLLM…). */
  baseUrl: string | null;
  model: string;
  tuning?: ChatTuning;
}

export const openAIDefaultBaseUrl = 'https://api.openai.com/v1';

/** One adapter for OpenAI and for servers that speak its /v1/chat/completions. */
export function createOpenAIChatModel(o: OpenAIChatOptions): ChatModel {
  if (o.provider === 'openai' && !o.apiKey) {
    throw new BscError('PROVIDER_AUTH', 'No OpenAI API key is set. Add one in Settings, or choose another chat provider.');
  }
  if (o.provider === 'openai-compatible' && !o.baseUrl) {
    throw new BscError('BAD_INPUT', 'An OpenAI-compatible chat provider needs the server address (e.g. http://localhost:11434/v1 for Ollama).');
  }
  const baseUrl = o.baseUrl ?? openAIDefaultBaseUrl;
  const client = new OpenAI({
    apiKey: o.apiKey || 'no-key', // local servers ignore the key, but the SDK insists on one
    baseURL: baseUrl,
    maxRetries: 0, // ours are the only retries: they must stop once the first token is shown
  });

  return {
    provider: o.provider,
    model: o.model,
    async *stream(messages: ChatMessage[], opts: ChatOptions): AsyncGenerator<ChatChunk> {
      const model = opts.model ?? o.model;
      const ctx: ChatFailureContext = { provider: o.provider, model, baseUrl, apiKey: o.apiKey };
      const request = toChatCompletionRequest(o.provider, messages, opts, model);
      const limits = limitsFor(o.tuning, opts);
      yield* streamWithRetries((signal) => chatCompletionEvents(client, request, signal, limits.totalTimeoutMs), ctx, limits, opts.signal);
    },
  };
}

export function toChatCompletionRequest(
  provider: 'openai' | 'openai-compatible',
  messages: ChatMessage[],
  opts: ChatOptions,
  model: string,
): OpenAI.ChatCompletionCreateParamsStreaming {
  if (!messages.some((m) => m.role === 'user')) throw new BscError('BAD_INPUT', 'A chat request needs at least one user message.');
  const wire: OpenAI.ChatCompletionMessageParam[] = messages.map((m) => ({ role: m.role, content: m.content }));
  // JSON mode is refused unless the messages mention JSON; say it once when the caller has not.
  if (opts.json && !messages.some((m) => /json/i.test(m.content))) {
    wire.unshift({ role: 'system', content: 'Answer with a single JSON object.' });
  }
  return {
    model,
    messages: wire,
    stream: true,
    stream_options: { include_usage: true },
    // OpenAI's newer models refuse max_tokens; local servers mostly know only max_tokens.
    ...(provider === 'openai' ? { max_completion_tokens: opts.maxTokens } : { max_tokens: opts.maxTokens }),
    ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
    ...(opts.json ? { response_format: { type: 'json_object' as const } } : {}),
  };
}

async function* chatCompletionEvents(
  client: OpenAI,
  request: OpenAI.ChatCompletionCreateParamsStreaming,
  signal: AbortSignal,
  totalTimeoutMs: number,
): AsyncGenerator<ChatChunk> {
  const chunks = await client.chat.completions.create(request, { signal, timeout: totalTimeoutMs + 5_000 }); // ours fire first, with clearer messages
  let finishReason: string | null = null;
  let usage: TokenUsage | null = null;
  for await (const chunk of chunks) {
    const choice = chunk.choices[0];
    const text = choice?.delta?.content;
    if (typeof text === 'string' && text !== '') yield { type: 'text', text };
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) {
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      usage = {
        inputTokens: Math.max(0, chunk.usage.prompt_tokens - cached),
        outputTokens: chunk.usage.completion_tokens,
        cacheReadTokens: cached,
      };
    }
  }
  // Aborted or cut streams end quietly in the SDK: without a finish_reason the answer is not complete.
  if (finishReason === null) return;
  if (usage) yield { type: 'usage', usage };
  yield { type: 'done', stopReason: finishReason };
}
