import type { Engagement, MapCitation } from '../../../preload/strategy-contract';

export interface Footnote { n: number; citation: MapCitation; text: string }

/** "p. 7" or "pp. 7–8" from printed labels, falling back to physical pages. */
export function pagesOf(c: MapCitation): string {
  const labels = c.pageLabels.length ? c.pageLabels : c.pageStart === c.pageEnd ? [String(c.pageStart)] : [String(c.pageStart), String(c.pageEnd)];
  // Markdown and Word "pages" are labelled by their section heading, not a page number.
  if (!/^[\divxlcdm]+$/i.test(labels[0]!)) return `§ ${labels[0]}`;
  return labels.length > 1 && labels[0] !== labels[labels.length - 1] ? `pp. ${labels[0]}–${labels[labels.length - 1]}` : `p. ${labels[0]}`;
}

const key = (c: MapCitation) => `${c.documentId}\u0000${c.pageStart}\u0000${c.excerpt}`;

/**
 * Numbers every distinct citation of the engagement once, objectives first (lane order) then
 * measures, so the map's superscripts and the scorecard's "Sources" column agree.
 */
export function collectFootnotes(e: Engagement): { notes: Footnote[]; numbersOf: (cs: readonly MapCitation[]) => number[] } {
  const byKey = new Map<string, Footnote>();
  const add = (c: MapCitation) => {
    const k = key(c);
    if (!byKey.has(k)) {
      const excerpt = c.excerpt.length > 240 ? `${c.excerpt.slice(0, 237).trimEnd()}…` : c.excerpt;
      byKey.set(k, { n: byKey.size + 1, citation: c, text: `${c.filename || c.documentId}, ${pagesOf(c)}: “${excerpt}”` });
    }
  };
  const lanes = ['financial', 'customer', 'process', 'learning'];
  const objectives = [...e.objectives].sort((a, b) => lanes.indexOf(a.perspective) - lanes.indexOf(b.perspective));
  for (const o of objectives) o.citations.forEach(add);
  for (const m of e.measures) m.citations.forEach(add);
  return {
    notes: [...byKey.values()],
    numbersOf: (cs) => cs.map((c) => byKey.get(key(c))?.n).filter((n): n is number => n !== undefined),
  };
}
