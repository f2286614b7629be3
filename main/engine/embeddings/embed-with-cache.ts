import { throwIfCancelled } from '../errors';
import { embeddingCacheKey, type EmbeddingCache } from './cache';
import type { EmbeddingProvider } from './provider';

export interface EmbedProgress {
  /** Texts (positions in the input) that have a vector so far. */
  done: number;
  total: number;
  /** Of those, how many came from the cache. */
  cached: number;
}

export interface EmbedWithCacheOptions {
  signal?: AbortSignal;
  onProgress?: (p: EmbedProgress) => void;
}

/**
 * Vectors for `texts`, in order. Only texts missing from the cache reach the provider, each
 * distinct text once; new vectors are stored as each slice arrives, so a cancelled or failed
 * run keeps what it paid for.
 */
export async function embedWithCache(
  provider: EmbeddingProvider,
  cache: EmbeddingCache,
  texts: readonly string[],
  opts: EmbedWithCacheOptions = {},
): Promise<Float32Array[]> {
  const { signal, onProgress } = opts;
  throwIfCancelled(signal);
  const total = texts.length;
  if (total === 0) {
    onProgress?.({ done: 0, total, cached: 0 });
    return [];
  }
  await provider.resolveDimensions({ signal });
  const fingerprint = provider.fingerprint;

  // Positions of each distinct text, so duplicates cost one request and one cache row.
  const positions = new Map<string, number[]>();
  texts.forEach((t, i) => {
    const at = positions.get(t);
    if (at) at.push(i);
    else positions.set(t, [i]);
  });
  const distinct = [...positions.keys()];
  const keys = distinct.map((t) => embeddingCacheKey(fingerprint, t));
  const hits = cache.getMany(keys);

  const out: Float32Array[] = new Array(total);
  const missing: number[] = []; // indexes into distinct
  let done = 0;
  distinct.forEach((text, d) => {
    const v = hits.get(keys[d]!);
    if (v) {
      for (const i of positions.get(text)!) out[i] = v;
      done += positions.get(text)!.length;
    } else {
      missing.push(d);
    }
  });
  const cached = done;
  onProgress?.({ done, total, cached });

  // Slices big enough to keep every concurrent request of the provider busy, small enough to show progress.
  const slice = Math.max(1, provider.maxBatch) * 4;
  for (let s = 0; s < missing.length; s += slice) {
    throwIfCancelled(signal);
    const part = missing.slice(s, s + slice);
    const vectors = await provider.embed(part.map((d) => distinct[d]!), { signal });
    cache.putMany(part.map((d, k) => ({ key: keys[d]!, vector: vectors[k]! })));
    part.forEach((d, k) => {
      for (const i of positions.get(distinct[d]!)!) out[i] = vectors[k]!;
      done += positions.get(distinct[d]!)!.length;
    });
    onProgress?.({ done, total, cached });
  }
  return out;
}
