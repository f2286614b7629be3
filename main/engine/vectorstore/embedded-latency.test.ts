import { expect, it } from 'vitest';
import { measureEmbeddedLatency } from './embedded-latency';

// Prints the numbers the bench reports; asserts only what would be a real regression on any machine.
it('measures embedded-store query latency at 10k chunks × 1536 dimensions', async () => {
  const r = await measureEmbeddedLatency({ chunks: 10_000, dimensions: 1536, queries: 60 });
  console.log(`embedded store latency (ms), ${r.chunks} chunks × ${r.dimensions}-d, k=${r.k}, ${r.queries} queries, built in ${r.buildMs} ms:`);
  for (const name of ['bm25', 'retrieveBm25', 'rawKnn', 'dense', 'hybrid'] as const) console.log(`  ${name.padEnd(13)} p50 ${r[name].p50}  p95 ${r[name].p95}  mean ${r[name].mean}`);
  expect(r.bm25.p95).toBeLessThan(100);
  expect(r.hybrid.p95).toBeLessThan(r.rawKnn.p95 * 3 + 100);
}, 240_000);
