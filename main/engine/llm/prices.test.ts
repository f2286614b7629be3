import { describe, expect, it } from 'vitest';
import { estimateCostUsd, priceOf } from './prices';

describe('chat prices', () => {
  it('prices input, output and Anthropic cache reads and writes', () => {
    // claude-sonnet-4-5: $3 / $15 per MTok; cache read 0.1×, write 1.25×
    const cost = estimateCostUsd('anthropic', 'claude-sonnet-4-5', {
      inputTokens: 100_000,
      outputTokens: 10_000,
      cacheReadTokens: 1_000_000,
      cacheWriteTokens: 200_000,
    });
    expect(cost).toBeCloseTo(0.3 + 0.15 + 0.3 + 0.75, 8);
  });

  it('prices OpenAI cached input at the family discount and writes at no surcharge', () => {
    expect(estimateCostUsd('openai', 'gpt-4.1', { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(0.5, 8);
    expect(estimateCostUsd('openai', 'gpt-4o', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(12.5, 8);
    expect(estimateCostUsd('openai', 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 0, cacheWriteTokens: 1_000_000 })).toBeCloseTo(0.3, 8);
  });

  it('finds dated snapshots of a listed model, and not its look-alikes', () => {
    expect(priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual(priceOf('anthropic', 'claude-sonnet-4-5'));
    expect(priceOf('openai', 'gpt-4o-2024-08-06')).toEqual(priceOf('openai', 'gpt-4o'));
    expect(priceOf('openai', 'gpt-4o-mini')!.inputPerMTok).toBe(0.15);
    expect(priceOf('openai', 'gpt-4o-audio-preview')).toBeNull();
    expect(priceOf('anthropic', 'claude-opus-4-1-20250805')!.inputPerMTok).toBe(15);
    expect(priceOf('anthropic', 'claude-opus-4-5')!.inputPerMTok).toBe(5);
  });

  it('returns null for models it does not know and for local servers', () => {
    expect(estimateCostUsd('anthropic', 'claude-sonnet-9', { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(estimateCostUsd('openai-compatible', 'gpt-4o', { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });
});
