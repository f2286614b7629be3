export interface LatencyStats {
  p50: number;
  p95: number;
  mean: number;
}

/** Nearest-rank percentiles in milliseconds, rounded to 0.01. */
export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)) };
}
