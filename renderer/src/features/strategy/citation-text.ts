import type { MapCitation } from '../../../../preload/strategy-contract';

/** "p. 7" / "pp. 7–8" from the excerpt's printed page labels (physical pages when there are none). */
export function pageText(c: MapCitation): string {
  const labels = c.pageLabels.length ? c.pageLabels : [String(c.pageStart), String(c.pageEnd)];
  const first = labels[0]!, last = labels[labels.length - 1]!;
  // Markdown and Word "pages" are labelled by their section heading, not a page number.
  if (!/^[\divxlcdm]+$/i.test(first)) return `§ ${first}`;
  return first === last ? `p. ${first}` : `pp. ${first}–${last}`;
}
