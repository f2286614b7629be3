import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import type { EmbeddingCache } from '../embeddings/cache';
import { createEngineMetrics } from '../observability/metrics';

type MetricsMethods = Extract<keyof MethodHandlers, `metrics.${string}`>;

const SAMPLE_EVERY_MS = 60_000;

/**
 * Metrics live in the engine process (the desktop app has no server): fed by the engine's own
 * events, sampled every minute for the Status charts, read by the server for GET /metrics.
 */
export function metricsHandlers(engine: Engine): Pick<MethodHandlers, MetricsMethods> {
  const metrics = createEngineMetrics({
    // Read the cache only when the engine already opened it: opening it here could touch files
    // a restore is replacing. (Engine has no public accessor for "the cache if open" yet.)
    cacheStats: () => {
      const open = (engine as unknown as { embedding?: { cache: EmbeddingCache } | null }).embedding;
      return open ? open.cache.stats() : null;
    },
  });
  const off = engine.onEvent((event) => metrics.observe(event));
  const timer = setInterval(() => metrics.sample(), SAMPLE_EVERY_MS);
  timer.unref();
  engine.onClose(() => { clearInterval(timer); off(); });
  return {
    'metrics.prometheus': async () => ({ text: await metrics.prometheusText() }),
    'metrics.history': () => ({ points: metrics.history() }),
  };
}
