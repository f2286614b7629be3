import type { MethodHandlers } from '../dispatch';
import { createEngineMetrics } from '../observability/metrics';
import type { EngineServices } from '../services';

type MetricsMethods = Extract<keyof MethodHandlers, `metrics.${string}`>;

const SAMPLE_EVERY_MS = 60_000;

/**
 * Metrics live in the engine process (the desktop app has no server): fed by the engine's own
 * events, sampled every minute for the Status charts, read by the server for GET /metrics.
 */
export function metricsHandlers({ embeddings, events, lifecycle }: Pick<EngineServices, 'embeddings' | 'events' | 'lifecycle'>): Pick<MethodHandlers, MetricsMethods> {
  const metrics = createEngineMetrics({
    // Read the cache only when the engine already opened it: opening it here could touch files a restore is replacing.
    cacheStats: () => embeddings.openCache()?.stats() ?? null,
  });
  const off = events.onEvent((event) => metrics.observe(event));
  const timer = setInterval(() => metrics.sample(), SAMPLE_EVERY_MS);
  timer.unref();
  lifecycle.onClose(() => { clearInterval(timer); off(); });
  return {
    'metrics.prometheus': async () => ({ text: await metrics.prometheusText() }),
    'metrics.history': () => ({ points: metrics.history() }),
  };
}
