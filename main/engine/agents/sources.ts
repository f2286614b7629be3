import type { AnswerSource, Perspective } from '../../../preload/contract';
import type { RetrievedHit } from '../retrieval/retrieve';
import { contentTerms } from './citations';

/** A retrieved passage with the store it came from. */
export type Passage = RetrievedHit & { store: 'embedded' | 'qdrant' };

/**
 * Numbers the passages chosen for each perspective 1..N, in perspective order, each chunk once:
 * a passage found for two perspectives belongs to the first (the answer cites it with one number).
 */
export function numberSources(chosen: Array<{ perspective: Perspective; passages: Passage[] }>, perPerspective: number): AnswerSource[] {
  const seen = new Set<number>();
  const sources: AnswerSource[] = [];
  for (const { perspective, passages } of chosen) {
    let taken = 0;
    for (const p of passages) {
      if (taken >= perPerspective) break;
      if (seen.has(p.chunkId)) continue;
      seen.add(p.chunkId);
      taken++;
      sources.push({
        n: sources.length + 1,
        chunkId: p.chunkId,
        documentId: p.documentId,
        filename: p.filename,
        title: p.title,
        pageStart: p.pageStart,
        pageEnd: p.pageEnd,
        pageLabel: p.pageLabel,
        quote: p.text,
        score: p.score,
        store: p.store,
        perspective,
      });
    }
  }
  return sources;
}

/** A page label that reads as a page number ("12", "iii", "A-3"), not a section heading. */
const PAGE_LIKE = /^(?:\d+|[ivxlcdm]+|[A-Z]?-?\d+[a-z]?)$/i;

/**
 * "Title, p. 12" ("pp. 12–13" when the passage spans pages). Markdown and DOCX documents have
 * sections instead of pages, labelled with their heading: "Title, § Perspectiva financeira".
 */
export function sourceLabel(s: Pick<AnswerSource, 'title' | 'filename' | 'pageLabel' | 'pageStart' | 'pageEnd'>): string {
  const name = s.title ?? s.filename;
  if (!PAGE_LIKE.test(s.pageLabel)) return s.pageLabel === name ? name : `${name}, § ${s.pageLabel}`;
  return `${name}, ${s.pageEnd > s.pageStart ? `pp. ${s.pageLabel}–${s.pageEnd}` : `p. ${s.pageLabel}`}`;
}

/** Passage text as plain prose: Markdown headings (the lead names them), emphasis and table pipes removed, whitespace folded. */
export function plainPassage(text: string): string {
  return text
    .replace(/^\s{0,3}#{1,6}\s+.*$/gm, '')
    .replace(/[*`]+|__/g, '')
    .replace(/^\s*[-*+]\s+/gm, '')
    .replace(/\|/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;:])\s+(?=[\p{Lu}"“(\d])/u).filter((s) => s.trim() !== '');
}

/**
 * The part of a passage that best answers the question: the sentence sharing the most terms with
 * it, followed by the next ones up to `maxChars`. The start of the passage when none shares a term.
 */
export function bestExcerpt(passage: string, question: string, maxChars = 420): string {
  const sentences = sentencesOf(plainPassage(passage));
  if (sentences.length === 0) return '';
  const wanted = contentTerms(question);
  let best = 0;
  let bestScore = -1;
  sentences.forEach((s, i) => {
    const terms = contentTerms(s);
    let score = 0;
    for (const t of wanted) if (terms.has(t)) score++;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  let excerpt = sentences[best]!;
  for (let i = best + 1; i < sentences.length && excerpt.length + sentences[i]!.length + 1 <= maxChars; i++) excerpt += ` ${sentences[i]}`;
  if (excerpt.length > maxChars) {
    const cut = excerpt.lastIndexOf(' ', maxChars);
    excerpt = `${excerpt.slice(0, cut > maxChars / 2 ? cut : maxChars)}…`;
  }
  return excerpt;
}
