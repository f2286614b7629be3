import type { Engagement, Initiative, Measure } from '../../../../preload/strategy-contract';
import { newId } from './use-engagement';

/** "2027: 1500; 2028: 1800" → targets, and the pieces that are not "year: value" (for the user to fix). */
export function readTargets(text: string): { targets: Measure['targets']; rejected: string[] } {
  const targets: Measure['targets'] = [];
  const rejected: string[] = [];
  for (const part of text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{4})\s*[:=]\s*(-?[\d.,]+)$/.exec(part);
    const value = m ? Number(m[2]!.replace(/\.(?=\d{3}\b)/g, '').replace(',', '.')) : NaN;
    if (m && Number.isFinite(value)) targets.push({ year: Number(m[1]), value });
    else rejected.push(part);
  }
  return { targets, rejected };
}

export const parseTargets = (text: string): Measure['targets'] => readTargets(text).targets;

export const formatTargets = (targets: Measure['targets']) => targets.map((t) => `${t.year}: ${t.value}`).join('; ');

export const numberOrNull = (text: string): number | null => {
  if (!text.trim()) return null;
  const n = Number(text.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
};

export function updateMeasure(e: Engagement, id: string, patch: Partial<Measure>): Engagement {
  return { ...e, measures: e.measures.map((m) => (m.id === id ? { ...m, ...patch } : m)) };
}

export function addMeasure(e: Engagement, objectiveId: string, name: string): Engagement {
  const m: Measure = { id: newId('m'), objectiveId, name, formula: '', unit: '', direction: 'increase', baseline: { value: null, year: null }, targets: [], citations: [] };
  return { ...e, measures: [...e.measures, m] };
}

export function updateInitiative(e: Engagement, id: string, patch: Partial<Initiative>): Engagement {
  return { ...e, initiatives: e.initiatives.map((i) => (i.id === id ? { ...i, ...patch } : i)) };
}

export function addInitiative(e: Engagement, objectiveId: string, name: string): Engagement {
  return { ...e, initiatives: [...e.initiatives, { id: newId('ini'), objectiveId, name, owner: '', start: null, end: null, budget: null }] };
}
