// Small line charts for the Status view, drawn as inline SVG paths (no chart library).

export interface SeriesPoint {
  at: number;
  value: number | null;
}

export interface Sparkline {
  /** SVG path of the line; gaps (null values) break it into pieces. */
  line: string;
  /** The same line closed down to the baseline, for a light fill. */
  area: string;
  /** Points with no neighbour to draw a line to (a single minute between gaps). */
  dots: Array<[number, number]>;
  max: number;
  last: number | null;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Scales points over [from, to] in time and [0, max] in value into a width×height box (y down).
 * Points outside the time range are dropped; an all-zero series draws along the baseline.
 */
export function sparkline(points: readonly SeriesPoint[], opts: { width: number; height: number; from: number; to: number }): Sparkline {
  const inRange = points.filter((p) => p.at >= opts.from && p.at <= opts.to);
  const values = inRange.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(0, ...values);
  const span = Math.max(1, opts.to - opts.from);
  const x = (at: number) => round(((at - opts.from) / span) * opts.width);
  const y = (v: number) => round(opts.height - (max > 0 ? (v / max) * opts.height : 0));
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  for (const p of inRange) {
    if (p.value === null || !Number.isFinite(p.value)) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    run.push([x(p.at), y(p.value)]);
  }
  if (run.length) runs.push(run);
  const line = runs.map((r) => r.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px},${py}`).join(' ')).join(' ');
  const area = runs.map((r) => `M${r[0]![0]},${opts.height} ${r.map(([px, py]) => `L${px},${py}`).join(' ')} L${r.at(-1)![0]},${opts.height} Z`).join(' ');
  const dots = runs.filter((r) => r.length === 1).map((r) => r[0]!);
  const lastPoint = inRange.at(-1);
  return { line, area, dots, max, last: lastPoint?.value ?? null };
}

/** Sums consecutive one-minute points into buckets of `minutes` (p95-like series take the max). */
export function bucketize(points: readonly SeriesPoint[], minutes: number, combine: 'sum' | 'max'): SeriesPoint[] {
  if (minutes <= 1) return [...points];
  const size = minutes * 60_000;
  const buckets = new Map<number, number | null>();
  for (const p of points) {
    const key = Math.floor(p.at / size) * size + size;
    const prev = buckets.get(key);
    if (p.value === null) { if (prev === undefined) buckets.set(key, null); continue; }
    buckets.set(key, prev === undefined || prev === null ? p.value : combine === 'sum' ? prev + p.value : Math.max(prev, p.value));
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
}
