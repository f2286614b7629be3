import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latencyStats } from './latency-stats';
import { type BenchSection, baselineFrom, formatBenchTable, formatNumber, goalMet, parseBaseline, ratioToBaseline } from './report';
import { findServerLoad, metricsFromLoadResult } from './server-load-section';

const sections: BenchSection[] = [
  {
    name: 'import',
    metrics: [
      { key: 'import.throughputRatio', label: 'import ÷ raw', value: 0.294, unit: '×', goal: { op: '>=', target: 0.5 } },
      { key: 'import.reimportRatio', label: 're-import ÷ first', value: 0.00168, unit: '×', goal: { op: '<=', target: 0.05 } },
      { key: 'import.firstMs', label: 'first import', value: 17412.4, unit: 'ms' },
    ],
    notes: ['954 chunks'],
  },
  { name: 'chat', metrics: [], skipped: 'chat engine not available' },
  { name: 'latency-100k', metrics: [{ key: 'latency.100k.p95', label: 'p95 100k', value: null, unit: 'ms' }], error: 'ran out of time (240 s)' },
];

describe('bench report', () => {
  it('formats numbers to three significant figures without exponents', () => {
    expect(formatNumber(0.00168)).toBe('0.00168');
    expect(formatNumber(0.294)).toBe('0.294');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(17412.4)).toBe('17412');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-2.5)).toBe('-2.5');
  });

  it('judges goals by their operator, boundaries included or not', () => {
    expect(goalMet(0.5, { op: '>=', target: 0.5 })).toBe(true);
    expect(goalMet(0.5, { op: '>', target: 0.5 })).toBe(false);
    expect(goalMet(600, { op: '<', target: 600 })).toBe(false);
    expect(goalMet(1.3, { op: '<=', target: 1.3 })).toBe(true);
  });

  it('divides by the baseline only when both figures exist and the baseline is not zero', () => {
    expect(ratioToBaseline(3, 2)).toBe(1.5);
    expect(ratioToBaseline(null, 2)).toBeNull();
    expect(ratioToBaseline(3, undefined)).toBeNull();
    expect(ratioToBaseline(3, 0)).toBeNull();
  });

  it('prints value, goal, verdict, baseline and ratio per metric, and a line per skipped or failed section', () => {
    const baseline = { savedAt: '2025-01-01T00:00:00.000Z', quick: true, metrics: { 'import.throughputRatio': 0.147, 'import.firstMs': 20000 } };
    const text = formatBenchTable(sections, baseline);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ {2}metric +value +goal +baseline +ratio$/);
    expect(lines.find((l) => l.includes('import ÷ raw'))).toMatch(/import ÷ raw +0\.294 × +>= 0\.5 × +MISS +0\.147 +2×$/);
    expect(lines.find((l) => l.includes('re-import'))).toMatch(/0\.00168 × +<= 0\.05 × +ok$/);
    expect(lines.find((l) => l.includes('first import'))).toMatch(/17412 ms +20000 +0\.871×$/);
    expect(lines.find((l) => l.includes('p95 100k'))).toMatch(/p95 100k +—$/);
    expect(text).toContain('  chat: skipped: chat engine not available');
    expect(text).toContain('  latency-100k: FAILED: ran out of time (240 s)');
    expect(text).toContain('  import: 954 chunks');
    expect(text).toContain('baseline saved 2025-01-01T00:00:00.000Z (quick run)');
    expect(formatBenchTable(sections, null)).toContain('no baseline (npm run bench -- --save-baseline writes one)');
  });

  it('saves measured figures only, and reads back only finite numbers from a baseline file', () => {
    const b = baselineFrom(sections, false, 'now');
    expect(b).toEqual({ savedAt: 'now', quick: false, metrics: { 'import.throughputRatio': 0.294, 'import.reimportRatio': 0.00168, 'import.firstMs': 17412.4 } });
    expect(parseBaseline(JSON.stringify(b))).toEqual(b);
    expect(parseBaseline('{"savedAt":"x","metrics":{"a":1,"b":"2","c":null}}')).toEqual({ savedAt: 'x', quick: false, metrics: { a: 1 } });
    expect(parseBaseline('not json')).toBeNull();
    expect(parseBaseline('{"metrics":{}}')).toBeNull();
  });

  it('takes nearest-rank percentiles', () => {
    const s = latencyStats([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    expect(s).toEqual({ p50: 5, p95: 10, mean: 5.5 });
    expect(latencyStats([])).toEqual({ p50: 0, p95: 0, mean: 0 });
  });
});

describe('server load section', () => {
  it('uses the load test\'s own metrics when it returns them, else every number by its path', () => {
    const own = [{ key: 'serverLoad.errors', label: 'failed', value: 0, unit: '' }];
    expect(metricsFromLoadResult({ metrics: own, notes: [] })).toBe(own);
    expect(metricsFromLoadResult(own)).toBe(own);
    expect(metricsFromLoadResult({ p95Ms: 120, nested: { rps: 40.5, name: 'x' }, list: [1] })).toEqual([
      { key: 'serverLoad.p95Ms', label: 'server load: p95Ms', value: 120, unit: 'ms' },
      { key: 'serverLoad.nested.rps', label: 'server load: nested.rps', value: 40.5, unit: '' },
    ]);
  });

  it('finds the exported function, or says why it skips', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-load-probe-'));
    try {
      expect(await findServerLoad(path.join(dir, 'absent.ts'))).toEqual({ skipped: 'absent.ts does not exist yet' });
      const none = path.join(dir, 'none.mjs');
      fs.writeFileSync(none, 'export const sessions = 50;\n');
      expect(await findServerLoad(none)).toEqual({ skipped: 'none.mjs exports no function (exports: sessions)' });
      const some = path.join(dir, 'some.mjs');
      fs.writeFileSync(some, 'export const x = 1;\nexport function helper() { return 1; }\nexport async function runServerLoad() { return { metrics: [] }; }\n');
      const found = await findServerLoad(some);
      expect('name' in found && found.name).toBe('runServerLoad');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
