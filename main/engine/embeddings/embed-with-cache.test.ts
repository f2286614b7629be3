import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standinEmbedding, startOpenAIStandin, type OpenAIStandin } from '../../../test/standins/openai-standin';
import { BscError } from '../errors';
import { openEmbeddingCache, type EmbeddingCache } from './cache';
import { createEmbeddingProvider } from './create-embedding-provider';
import { embedWithCache, type EmbedProgress } from './embed-with-cache';

const key = 'sk-test-embed-with-cache';
let dir: string;
let standin: OpenAIStandin;
let cache: EmbeddingCache;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bsc-embed-'));
  standin = await startOpenAIStandin({ apiKey: key });
  cache = openEmbeddingCache(join(dir, 'embeddings.sqlite'));
});
afterEach(async () => {
  cache.close();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

const provider = (settings: { model?: string; dimensions?: number; batchSize?: number; concurrency?: number } = {}) =>
  createEmbeddingProvider({ provider: 'openai', baseUrl: standin.url, dimensions: 64, ...settings }, { openaiApiKey: key }, {
    retry: { maxAttempts: 2, baseDelayMs: 5 },
  })!;

const corpus = Array.from({ length: 30 }, (_, i) => `Indicador ${i % 12} da perspectiva de clientes`); // 12 distinct

describe('embedWithCache (real SDK ↔ stand-in, real SQLite)', () => {
  it('embeds each distinct text once, in order, and a second run makes zero provider calls', async () => {
    const p = provider({ batchSize: 5 });
    const progress: EmbedProgress[] = [];
    const first = await embedWithCache(p, cache, corpus, { onProgress: (x) => progress.push(x) });

    expect(first).toHaveLength(30);
    corpus.forEach((t, i) => expect(first[i]).toEqual(standinEmbedding(t, 64)));
    expect(standin.stats.embeddedTexts).toBe(12);
    expect(standin.stats.embeddingCalls).toBe(3);
    expect(progress[0]).toEqual({ done: 0, total: 30, cached: 0 });
    expect(progress.at(-1)).toEqual({ done: 30, total: 30, cached: 0 });

    standin.resetStats();
    progress.length = 0;
    const second = await embedWithCache(p, cache, corpus, { onProgress: (x) => progress.push(x) });
    expect(standin.stats.requests).toBe(0);
    expect(second).toEqual(first);
    expect(progress).toEqual([{ done: 30, total: 30, cached: 30 }]);
    expect(cache.stats()).toMatchObject({ entries: 12, hits: 12, misses: 12 });
  });

  it('sends only the new texts when the library grows', async () => {
    const p = provider();
    await embedWithCache(p, cache, corpus.slice(0, 10));
    standin.resetStats();
    const more = [...corpus, 'Tempo de ciclo do processo interno', 'Horas de treinamento por colaborador'];
    const out = await embedWithCache(p, cache, more);
    expect(standin.stats.embeddedTexts).toBe(12 - 10 + 2);
    expect(out.at(-1)).toEqual(standinEmbedding('Horas de treinamento por colaborador', 64));
  });

  it('a model change misses the cache; countMissing says so beforehand', async () => {
    const small = provider();
    await embedWithCache(small, cache, corpus);
    const large = provider({ model: 'text-embedding-3-large', dimensions: 64 });
    expect(cache.countMissing(small.fingerprint, corpus)).toBe(0);
    expect(cache.countMissing(large.fingerprint, corpus)).toBe(12);

    standin.resetStats();
    const out = await embedWithCache(large, cache, corpus);
    expect(standin.stats.embeddedTexts).toBe(12);
    expect(out[0]).toEqual(standinEmbedding(corpus[0]!, 64, 'text-embedding-3-large'));
    expect(cache.countMissing(large.fingerprint, corpus)).toBe(0);
  });

  it('keeps what was embedded before a cancel, and resumes from there', async () => {
    const p = provider({ batchSize: 2, concurrency: 1 }); // slices of 8 distinct texts
    const ac = new AbortController();
    const err = await embedWithCache(p, cache, corpus, {
      signal: ac.signal,
      onProgress: (x) => {
        if (x.done > 0) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BscError);
    expect((err as BscError).code).toBe('CANCELLED');
    expect(cache.stats().entries).toBe(8);

    standin.resetStats();
    await embedWithCache(p, cache, corpus);
    expect(standin.stats.embeddedTexts).toBe(4);
  });

  it('an openai-compatible model learns its dimensions once, then caches under them', async () => {
    const local = createEmbeddingProvider({ provider: 'openai-compatible', baseUrl: standin.url, model: 'nomic-embed-text' }, { compatibleApiKey: key })!;
    await embedWithCache(local, cache, corpus);
    expect(local.fingerprint).toBe('openai-compatible|nomic-embed-text|768');
    expect(cache.countMissing(local.fingerprint, corpus)).toBe(0);
    standin.resetStats();
    await embedWithCache(local, cache, corpus);
    expect(standin.stats.requests).toBe(0);
  });

  it('passes provider failures through without storing anything', async () => {
    standin.script.failNext(401, 1);
    const err = await embedWithCache(provider(), cache, corpus).catch((e: unknown) => e);
    expect((err as BscError).code).toBe('PROVIDER_AUTH');
    expect(cache.stats().entries).toBe(0);
  });
});
