import { describe, expect, it } from 'vitest';
import { applyRerank, noReranker } from './rerank';
import type { Reranker } from './rerank';

const hits = ['alpha', 'beta', 'gamma', 'delta'].map((text, i) => ({ text, chunkId: i }));
const order = (r: { hits: Array<{ chunkId: number }> }) => r.hits.map((h) => h.chunkId);

describe('applyRerank', () => {
  it('applies a reranker’s order, keeping left-out hits after it in fused order, up to topN', async () => {
    const reverse: Reranker = { rerank: async (_q, passages) => passages.map((_, i) => passages.length - 1 - i).slice(0, 2) };
    const r = await applyRerank(reverse, 'q', hits, { timeoutMs: 1000 });
    expect(order(r)).toEqual([3, 2, 0, 1]);
    expect(r).toMatchObject({ reranked: true, notes: [] });
    expect(order(await applyRerank(reverse, 'q', hits, { timeoutMs: 1000, topN: 3 }))).toEqual([3, 2, 0]);
  });

  it('keeps the fused order with the none adapter', async () => {
    const r = await applyRerank(noReranker, 'q', hits, { timeoutMs: 10, topN: 2 });
    expect(order(r)).toEqual([0, 1]);
    expect(r.reranked).toBe(false);
  });

  it('falls back to the fused order with a note when the reranker throws', async () => {
    const broken: Reranker = { rerank: async () => { throw new Error('cohere said 500'); } };
    const r = await applyRerank(broken, 'q', hits, { timeoutMs: 1000 });
    expect(order(r)).toEqual([0, 1, 2, 3]);
    expect(r.reranked).toBe(false);
    expect(r.notes).toEqual([expect.stringMatching(/^rerank failed: cohere said 500/)]);
  });

  it('falls back when the reranker answers nonsense (an index out of range, a duplicate)', async () => {
    for (const bad of [[0, 9], [1, 1], ['x']]) {
      const odd: Reranker = { rerank: async () => bad as number[] };
      const r = await applyRerank(odd, 'q', hits, { timeoutMs: 1000 });
      expect(order(r)).toEqual([0, 1, 2, 3]);
      expect(r.notes[0]).toMatch(/rerank failed: .*invalid order/);
    }
  });

  it('gives up on a slow reranker at the timeout, even one that ignores its signal, and aborts it', async () => {
    let sawAbort = false;
    const slow: Reranker = {
      rerank: (_q, _p, { signal }) =>
        new Promise<number[]>((resolve) => {
          signal?.addEventListener('abort', () => (sawAbort = true));
          setTimeout(() => resolve([3, 2, 1, 0]), 5000).unref();
        }),
    };
    const started = performance.now();
    const r = await applyRerank(slow, 'q', hits, { timeoutMs: 80 });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(75);
    expect(took).toBeLessThan(1000);
    expect(order(r)).toEqual([0, 1, 2, 3]);
    expect(r.notes).toEqual([expect.stringMatching(/rerank failed: no answer within 80 ms/)]);
    expect(sawAbort).toBe(true);
  });

  it('rethrows the caller’s cancellation instead of falling back', async () => {
    const controller = new AbortController();
    const hang: Reranker = { rerank: () => new Promise<number[]>(() => undefined) };
    const pending = applyRerank(hang, 'q', hits, { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(applyRerank(hang, 'q', hits, { timeoutMs: 5000, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
