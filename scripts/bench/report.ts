// The bench's figures, their goals and the comparison with a saved baseline: pure, so it is tested.

export interface Goal {
  op: '<' | '<=' | '>' | '>=';
  target: number;
}

export interface BenchMetric {
  /** Stable id, the baseline's key: "import.throughputRatio". */
  key: string;
  label: string;
  /** null: not measured (see the section's `skipped` or `error`). */
  value: number | null;
  unit: string;
  goal?: Goal;
}

export interface BenchSection {
  name: string;
  metrics: BenchMetric[];
  /** Why the section did not run (a missing engine feature, no Chromium…). */
  skipped?: string;
  /** It ran and failed, or ran out of time. */
  error?: string;
  /** Context worth printing under the table (sizes, modes, what a figure includes). */
  notes?: string[];
  seconds?: number;
}

export interface Baseline {
  savedAt: string;
  quick: boolean;
  metrics: Record<string, number>;
}

export function goalMet(value: number, goal: Goal): boolean {
  switch (goal.op) {
    case '<': return value < goal.target;
    case '<=': return value <= goal.target;
    case '>': return value > goal.target;
    case '>=': return value >= goal.target;
  }
}

/** value ÷ baseline, or null when either is missing or the baseline is 0. */
export function ratioToBaseline(value: number | null, baseline: number | undefined): number | null {
  if (value === null || baseline === undefined || !Number.isFinite(baseline) || baseline === 0) return null;
  return value / baseline;
}

/** Three significant figures without exponent noise: 0.00412, 0.5, 12.3, 1234. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs === 0) return '0';
  if (abs >= 100) return String(Math.round(x));
  const digits = Math.max(0, 2 - Math.floor(Math.log10(abs)));
  return String(Number(x.toFixed(digits)));
}

export function formatGoal(goal: Goal | undefined, unit: string): string {
  return goal ? `${goal.op} ${formatNumber(goal.target)}${unit ? ` ${unit}` : ''}` : '';
}

export function baselineFrom(sections: BenchSection[], quick: boolean, savedAt = new Date().toISOString()): Baseline {
  const metrics: Record<string, number> = {};
  for (const s of sections) for (const m of s.metrics) if (m.value !== null) metrics[m.key] = m.value;
  return { savedAt, quick, metrics };
}

/** metric | value | goal | baseline | ratio — one row per metric, a line per skipped or failed section. */
export function formatBenchTable(sections: BenchSection[], baseline: Baseline | null): string {
  const header = ['metric', 'value', 'goal', '', 'baseline', 'ratio'];
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const s of sections) {
    for (const m of s.metrics) {
      const base = baseline?.metrics[m.key];
      const ratio = ratioToBaseline(m.value, base);
      rows.push([
        m.label,
        m.value === null ? '—' : `${formatNumber(m.value)}${m.unit ? ` ${m.unit}` : ''}`,
        formatGoal(m.goal, m.unit),
        m.value === null || !m.goal ? '' : goalMet(m.value, m.goal) ? 'ok' : 'MISS',
        base === undefined ? '' : formatNumber(base),
        ratio === null ? '' : `${formatNumber(ratio)}×`,
      ]);
    }
    if (s.skipped) lines.push(`  ${s.name}: skipped: ${s.skipped}`);
    if (s.error) lines.push(`  ${s.name}: FAILED: ${s.error}`);
    for (const n of s.notes ?? []) lines.push(`  ${s.name}: ${n}`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()}`;
  const table = rows.length > 0 ? [line(header), ...rows.map(line)] : ['  (no figures)'];
  const footer = baseline ? [`  baseline saved ${baseline.savedAt}${baseline.quick ? ' (quick run)' : ''}`] : ['  no baseline (npm run bench -- --save-baseline writes one)'];
  return `${[...table, ...lines, ...footer].join('\n')}\n`;
}

/** Parses a baseline file's text; null when it is not one (an old or hand-broken file is ignored, not fatal). */
export function parseBaseline(text: string): Baseline | null {
  try {
    const raw = JSON.parse(text) as Partial<Baseline>;
    if (typeof raw.savedAt !== 'string' || typeof raw.metrics !== 'object' || raw.metrics === null) return null;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw.metrics)) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    return { savedAt: raw.savedAt, quick: raw.quick === true, metrics };
  } catch {
    return null;
  }
}
