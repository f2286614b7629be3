// Marks the words of a search query inside a snippet, as plain segments React can render with
// <mark>: no HTML is ever built from the text. Matching mirrors the index loosely (folded
// diacritics, a crude stem by prefix), so "estratégia" also marks "estratégico" in a BM25 hit.

export type HighlightSegment = { text: string; match: boolean };

const WORD = /[\p{L}\p{N}]+/gu;

function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Folded prefixes to look for: words of 3+ letters (shorter ones are mostly "de", "a", "of"), stems cut to their first letters. */
export function queryPrefixes(query: string): string[] {
  const words = fold(query).match(WORD) ?? [];
  const meaningful = words.filter((w) => w.length >= 3);
  const chosen = meaningful.length > 0 ? meaningful : words;
  const prefixes = chosen.map((w) => (w.length > 5 ? w.slice(0, Math.max(5, w.length - 3)) : w));
  return [...new Set(prefixes)];
}

export function highlightSegments(text: string, query: string): HighlightSegment[] {
  const prefixes = queryPrefixes(query);
  if (prefixes.length === 0 || text.length === 0) return text ? [{ text, match: false }] : [];
  const segments: HighlightSegment[] = [];
  const push = (piece: string, match: boolean) => {
    if (!piece) return;
    const last = segments[segments.length - 1];
    if (last && last.match === match) last.text += piece;
    else segments.push({ text: piece, match });
  };
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    const word = m[0];
    const folded = fold(word);
    const match = prefixes.some((p) => folded.startsWith(p) && (p.length >= 3 || folded === p));
    push(text.slice(at, start), false);
    // Adjacent matched words stay separate marks, so "gestão estratégica" reads as two hits.
    if (match) segments.push({ text: word, match: true });
    else push(word, false);
    at = start + word.length;
  }
  push(text.slice(at), false);
  return segments;
}

/** Whether any word of the query (as highlighted above) occurs in the text. */
export function mentionsQuery(text: string, query: string): boolean {
  return highlightSegments(text, query).some((s) => s.match);
}
