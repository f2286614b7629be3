// Splits a page's text at its chunks' boundaries so the viewer can show where each chunk starts
// and ends. Chunks overlap (the chunker repeats the last sentences of one at the start of the next),
// so a piece of text may belong to two chunks; such pieces are reported as overlap.
import type { DocumentPage } from '../../../../preload/contract';

export type PageSegment = {
  text: string;
  /** ords of the chunks this text belongs to (0, 1 or, in an overlap, 2+). */
  chunks: number[];
  /** set when a chunk starts at this segment: its ord. */
  startsChunk: number | null;
};

export function segmentPageByChunks(page: Pick<DocumentPage, 'text' | 'chunks'>): PageSegment[] {
  const { text } = page;
  const len = text.length;
  const spans = page.chunks
    .map((c) => ({ ord: c.ord, start: clamp(c.start, 0, len), end: clamp(c.end, 0, len) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start || a.ord - b.ord);
  const cuts = new Set<number>([0, len]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: PageSegment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] as number;
    if (to <= from) continue;
    const covering = spans.filter((s) => s.start < to && s.end > from).map((s) => s.ord);
    const starting = spans.find((s) => s.start === from);
    segments.push({ text: text.slice(from, to), chunks: covering, startsChunk: starting ? starting.ord : null });
  }
  return segments;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** "p. 12", "p. iv" for printed page labels; a section heading (Markdown, Word) as it is. */
export function isPrintedPageLabel(label: string): boolean {
  return /^[0-9]{1,6}$/.test(label) || /^[ivxlcdm]{1,10}$/i.test(label) || /^[A-Za-z]?-?[0-9]{1,6}$/.test(label);
}
