import ExcelJS from 'exceljs';
import type { Engagement, Measure, Objective } from '../../../preload/strategy-contract';
import { perspectiveName } from './checks';
import { collectFootnotes } from './footnotes';

type Lang = Engagement['language'];
const HEAD: Record<Lang, string[]> = {
  pt: ['Perspectiva', 'Objetivo', 'Responsável', 'Indicador', 'Fórmula', 'Unidade', 'Sentido', 'Linha de base', 'Ano-base', 'Metas', 'Iniciativas', 'Fontes'],
  en: ['Perspective', 'Objective', 'Owner', 'Measure', 'Formula', 'Unit', 'Direction', 'Baseline', 'Baseline year', 'Targets', 'Initiatives', 'Sources'],
};
const DIRECTION: Record<Lang, Record<Measure['direction'], string>> = {
  pt: { increase: 'aumentar', decrease: 'reduzir', maintain: 'manter' },
  en: { increase: 'increase', decrease: 'decrease', maintain: 'maintain' },
};

export type ScorecardRow = Array<string | number | null>;

/** One row per measure (an objective without measures still gets a row), in lane order. */
export function scorecardRows(e: Engagement): { head: string[]; rows: ScorecardRow[]; notes: string[] } {
  const foot = collectFootnotes(e);
  const lanes = ['financial', 'customer', 'process', 'learning'];
  const objectives = [...e.objectives].sort((a, b) => lanes.indexOf(a.perspective) - lanes.indexOf(b.perspective));
  const initiatives = (o: Objective) => e.initiatives.filter((i) => i.objectiveId === o.id).map((i) => i.name).join('; ');
  const rows: ScorecardRow[] = [];
  for (const o of objectives) {
    const measures = e.measures.filter((m) => m.objectiveId === o.id);
    const base = [perspectiveName(o.perspective, e.language, e.sector), o.title, o.owner];
    if (!measures.length) rows.push([...base, '', '', '', '', null, null, '', initiatives(o), refs(foot.numbersOf(o.citations))]);
    for (const m of measures) {
      rows.push([...base, m.name, m.formula, m.unit, DIRECTION[e.language][m.direction], m.baseline.value, m.baseline.year,
        m.targets.map((t) => `${t.year}: ${t.value}`).join('; '), initiatives(o), refs(foot.numbersOf([...o.citations, ...m.citations]))]);
    }
  }
  return { head: HEAD[e.language], rows, notes: foot.notes.map((n) => `[${n.n}] ${n.text}`) };
}

const refs = (ns: number[]) => [...new Set(ns)].map((n) => `[${n}]`).join(' ');

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // A leading =,+,-,@ would run as a formula when the CSV is opened in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderScorecardCsv(e: Engagement): string {
  const { head, rows, notes } = scorecardRows(e);
  const lines = [head, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${[...lines, '', ...notes.map((n) => csvCell(n))].join('\r\n')}\r\n`;
}

const mdCell = (v: string | number | null) => (v === null ? '' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' '));

export function renderScorecardMarkdown(e: Engagement): string {
  const { head, rows, notes } = scorecardRows(e);
  const out = [`# ${e.name}${e.client ? ` — ${e.client}` : ''}`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
  if (notes.length) out.push('', e.language === 'pt' ? '## Fontes' : '## Sources', '', ...notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

export async function renderScorecardXlsx(e: Engagement): Promise<Uint8Array> {
  const { head, rows, notes } = scorecardRows(e);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Agente BSC';
  const sheet = wb.addWorksheet(e.language === 'pt' ? 'Scorecard' : 'Scorecard');
  sheet.addRow(head).font = { bold: true };
  for (const r of rows) sheet.addRow(r);
  sheet.columns.forEach((c, i) => { c.width = [18, 34, 16, 30, 34, 10, 12, 12, 10, 24, 30, 14][i] ?? 14; });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const ini = wb.addWorksheet(e.language === 'pt' ? 'Iniciativas' : 'Initiatives');
  ini.addRow(e.language === 'pt' ? ['Objetivo', 'Iniciativa', 'Responsável', 'Início', 'Fim', 'Orçamento'] : ['Objective', 'Initiative', 'Owner', 'Start', 'End', 'Budget']).font = { bold: true };
  for (const i of e.initiatives) ini.addRow([e.objectives.find((o) => o.id === i.objectiveId)?.title ?? '', i.name, i.owner, i.start, i.end, i.budget]);
  const src = wb.addWorksheet(e.language === 'pt' ? 'Fontes' : 'Sources');
  for (const n of notes) src.addRow([n]);
  src.getColumn(1).width = 140;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
