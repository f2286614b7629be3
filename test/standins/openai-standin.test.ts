import OpenAI, { AuthenticationError, BadRequestError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { standinEmbedding, startOpenAIStandin, type OpenAIStandin } from './openai-standin';

let standin: OpenAIStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('OpenAI stand-in, through the real SDK', () => {
  it("answers the SDK's default base64 request, which the SDK decodes to the same vectors as float", async () => {
    standin = await startOpenAIStandin({ apiKey: 'sk-test-standin' });
    const client = new OpenAI({ apiKey: 'sk-test-standin', baseURL: standin.url, maxRetries: 0 });

    const b64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['mapa estratégico', 'balanced scorecard'] });
    expect((standin.log[0]!.body as { encoding_format: string }).encoding_format).toBe('base64');
    const fl = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['mapa estratégico', 'balanced scorecard'], encoding_format: 'float' });
    expect((standin.log[1]!.body as { encoding_format: string }).encoding_format).toBe('float');

    expect(b64.object).toBe('list');
    expect(b64.data).toHaveLength(2);
    expect(b64.usage.total_tokens).toBeGreaterThan(0);
    const expected = standinEmbedding('mapa estratégico', 1536);
    expect(Array.from(b64.data[0]!.embedding)).toEqual(Array.from(expected));
    expect(Array.from(fl.data[0]!.embedding)).toEqual(Array.from(expected));
    expect(standin.stats).toMatchObject({ embeddingCalls: 2, embeddedTexts: 4 });
  });

  it('honours dimensions, gives unit vectors, equal text equal vector, shared words some similarity', async () => {
    standin = await startOpenAIStandin();
    const client = new OpenAI({ apiKey: 'k', baseURL: standin.url, maxRetries: 0 });
    const res = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['customer satisfaction survey', 'customer satisfaction survey', 'survey of customer loyalty', 'depreciation of fixed assets'],
      dimensions: 256,
      encoding_format: 'float',
    });
    const v = res.data.map((d) => Float32Array.from(d.embedding));
    expect(v[0]).toHaveLength(256);
    expect(cosine(v[0]!, v[0]!)).toBeCloseTo(1, 5);
    expect(v[0]).toEqual(v[1]);
    expect(cosine(v[0]!, v[2]!)).toBeGreaterThan(cosine(v[0]!, v[3]!) + 0.2);
  });

  it('another model gives other vectors; an unknown model answers like a 768-d local model', async () => {
    standin = await startOpenAIStandin();
    const client = new OpenAI({ apiKey: 'k', baseURL: standin.url, maxRetries: 0 });
    const a = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'same text', dimensions: 64, encoding_format: 'float' });
    const b = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'same text', dimensions: 64, encoding_format: 'float' });
    expect(a.data[0]!.embedding).not.toEqual(b.data[0]!.embedding);
    const local = await client.embeddings.create({ model: 'nomic-embed-text', input: 'x', encoding_format: 'float' });
    expect(local.data[0]!.embedding).toHaveLength(768);
  });

  it("rejects a wrong key with 401 and OpenAI's error body", async () => {
    standin = await startOpenAIStandin({ apiKey: 'sk-right' });
    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: standin.url, maxRetries: 0 });
    const err = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('invalid_api_key');
    expect(standin.log[0]!.authorization).toBe('Bearer sk-wrong');
  });

  it('rejects invalid requests as OpenAI does (400 with param)', async () => {
    standin = await startOpenAIStandin();
    const client = new OpenAI({ apiKey: 'k', baseURL: standin.url, maxRetries: 0 });
    const noDims = await client.embeddings
      .create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 })
      .catch((e: unknown) => e);
    expect(noDims).toBeInstanceOf(BadRequestError);
    expect((noDims as BadRequestError).param).toBe('dimensions');
    const empty = await client.embeddings.create({ model: 'text-embedding-3-small', input: [''] }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    const tooMany = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'a') })
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(BadRequestError);
    const res = await fetch(`${standin.url}/embeddings`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    expect((await fetch(`${standin.url}/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('scripted failures: 429 with Retry-After then success; delay; extra routes', async () => {
    standin = await startOpenAIStandin();
    standin.script.failNext(429, 2, { retryAfter: 3 });
    const client = new OpenAI({ apiKey: 'k', baseURL: standin.url, maxRetries: 0 });
    for (let i = 0; i < 2; i++) {
      const err = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as RateLimitError).headers.get('retry-after')).toBe('3');
    }
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).resolves.toBeTruthy();
    expect(standin.stats).toMatchObject({ embeddingCalls: 3, failedCalls: 2, embeddedTexts: 1 });

    standin.script.delayMs = 200;
    const t0 = performance.now();
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);

    standin.script.delayMs = 0;
    standin.route('POST', '/v1/chat/completions', async () => ({ status: 200, body: { id: 'chatcmpl-1', object: 'chat.completion', choices: [] } }));
    const chat = await fetch(`${standin.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(((await chat.json()) as { id: string }).id).toBe('chatcmpl-1');
  });
});
