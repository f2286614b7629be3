import { estimateCostUsd } from './prices';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  model?: string;
  maxTokens: number;
  temperature?: number;
  signal?: AbortSignal;
  /** The whole answer must be done within this; defaults to the model's configured total timeout. */
  timeoutMs?: number;
  /** The first token must arrive within this (per try); defaults to the model's configured timeout. */
  firstTokenTimeoutMs?: number;
  /** Tries before the first token, the first included; defaults to the model's configured retries + 1. */
  maxAttempts?: number;
  /** Ask for a single JSON object. */
  json?: boolean;
  /** Anthropic prompt caching for a long system/document prompt (ignored elsewhere). */
  cacheSystemPrompt?: boolean;
}

/**
 * Token counts for one answer. `inputTokens` counts only input billed at the full price: tokens
 * read from or written to a prompt cache are in the cache fields, not in `inputTokens` (Anthropic's
 * convention; the OpenAI adapter subtracts its cached tokens to match).
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** `usage` is cumulative: a later usage chunk replaces an earlier one. `done` comes last, once. */
export type ChatChunk = { type: 'text'; text: string } | { type: 'usage'; usage: TokenUsage } | { type: 'done'; stopReason: string | null };

export type ChatProvider = 'anthropic' | 'openai' | 'openai-compatible';

export interface ChatModel {
  readonly provider: ChatProvider;
  readonly model: string;
  /**
   * Streams one answer. Failures before the first token are retried; after it, the stream ends with
   * PROVIDER_UNAVAILABLE ("The model stopped mid-answer…") and is never restarted. Cancelling the
   * signal aborts the HTTP request and ends the stream with CANCELLED.
   */
  stream(messages: ChatMessage[], opts: ChatOptions): AsyncIterable<ChatChunk>;
}

export interface CompletedChat {
  text: string;
  usage: TokenUsage;
  stopReason: string | null;
  /** Null when the model is not in the price table (local models, new releases). */
  costUsd: number | null;
}

/** Runs a stream to its end and returns the whole answer, for callers that do not show tokens as they come. */
export async function completeChat(model: ChatModel, messages: ChatMessage[], opts: ChatOptions): Promise<CompletedChat> {
  let text = '';
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let stopReason: string | null = null;
  for await (const chunk of model.stream(messages, opts)) {
    if (chunk.type === 'text') text += chunk.text;
    else if (chunk.type === 'usage') usage = chunk.usage;
    else stopReason = chunk.stopReason;
  }
  return { text, usage, stopReason, costUsd: estimateCostUsd(model.provider, opts.model ?? model.model, usage) };
}
