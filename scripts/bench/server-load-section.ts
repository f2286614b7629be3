// The server load test lives in server-load.ts (written separately); it is run only when that file
// exists and exports a function, and whatever figures it returns are listed.
import fs from 'node:fs';
import path from 'node:path';
import type { BenchMetric } from './report';

const FILE = path.join(import.meta.dirname, 'server-load.ts');
const PREFERRED = ['runServerLoad', 'measureServerLoad', 'serverLoad', 'runServerLoadTest', 'default'];

/** The load test's entry point, or why there is none. */
export async function findServerLoad(file = FILE): Promise<{ name: string; run: (...args: unknown[]) => unknown } | { skipped: string }> {
  if (!fs.existsSync(file)) return { skipped: `${path.basename(file)} does not exist yet` };
  const mod = (await import(file)) as Record<string, unknown>;
  const name = PREFERRED.find((n) => typeof mod[n] === 'function') ?? Object.keys(mod).find((n) => typeof mod[n] === 'function');
  if (!name) return { skipped: `${path.basename(file)} exports no function (exports: ${Object.keys(mod).join(', ') || 'none'})` };
  return { name, run: mod[name] as (...args: unknown[]) => unknown };
}

function isMetric(x: unknown): x is BenchMetric {
  return typeof x === 'object' && x !== null && typeof (x as BenchMetric).key === 'string' && typeof (x as BenchMetric).label === 'string' && ((x as BenchMetric).value === null || typeof (x as BenchMetric).value === 'number');
}

/**
 * Bench metrics from whatever the load test returned: its own BenchMetric list (bare or as
 * `metrics`), or else every finite number in the object, keyed by its path.
 */
export function metricsFromLoadResult(result: unknown): BenchMetric[] {
  if (Array.isArray(result) && result.every(isMetric)) return result;
  if (typeof result === 'object' && result !== null && Array.isArray((result as { metrics?: unknown }).metrics) && (result as { metrics: unknown[] }).metrics.every(isMetric)) {
    return (result as { metrics: BenchMetric[] }).metrics;
  }
  const out: BenchMetric[] = [];
  const walk = (value: unknown, at: string[]) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      const key = at.join('.') || 'value';
      out.push({ key: `serverLoad.${key}`, label: `server load: ${key}`, value, unit: /ms$|Ms$/.test(key) ? 'ms' : '' });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && at.length < 4) {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    }
  };
  walk(result, []);
  return out;
}
