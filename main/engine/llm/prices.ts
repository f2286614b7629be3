import type { ChatProvider, TokenUsage } from './chat-model';

/**
 * List prices in USD per million tokens, as published by Anthropic and OpenAI.
 * Our best knowledge as of 2026-02 (the 4-6 models: as announced at launch, same tier prices as
 * their predecessors); prices change: update the table and this date. Newer ids that
 * @anthropic-ai/sdk lists (claude-opus-4-7, claude-sonnet-5…) are left out until we know
 * their prices: an unknown model costs null, never a guess.
 * Cache multipliers are relative to the input price: Anthropic reads at 0.1×, writes (5-minute
 * cache) at 1.25×; OpenAI's automatic cache has no write surcharge and reads at 0.5× (gpt-4o
 * family) or 0.25× (gpt-4.1 family).
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadMultiplier: number;
  cacheWriteMultiplier: number;
}

const anthropic = (input: number, output: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheReadMultiplier: 0.1,
  cacheWriteMultiplier: 1.25,
});
const openai = (input: number, output: number, cacheRead: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheReadMultiplier: cacheRead,
  cacheWriteMultiplier: 1,
});

/** Keyed by model id or alias; a dated snapshot of a listed id (`-20250929`, `-2024-08-06`) has its price. */
export const chatPrices: Record<'anthropic' | 'openai', Record<string, ModelPrice>> = {
  anthropic: {
    'claude-opus-4-6': anthropic(5, 25),
    'claude-opus-4-5': anthropic(5, 25),
    'claude-opus-4-1': anthropic(15, 75),
    'claude-opus-4-0': anthropic(15, 75),
    'claude-opus-4': anthropic(15, 75),
    'claude-sonnet-4-6': anthropic(3, 15),
    'claude-sonnet-4-5': anthropic(3, 15),
    'claude-sonnet-4-0': anthropic(3, 15),
    'claude-sonnet-4': anthropic(3, 15),
    'claude-3-7-sonnet': anthropic(3, 15),
    'claude-3-5-sonnet': anthropic(3, 15),
    'claude-haiku-4-5': anthropic(1, 5),
    'claude-3-5-haiku': anthropic(0.8, 4),
    'claude-3-haiku': anthropic(0.25, 1.25),
  },
  openai: {
    'gpt-4o': openai(2.5, 10, 0.5),
    'gpt-4o-mini': openai(0.15, 0.6, 0.5),
    'gpt-4.1': openai(2, 8, 0.25),
    'gpt-4.1-mini': openai(0.4, 1.6, 0.25),
    'gpt-4.1-nano': openai(0.1, 0.4, 0.25),
  },
};

const snapshotSuffix = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/** The price of a model, or null when we do not know it (local servers, models newer than the table). */
export function priceOf(provider: ChatProvider, model: string): ModelPrice | null {
  if (provider === 'openai-compatible') return null; // a local or third-party server: no list price
  const table = chatPrices[provider];
  const id = model.trim().toLowerCase();
  return table[id] ?? table[id.replace(snapshotSuffix, '')] ?? null;
}

export function estimateCostUsd(provider: ChatProvider, model: string, usage: TokenUsage): number | null {
  const price = priceOf(provider, model);
  if (!price) return null;
  const perToken = price.inputPerMTok / 1e6;
  const cost =
    usage.inputTokens * perToken +
    (usage.cacheReadTokens ?? 0) * perToken * price.cacheReadMultiplier +
    (usage.cacheWriteTokens ?? 0) * perToken * price.cacheWriteMultiplier +
    (usage.outputTokens * price.outputPerMTok) / 1e6;
  return Math.round(cost * 1e8) / 1e8;
}
