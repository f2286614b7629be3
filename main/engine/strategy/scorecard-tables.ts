import type { MapPerspective } from '../../../preload/strategy-contract';

/** One row of a scorecard-like table found in a passage: what each column says, by meaning. */
export interface ScorecardTableRow {
  line: string;
  start: number;
  perspective: MapPerspective | null;
  objective: string | null;
  measure: string | null;
  formula: string | null;
  baseline: { value: number; year: number | null } | null;
  targets: Array<{ year: number; value: number }>;
  initiative: string | null;
}

const PERSPECTIVE_WORDS: Array<[RegExp, MapPerspective]> = [
  [/financ|mission|missão|sociedade|society/i, 'financial'],
  [/client|customer|cooperad|mercado|market|cidadã|citizen/i, 'customer'],
  [/process/i, 'process'],
  [/aprendiz|crescimento|learning|growth|pessoas|people/i, 'learning'],
];

export function perspectiveOf(text: string): MapPerspective | null {
  return PERSPECTIVE_WORDS.find(([re]) => re.test(text))?.[1] ?? null;
}

type Role = 'perspective' | 'objective' | 'measure' | 'formula' | 'baseline' | 'target' | 'initiative' | null;

function roleOf(header: string): { role: Role; year: number | null } {
  const h = header.toLowerCase();
  const year = Number(/\b(19|20)\d{2}\b/.exec(h)?.[0] ?? NaN);
  const y = Number.isFinite(year) ? year : null;
  if (/perspectiv/.test(h)) return { role: 'perspective', year: y };
  if (/objetiv|objective/.test(h)) return { role: 'objective', year: y };
  if (/indicador|kpi|measure|medida|métrica|metric/.test(h)) return { role: 'measure', year: y };
  if (/fórmula|formula|cálculo|calculation/.test(h)) return { role: 'formula', year: y };
  if (/base|linha de base|baseline|atual|current/.test(h)) return { role: 'baseline', year: y };
  if (/meta|target|alvo/.test(h)) return { role: 'target', year: y };
  if (/iniciativa|initiative|projeto|project|ação|action/.test(h)) return { role: 'initiative', year: y };
  return { role: null, year: y };
}

const cellsOf = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
/** "11,9" and "1.234,5" (Portuguese) or "1,234.5" (English) as numbers; "—" and text as null. */
export function numberIn(cell: string): number | null {
  const m = /-?\d[\d.,]*/.exec(cell);
  if (!m) return null;
  let s = m[0];
  if (/,\d{1,2}$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(/,/g, '');
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
const clean = (cell: string | undefined) => {
  const t = (cell ?? '').replace(/\*\*/g, '').replace(/^[A-Z]{1,2}\d{1,2}\.\s*/, '').trim();
  return t && !/^[—–-]+$/.test(t) ? t : null;
};

function rowFrom(line: string, start: number, roles: Array<{ role: Role; year: number | null }>): ScorecardTableRow {
  const row: ScorecardTableRow = { line, start, perspective: null, objective: null, measure: null, formula: null, baseline: null, targets: [], initiative: null };
  cellsOf(line).forEach((cell, i) => {
    const r = roles[i];
    if (!r?.role) return;
    if (r.role === 'perspective') row.perspective = perspectiveOf(cell);
    else if (r.role === 'baseline') { const v = numberIn(cell); if (v !== null) row.baseline = { value: v, year: r.year }; }
    else if (r.role === 'target') { const v = numberIn(cell); if (v !== null && r.year) row.targets.push({ year: r.year, value: v }); }
    else row[r.role] = clean(cell);
  });
  return row;
}

/** Markdown tables in a passage whose header names scorecard columns (objective, indicator, formula, target…). */
export function scorecardTableRows(text: string): ScorecardTableRow[] {
  const lines = text.split('\n');
  const out: ScorecardTableRow[] = [];
  let offset = 0;
  // Per table: its first row is the header; a table whose header names no scorecard column is skipped.
  let roles: Array<{ role: Role; year: number | null }> | 'other' | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isRow = /^\s*\|.*\|\s*$/.test(line);
    const isRule = /^\s*\|?\s*:?-{3,}/.test(line);
    if (!isRow) roles = null;
    else if (isRule) { /* the header's underline */ }
    else if (roles === null) {
      const header = cellsOf(line).map(roleOf);
      roles = header.some((r) => r.role === 'measure' || r.role === 'objective') ? header : 'other';
    } else if (roles !== 'other') {
      out.push(rowFrom(line.trim(), offset + (line.length - line.trimStart().length), roles));
    }
    offset += line.length + 1;
  }
  return out;
}
