import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddingCacheKey, openEmbeddingCache, type EmbeddingCache } from './cache';

const day = 86_400_000;
let dir: string;
let cache: EmbeddingCache | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bsc-embcache-'));
});
afterEach(() => {
  cache?.close();
  cache = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const vec = (seed: number, dims = 16) => Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 31 + i) * 0.123456789);
const fp = 'openai|text-embedding-3-small|16';

describe('embedding cache (real SQLite file)', () => {
  it('keys by fingerprint and text', () => {
    expect(embeddingCacheKey(fp, 'a')).toMatch(/^[0-9a-f]{64}$/);
    expect(embeddingCacheKey(fp, 'a')).toBe(embeddingCacheKey(fp, 'a'));
    expect(embeddingCacheKey(fp, 'a')).not.toBe(embeddingCacheKey('openai|text-embedding-3-small|8', 'a'));
    expect(embeddingCacheKey(fp, 'a')).not.toBe(embeddingCacheKey(fp, 'b'));
  });

  it('stores vectors bit-exact, survives reopening, counts hits and misses', () => {
    const path = join(dir, 'sub', 'embeddings.sqlite');
    cache = openEmbeddingCache(path);
    const a = embeddingCacheKey(fp, 'a');
    const b = embeddingCacheKey(fp, 'b');
    cache.putMany([
      { key: a, vector: vec(1) },
      { key: b, vector: vec(2) },
    ]);
    cache.close();

    cache = openEmbeddingCache(path);
    const got = cache.getMany([a, b, embeddingCacheKey(fp, 'c')]);
    expect(got.size).toBe(2);
    expect(got.get(a)).toEqual(vec(1));
    expect(got.get(b)).toEqual(vec(2));
    expect(cache.stats()).toEqual({ entries: 2, bytes: 2 * 16 * 4, hits: 2, misses: 1 });

    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    db.close();
  });

  it('reads a vector stored from a view into a larger buffer', () => {
    cache = openEmbeddingCache(join(dir, 'e.sqlite'));
    const big = vec(9, 64);
    const view = big.subarray(16, 32);
    cache.putMany([{ key: 'k', vector: view }]);
    expect(cache.getMany(['k']).get('k')).toEqual(Float32Array.from(view));
  });

  it('batches last-used writes instead of writing on every read', () => {
    const path = join(dir, 'e.sqlite');
    let now = 1_000_000;
    cache = openEmbeddingCache(path, { now: () => now });
    cache.putMany([{ key: 'k', vector: vec(1) }]);
    const peek = new Database(path, { readonly: true });
    const lastUsed = () => (peek.prepare('SELECT last_used_at AS t FROM embeddings WHERE key = ?').get('k') as { t: number }).t;

    now += 1000;
    cache.getMany(['k']);
    expect(lastUsed()).toBe(1_000_000); // pending, not written yet
    cache.stats(); // flushes
    expect(lastUsed()).toBe(1_001_000);
    peek.close();
  });

  it('drops entries unused for ttlDays, keeping those used since', () => {
    let now = Date.UTC(2025, 0, 1);
    const t0 = now;
    cache = openEmbeddingCache(join(dir, 'e.sqlite'), { ttlDays: 90, now: () => now });
    cache.putMany([
      { key: 'old', vector: vec(1) },
      { key: 'used', vector: vec(2) },
    ]);
    now = t0 + 60 * day;
    cache.getMany(['used']);

    expect(cache.evict(t0 + 89 * day)).toMatchObject({ expired: 0, evicted: 0 });
    const r = cache.evict(t0 + 100 * day);
    expect(r).toEqual({ expired: 1, evicted: 0, bytesFreed: 64 });
    expect([...cache.getMany(['old', 'used']).keys()]).toEqual(['used']);
  });

  it('evicts least recently used entries until under maxBytes', () => {
    let now = 1_000;
    const bytesEach = 16 * 4;
    cache = openEmbeddingCache(join(dir, 'e.sqlite'), { maxBytes: 10 * bytesEach, now: () => now });
    for (let i = 0; i < 15; i++) {
      now += 10;
      cache.putMany([{ key: `k${i}`, vector: vec(i) }]);
    }
    now += 10;
    cache.getMany(['k0', 'k1']); // the two oldest become the most recent

    const r = cache.evict();
    expect(r).toEqual({ expired: 0, evicted: 5, bytesFreed: 5 * bytesEach });
    const s = cache.stats();
    expect(s.entries).toBe(10);
    expect(s.bytes).toBeLessThanOrEqual(10 * bytesEach);
    const left = cache.getMany(Array.from({ length: 15 }, (_, i) => `k${i}`));
    expect([...left.keys()].sort()).toEqual(['k0', 'k1', 'k10', 'k11', 'k12', 'k13', 'k14', 'k7', 'k8', 'k9']);
  });

  it('counts how many texts a model change would re-embed', () => {
    cache = openEmbeddingCache(join(dir, 'e.sqlite'));
    const texts = ['a', 'b', 'c', 'c'];
    cache.putMany(texts.slice(0, 2).map((t, i) => ({ key: embeddingCacheKey(fp, t), vector: vec(i) })));
    expect(cache.countMissing(fp, texts)).toBe(1); // c, once
    expect(cache.countMissing('openai|text-embedding-3-large|3072', texts)).toBe(3);
    expect(cache.countMissing(fp, [])).toBe(0);
  });

  it('handles many keys in one call', () => {
    cache = openEmbeddingCache(join(dir, 'e.sqlite'));
    const entries = Array.from({ length: 5000 }, (_, i) => ({ key: embeddingCacheKey(fp, `t${i}`), vector: vec(i, 4) }));
    cache.putMany(entries);
    const got = cache.getMany(entries.map((e) => e.key));
    expect(got.size).toBe(5000);
    expect(got.get(entries[4321]!.key)).toEqual(vec(4321, 4));
  });

  it('reports a damaged file as DB_CORRUPT', () => {
    const path = join(dir, 'bad.sqlite');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    expect(() => openEmbeddingCache(path)).toThrow(expect.objectContaining({ code: 'DB_CORRUPT' }));
  });
});
