import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCohereStandin, type CohereStandin } from '../../../test/standins/cohere-standin';
import { BscError } from '../errors';
import { createCohereReranker, defaultCohereRerankModel, type Reranker } from './rerank-cohere';

const apiKey = 'cohere-test-key-0123456789abcdef';
let standin: CohereStandin;

beforeAll(async () => {
  standin = await startCohereStandin({ apiKey });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.script.clear();
  standin.script.latencyMs = 0;
  standin.requests.length = 0;
});

const reranker = (key = apiKey): Reranker => createCohereReranker({ apiKey: key, baseUrl: standin.url, retry: { baseDelayMs: 5, maxDelayMs: 20 } });

const passages = [
  'Learning and growth: employee skills and information systems.',
  'Financial perspective: revenue growth, cost reduction and return on capital employed.',
  'Customer perspective: satisfaction, retention and market share.',
  'Perspectiva financeira: crescimento da receita e redução de custos.',
];

async function failureOf(p: Promise<unknown>): Promise<BscError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BscError);
    return err as BscError;
  }
  throw new Error('expected a failure');
}

describe('Cohere reranker against the stand-in', () => {
  it('returns the new order as indexes, best first, cut to topN', async () => {
    const order = await reranker().rerank('revenue growth and cost reduction', passages, { topN: 2, timeoutMs: 5_000 });
    expect(order).toEqual([1, 0]);
    const req = standin.requests[0]!;
    expect(req.path).toBe('/v2/rerank');
    expect(req.body).toMatchObject({ model: defaultCohereRerankModel, query: 'revenue growth and cost reduction', top_n: 2 });
    expect(req.body.documents).toEqual(passages);
  });

  it('ranks a Portuguese query against Portuguese passages', async () => {
    const order = await reranker().rerank('redução de custos e receita', passages, { topN: 10, timeoutMs: 5_000 });
    expect(order[0]).toBe(3);
    expect(order).toHaveLength(4);
    expect(standin.requests[0]!.body.top_n).toBe(4); // clamped to the number of passages
  });

  it('sends nothing for no passages', async () => {
    expect(await reranker().rerank('x', [], { topN: 5, timeoutMs: 1_000 })).toEqual([]);
    expect(standin.requests).toHaveLength(0);
  });

  it('retries a 503, then answers', async () => {
    standin.script.fail(503, { retryAfter: 0 });
    const before = standin.calls;
    const order = await reranker().rerank('customer retention', passages, { topN: 1, timeoutMs: 5_000 });
    expect(order).toEqual([2]);
    expect(standin.calls - before).toBe(2);
  });

  it('gives up on a server that keeps failing, with a clear error', async () => {
    standin.script.fail(500, { times: 5 });
    const err = await failureOf(reranker().rerank('q', passages, { topN: 1, timeoutMs: 5_000 }));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).toMatch(/^Cohere failed \(500\)/);
    expect(standin.requests).toHaveLength(3);
  });

  it('a rate limit past its retries is PROVIDER_RATE_LIMITED', async () => {
    standin.script.fail(429, { times: 3, retryAfter: 0 });
    const err = await failureOf(reranker().rerank('q', passages, { topN: 1, timeoutMs: 5_000 }));
    expect(err.code).toBe('PROVIDER_RATE_LIMITED');
  });

  it('a wrong key is PROVIDER_AUTH, not retried, without the key', async () => {
    const wrong = 'cohere-wrong-key-zzzzzzzzzzzz';
    const before = standin.calls;
    const err = await failureOf(reranker(wrong).rerank('q', passages, { topN: 1, timeoutMs: 5_000 }));
    expect(err.code).toBe('PROVIDER_AUTH');
    expect(JSON.stringify(err.toShape())).not.toContain(wrong);
    expect(standin.calls - before).toBe(1);
  });

  it('times out within its budget and closes the request', async () => {
    standin.script.latencyMs = 3_000;
    const started = Date.now();
    const err = await failureOf(reranker().rerank('q', passages, { topN: 1, timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err.message).toBe('Cohere did not rerank within 200 ms.');
    const req = standin.requests[0]!;
    await waitFor(() => req.clientClosedAt !== null, 1_000);
  });

  it('cancels on the caller signal', async () => {
    standin.script.latencyMs = 3_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failureOf(reranker().rerank('q', passages, { topN: 1, timeoutMs: 5_000, signal: controller.signal }));
    expect(err.code).toBe('CANCELLED');
  });

  it('an unreachable address says where', async () => {
    const r = createCohereReranker({ apiKey, baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } });
    const err = await failureOf(r.rerank('q', passages, { topN: 1, timeoutMs: 2_000 }));
    expect(err.message).toBe('Cannot reach Cohere at http://127.0.0.1:9. Check the address and your connection.');
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
