// Finds a cited excerpt inside text that is split into pieces — the items of a PDF page's text
// layer, or the text nodes of rendered Markdown — and says which part of which piece to mark.
// The excerpt comes from the engine's extraction, which joins hyphenated words, folds whitespace
// and ligatures; so both sides are compared on letters and digits only, case and accents folded.
import { longestEnd } from '../../lib/longest-end';


export type PieceRange = { piece: number; start: number; end: number };

type Keyed = { key: string; origin: Array<{ piece: number; at: number; width: number }> };

const WORD_CHAR = /[\p{L}\p{N}]/u;

function keyed(pieces: readonly string[]): Keyed {
  let key = '';
  const origin: Keyed['origin'] = [];
  pieces.forEach((text, piece) => {
    let at = 0;
    for (const ch of text) {
      const folded = ch.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
      for (const f of folded) {
        if (!WORD_CHAR.test(f)) continue;
        key += f;
        origin.push({ piece, at, width: ch.length });
      }
      at += ch.length;
    }
  });
  return { key, origin };
}

/** The excerpt reduced to the characters matching compares. */
export function excerptKey(excerpt: string): string {
  return keyed([excerpt]).key;
}

/** Fewer shared characters than this is a coincidence, not the excerpt. */
const MIN_MATCH = 16;


export type ExcerptMatch = { ranges: PieceRange[]; whole: boolean };

/**
 * Where the excerpt is among the pieces: the whole of it, or — for an excerpt that runs over a
 * page break — the longest head or tail of it found here. Null when it is not on this page.
 */
export function matchExcerpt(pieces: readonly string[], excerpt: string): ExcerptMatch | null {
  const needle = excerptKey(excerpt);
  if (!needle) return null;
  const hay = keyed(pieces);
  let at = hay.key.indexOf(needle);
  let length = needle.length;
  const whole = at >= 0;
  if (!whole) {
    const head = longestEnd(hay.key, needle, true);
    const tail = longestEnd(hay.key, needle, false);
    const best = head.length >= tail.length ? head : tail;
    if (best.at < 0 || best.length < Math.min(MIN_MATCH, needle.length)) return null;
    at = best.at;
    length = best.length;
  }
  return { ranges: bridgeGaps(pieces, toRanges(hay, at, length)), whole };
}

function toRanges(hay: Keyed, at: number, length: number): PieceRange[] {
  const ranges: PieceRange[] = [];
  for (let i = at; i < at + length; i++) {
    const o = hay.origin[i];
    if (!o) break;
    const last = ranges[ranges.length - 1];
    if (last && last.piece === o.piece) last.end = Math.max(last.end, o.at + o.width);
    else ranges.push({ piece: o.piece, start: o.at, end: o.at + o.width });
  }
  return ranges;
}

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

/** Spaces and punctuation between two marked pieces are marked too, so the excerpt reads as one run. */
function bridgeGaps(pieces: readonly string[], ranges: PieceRange[]): PieceRange[] {
  return ranges.map((r, i) => {
    const text = pieces[r.piece] ?? '';
    const start = i > 0 && !HAS_WORD_CHAR.test(text.slice(0, r.start)) ? 0 : r.start;
    const end = i < ranges.length - 1 && !HAS_WORD_CHAR.test(text.slice(r.end)) ? text.length : r.end;
    return { piece: r.piece, start, end };
  });
}
