import { describe, expect, it } from 'vitest';
import { planBatches } from './batching';
import { backoffDelayMs, defaultRetryPolicy, retryAfterMs, scrubSecrets } from './retry';

describe('planBatches', () => {
  it('caps texts per request and covers every text once, in order', () => {
    const texts = Array.from({ length: 250 }, (_, i) => `t${i}`);
    expect(planBatches(texts, 100, 1e9)).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 200 },
      { start: 200, end: 250 },
    ]);
    expect(planBatches([], 100, 1e9)).toEqual([]);
  });

  it('caps estimated tokens per request, but always sends an oversized text alone', () => {
    const texts = ['a'.repeat(300), 'b'.repeat(300), 'c'.repeat(3000), 'd'.repeat(30)]; // ~101, 101, 1001, 11 tokens
    expect(planBatches(texts, 100, 250)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
    ]);
  });
});

describe('retry helpers', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 12:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(new Headers())).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, p, () => 1)).toBe(100);
    expect(backoffDelayMs(2, p, () => 1)).toBe(400);
    expect(backoffDelayMs(2, p, () => 0)).toBe(200);
    expect(backoffDelayMs(10, p, () => 1)).toBe(1000);
  });

  it('scrubs the configured key and key-shaped strings', () => {
    expect(scrubSecrets('bad key my-local-secret-xyz', 'my-local-secret-xyz')).toBe('bad key ***');
    const out = scrubSecrets('Incorrect API key provided: sk-proj-ABCDEFGH12345678abcdefgh.', undefined);
    expect(out).not.toContain('12345678abcdefgh');
    expect(out).toContain('sk-proj-');
  });
});
