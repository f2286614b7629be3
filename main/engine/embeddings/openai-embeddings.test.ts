import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { standinEmbedding, startOpenAIStandin, type OpenAIStandin } from '../../../test/standins/openai-standin';
import { BscError } from '../errors';
import { createEmbeddingProvider } from './create-embedding-provider';
import type { EmbeddingProvider } from './provider';

// Real `openai` SDK against the stand-in on 127.0.0.1: the wire format is OpenAI's, the server is not.
const key = 'sk-proj-TESTKEY0123456789abcdefSECRET';
const fastRetries = { retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40 } };

let standin: OpenAIStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function openaiAgainstStandin(settings: { batchSize?: number; concurrency?: number; dimensions?: number; model?: string } = {}) {
  standin = await startOpenAIStandin({ apiKey: key });
  const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url, ...settings }, { openaiApiKey: key }, fastRetries);
  return { standin, provider: provider! };
}

async function failureOf(p: Promise<unknown>): Promise<BscError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BscError);
  return err as BscError;
}

const texts = (n: number, prefix = 'texto') => Array.from({ length: n }, (_, i) => `${prefix} ${i} sobre a perspectiva financeira`);

describe('createEmbeddingProvider', () => {
  it("gives null for 'none' and the OpenAI defaults otherwise", () => {
    expect(createEmbeddingProvider({ provider: 'none' }, {})).toBeNull();
    const p = createEmbeddingProvider({ provider: 'openai' }, { openaiApiKey: key })!;
    expect(p).toMatchObject({ id: 'openai', model: 'text-embedding-3-small', dimensions: 1536, maxBatch: 100 });
    expect(p.fingerprint).toBe('openai|text-embedding-3-small|1536');
  });

  it('refuses invalid settings and OpenAI without a key, as BscErrors', () => {
    expect(() => createEmbeddingProvider({ provider: 'openai-compatible', model: 'nomic-embed-text' }, {})).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(() => createEmbeddingProvider({ provider: 'openai', batchSize: 0 }, { openaiApiKey: key })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(() => createEmbeddingProvider({ provider: 'openai' }, {})).toThrow(expect.objectContaining({ code: 'PROVIDER_AUTH' }));
  });
});

describe('openai adapter (real SDK ↔ stand-in)', () => {
  it('splits 250 texts into 3 requests of ≤100, keeps order, asks for float', async () => {
    const { standin, provider } = await openaiAgainstStandin({ batchSize: 100, concurrency: 2 });
    const input = texts(250);
    const vectors = await provider.embed(input);

    expect(standin.stats.embeddingCalls).toBe(3);
    expect(standin.stats.embeddedTexts).toBe(250);
    const sizes = standin.log.map((r) => (r.body as { input: string[] }).input.length).sort((a, b) => b - a);
    expect(sizes).toEqual([100, 100, 50]);
    expect(standin.log.every((r) => (r.body as { encoding_format: string }).encoding_format === 'float')).toBe(true);
    expect(standin.log.every((r) => !('dimensions' in (r.body as object)))).toBe(true);
    expect(vectors).toHaveLength(250);
    for (const i of [0, 99, 100, 199, 200, 249]) expect(vectors[i]).toEqual(standinEmbedding(input[i]!, 1536));
    expect(standin.stats.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('keeps to the concurrency limit and uses it', async () => {
    const { standin, provider } = await openaiAgainstStandin({ batchSize: 10, concurrency: 3 });
    standin.script.delayMs = 60;
    await provider.embed(texts(100));
    expect(standin.stats.embeddingCalls).toBe(10);
    expect(standin.stats.maxInFlight).toBe(3);
  });

  it('cuts a request by its token budget too', async () => {
    standin = await startOpenAIStandin({ apiKey: key });
    const provider = createEmbeddingProvider(
      { provider: 'openai', baseUrl: standin.url, batchSize: 100 },
      { openaiApiKey: key },
      { ...fastRetries, maxTokensPerRequest: 2_000 },
    )!;
    const long = Array.from({ length: 10 }, (_, i) => `${i} ${'indicador '.repeat(150)}`); // ~500 estimated tokens each
    await provider.embed(long);
    expect(standin.stats.embeddingCalls).toBeGreaterThanOrEqual(3);
    expect(standin.stats.embeddedTexts).toBe(10);
  });

  it('sends configured dimensions and checks the answer has them', async () => {
    const { standin, provider } = await openaiAgainstStandin({ dimensions: 256 });
    expect(provider.fingerprint).toBe('openai|text-embedding-3-small|256');
    const [v] = await provider.embed(['receita por cliente']);
    expect(v).toHaveLength(256);
    expect((standin.log[0]!.body as { dimensions: number }).dimensions).toBe(256);
  });

  it('retries a 429 and honours Retry-After', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    standin.script.failNext(429, 1, { retryAfter: 1 });
    const t0 = performance.now();
    const [v] = await provider.embed(['x']);
    const elapsed = performance.now() - t0;
    expect(v).toHaveLength(1536);
    expect(standin.stats.embeddingCalls).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950); // our own backoff would have waited ~10 ms
    expect(elapsed).toBeLessThan(3000);
  });

  it('retries 500s then succeeds, within maxAttempts', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    standin.script.failNext(500, 3);
    await expect(provider.embed(['x'])).resolves.toHaveLength(1);
    expect(standin.stats.embeddingCalls).toBe(4);
  });

  it('gives PROVIDER_UNAVAILABLE after exhausting retries on 5xx', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    standin.script.failNext(503, 6);
    const err = await failureOf(provider.embed(['x']));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.details).toMatchObject({ status: 503, attempts: 4 });
    expect(standin.stats.embeddingCalls).toBe(4);
    standin.script.clearFailures();
    await expect(provider.embed(['x'])).resolves.toHaveLength(1);
  });

  it('gives PROVIDER_RATE_LIMITED after exhausting retries on 429, and at once for an exhausted quota', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    standin.script.failNext(429, 4, { retryAfterMs: 5 });
    const err = await failureOf(provider.embed(['x']));
    expect(err.code).toBe('PROVIDER_RATE_LIMITED');
    expect(standin.stats.embeddingCalls).toBe(4);

    standin.resetStats();
    standin.script.failNext(429, 99, { code: 'insufficient_quota' });
    const quota = await failureOf(provider.embed(['y']));
    expect(quota.code).toBe('PROVIDER_RATE_LIMITED');
    expect(quota.message).toMatch(/quota/);
    expect(standin.stats.embeddingCalls).toBe(1);
  });

  it('does not wait for a Retry-After longer than the policy allows', async () => {
    standin = await startOpenAIStandin({ apiKey: key });
    const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url }, { openaiApiKey: key }, {
      retry: { maxAttempts: 4, baseDelayMs: 10, maxRetryAfterMs: 2_000 },
    })!;
    standin.script.failNext(429, 1, { retryAfter: 120 });
    const t0 = performance.now();
    expect((await failureOf(provider.embed(['x']))).code).toBe('PROVIDER_RATE_LIMITED');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('maps 401 to PROVIDER_AUTH without retrying, and never shows the key', async () => {
    standin = await startOpenAIStandin({ apiKey: 'sk-the-right-one' });
    const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url }, { openaiApiKey: key }, fastRetries)!;
    const err = await failureOf(provider.embed(['x']));
    expect(err.code).toBe('PROVIDER_AUTH');
    expect(standin.stats.embeddingCalls).toBe(1);
    // The stand-in echoes the whole key in its 401 body; none of it may come through.
    expect(JSON.stringify(standin.log[0])).toContain('Bearer');
    const shown = `${err.message} ${JSON.stringify(err.details)} ${err.stack ?? ''}`;
    expect(shown).not.toContain(key);
    expect(shown).not.toContain('SECRET');
  });

  it('maps other 4xx to BAD_INPUT without retrying, with the key scrubbed from the provider message', async () => {
    standin = await startOpenAIStandin({ apiKey: key });
    standin.route('POST', '/v1/embeddings', async () => ({
      status: 400,
      body: { error: { message: `Bad thing for key ${key}`, type: 'invalid_request_error', param: null, code: null } },
    }));
    const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url }, { openaiApiKey: key }, fastRetries)!;
    const err = await failureOf(provider.embed(['x']));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('Bad thing for key');
    expect(err.message).not.toContain(key);
    expect(standin.stats.embeddingCalls).toBe(1);
  });

  it('gives PROVIDER_UNAVAILABLE when nothing listens, after retrying', async () => {
    const port = await freePort();
    const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: `http://127.0.0.1:${port}/v1` }, { openaiApiKey: key }, fastRetries)!;
    const err = await failureOf(provider.embed(['x']));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.details).toMatchObject({ attempts: 4 });
    expect(err.message).not.toContain(key);
  });

  it('cancels an in-flight request quickly with CANCELLED', async () => {
    const { standin, provider } = await openaiAgainstStandin({ batchSize: 10, concurrency: 2 });
    standin.script.delayMs = 10_000;
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 100);
    const err = await failureOf(provider.embed(texts(40), { signal: ac.signal }));
    expect(err.code).toBe('CANCELLED');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(standin.stats.embeddingCalls).toBe(2); // the other batches never started
  });

  it('cancels during a backoff wait too', async () => {
    standin = await startOpenAIStandin({ apiKey: key });
    const provider = createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url }, { openaiApiKey: key }, {
      retry: { baseDelayMs: 5_000, maxDelayMs: 5_000 },
    })!;
    standin.script.failNext(500, 5);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    expect((await failureOf(provider.embed(['x'], { signal: ac.signal }))).code).toBe('CANCELLED');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('stops the other batches when one fails for good, and reports that failure', async () => {
    const { standin, provider } = await openaiAgainstStandin({ batchSize: 5, concurrency: 2 });
    standin.route('POST', '/v1/embeddings', async (req) => {
      const input = (req.body as { input: string[] }).input;
      if (input.some((t) => t.startsWith('texto 7 '))) {
        return { status: 400, body: { error: { message: 'nope', type: 'invalid_request_error', param: 'input', code: null } } };
      }
      await new Promise((r) => setTimeout(r, 50));
      return { status: 200, body: { object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: Array.from(standinEmbedding(t, 1536)) })), model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } } };
    });
    const err = await failureOf(provider.embed(texts(100)));
    expect(err.code).toBe('BAD_INPUT');
    expect(standin.stats.embeddingCalls).toBeLessThan(5); // not all 20 batches
  });

  it('refuses empty texts before calling the provider', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    expect((await failureOf(provider.embed(['ok', '   ']))).code).toBe('BAD_INPUT');
    expect(standin.stats.embeddingCalls).toBe(0);
    await expect(provider.embed([])).resolves.toEqual([]);
  });

  it('rejects an answer with the wrong number of vectors', async () => {
    const { standin, provider } = await openaiAgainstStandin();
    standin.route('POST', '/v1/embeddings', async () => ({
      status: 200,
      body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: Array.from(standinEmbedding('a', 1536)) }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } },
    }));
    expect((await failureOf(provider.embed(['a', 'b']))).code).toBe('PROVIDER_UNAVAILABLE');
  });
});

describe('openai-compatible adapter (real SDK ↔ stand-in)', () => {
  let provider: EmbeddingProvider;

  it('learns dimensions from the first answer and never sends the OpenAI key', async () => {
    standin = await startOpenAIStandin();
    provider = createEmbeddingProvider(
      { provider: 'openai-compatible', baseUrl: standin.url, model: 'nomic-embed-text' },
      { openaiApiKey: key },
      fastRetries,
    )!;
    expect(provider.id).toBe('openai-compatible');
    expect(provider.dimensions).toBe(0);
    expect(await provider.resolveDimensions()).toBe(768);
    expect(provider.fingerprint).toBe('openai-compatible|nomic-embed-text|768');
    expect(await provider.resolveDimensions()).toBe(768);
    expect(standin.stats.embeddingCalls).toBe(1); // probed once

    const v = await provider.embed(['metas e iniciativas']);
    expect(v[0]).toEqual(standinEmbedding('metas e iniciativas', 768, 'nomic-embed-text'));
    expect(standin.log.every((r) => r.authorization === 'Bearer no-key')).toBe(true);
    expect(standin.log.every((r) => !('dimensions' in (r.body as object)))).toBe(true);
  });

  it('uses its own key when one is given', async () => {
    standin = await startOpenAIStandin({ apiKey: 'lm-studio-key' });
    provider = createEmbeddingProvider(
      { provider: 'openai-compatible', baseUrl: standin.url, model: 'nomic-embed-text', dimensions: 768 },
      { compatibleApiKey: 'lm-studio-key' },
      fastRetries,
    )!;
    expect(provider.dimensions).toBe(768);
    await expect(provider.embed(['a'])).resolves.toHaveLength(1);
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
