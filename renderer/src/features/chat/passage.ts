// Where the cited passage sits on its page, so the source panel can mark it. The page's chunk
// offsets say it exactly; when they are missing (an older index), the chunk's text is looked up
// with whitespace folded, since PDF extraction and chunking break lines differently.
import type { DocumentPage } from '../../../../preload/contract';
import { longestEnd } from '../../lib/longest-end';

export type PassageRange = { start: number; end: number };

export function locatePassage(page: Pick<DocumentPage, 'text' | 'chunks'>, chunkId: number, chunkText: string): PassageRange | null {
  const len = page.text.length;
  const own = page.chunks.find((c) => c.chunkId === chunkId);
  if (own) {
    const start = Math.max(0, Math.min(len, own.start));
    const end = Math.max(start, Math.min(len, own.end));
    if (end > start) return { start, end };
  }
  return findLoosely(page.text, chunkText);
}

/** Text with runs of whitespace folded to one space, and where each folded character came from. */
function foldSpaces(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      if (!inSpace && folded.length > 0) { folded += ' '; origin.push(i); }
      inSpace = true;
    } else {
      folded += ch;
      origin.push(i);
      inSpace = false;
    }
  }
  return { folded, origin };
}

const MIN_MATCH = 20;


function findLoosely(text: string, passage: string): PassageRange | null {
  const hay = foldSpaces(text);
  const needle = foldSpaces(passage).folded.trim();
  if (!needle) return null;
  const toRange = (from: number, length: number): PassageRange => ({ start: hay.origin[from] as number, end: (hay.origin[from + length - 1] as number) + 1 });
  // A chunk that runs over a page break shows only its head (or its tail) on this page.
  const head = longestEnd(hay.folded, needle, true);
  const tail = longestEnd(hay.folded, needle, false);
  const best = head.length >= tail.length ? head : tail;
  if (best.at < 0 || best.length < Math.min(MIN_MATCH, needle.length)) return null;
  return toRange(best.at, best.length);
}

/** Single newlines (PDF line ends) become spaces, paragraph breaks stay; lengths are kept, so ranges still hold. */
export function reflowPageText(text: string): string {
  return text.replace(/(?<!\n)\n(?!\n)/g, ' ');
}
