// Citation markers as the answer writes them — [3], [1, 2], [2–4] — split out of plain text, so
// the view can render each as a chip. Only numbers that name a source become chips; any other
// bracketed number stays as written (the judge reports those).

export type CitationSegment = { kind: 'text'; text: string } | { kind: 'cite'; n: number };

const GROUP = /\[(\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*\s*)\]/g;
const MAX_RANGE = 20;

/** The numbers of one bracket's content: "1, 3–5" → [1, 3, 4, 5]; null when a range is absurd. */
function groupNumbers(inner: string): number[] | null {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const [a, b] = part.split(/[-–]/).map((s) => Number(s.trim()));
    if (a === undefined || !Number.isInteger(a)) return null;
    if (b === undefined) { out.push(a); continue; }
    if (!Number.isInteger(b) || b < a || b - a > MAX_RANGE) return null;
    for (let n = a; n <= b; n++) out.push(n);
  }
  return out;
}

export function splitCitations(text: string, known: ReadonlySet<number>): CitationSegment[] {
  const segments: CitationSegment[] = [];
  const pushText = (t: string) => {
    if (!t) return;
    const last = segments[segments.length - 1];
    if (last?.kind === 'text') last.text += t;
    else segments.push({ kind: 'text', text: t });
  };
  let at = 0;
  for (const m of text.matchAll(GROUP)) {
    const start = m.index ?? 0;
    pushText(text.slice(at, start));
    at = start + m[0].length;
    const numbers = groupNumbers(m[1] ?? '');
    if (!numbers) { pushText(m[0]); continue; }
    for (const n of numbers) {
      if (known.has(n)) segments.push({ kind: 'cite', n });
      else pushText(`[${n}]`);
    }
  }
  pushText(text.slice(at));
  return segments;
}

/** Every source number the text cites, in order of first mention. */
export function citedNumbers(text: string, known: ReadonlySet<number>): number[] {
  const seen = new Set<number>();
  for (const s of splitCitations(text, known)) if (s.kind === 'cite') seen.add(s.n);
  return [...seen];
}
