import type { Engagement, Initiative, Measure } from '../../../../preload/strategy-contract';
import { newId } from './use-engagement';

/** "2027: 1500; 2028: 1800" → targets; pieces that are not "year: number" are left out. */
export function parseTargets(text: string): Measure['targets'] {
  return text.split(/[;\n]/).flatMap((part) => {
    const m = /^\s*(\d{4})\s*[:=]\s*(-?[\d.,]+)\s*$/.exec(part);
    if (!m) return [];
    const value = Number(m[2]!.replace(/\.(?=\d{3}\b)/g, '').replace(',', '.'));
    return Number.isFinite(value) ? [{ year: Number(m[1]), value }] : [];
  });
}

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
