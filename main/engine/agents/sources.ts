import type { AnswerSource, Perspective } from '../../../preload/contract';
import type { RetrievedHit } from '../retrieval/retrieve';
import { pageSpansInChunk, pagesOfExcerpt, type PageReader, type PageSpan } from './page-map';

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

/** Maps excerpts of retrieved chunks to the page(s) holding them; remembers each chunk's page spans. */
export function excerptPager(readPages: PageReader | null): (p: Passage, start: number, end: number) => Pick<AnswerSource, 'pageStart' | 'pageEnd' | 'pageLabel' | 'pageLabels'> & { ocr?: boolean } {
  const spans = new Map<number, PageSpan[]>();
  return (p, start, end) => {
    const whole = { pageStart: p.pageStart, pageEnd: p.pageEnd, pageLabel: p.pageLabel, pageLabels: [p.pageLabel] };
    if (!readPages) return p.pageStart === p.pageEnd ? whole : { pageStart: p.pageStart, pageEnd: p.pageEnd, pageLabel: p.pageLabel };
    let mine = spans.get(p.chunkId);
    if (!mine) {
      mine = pageSpansInChunk(p.text, readPages(p.documentId, p.pageStart, p.pageEnd));
      spans.set(p.chunkId, mine);
    }
    const at = pagesOfExcerpt(p.text, mine, start, end);
    if (!at) return whole;
    return { pageStart: at.pageStart, pageEnd: at.pageEnd, pageLabel: at.pageLabels[0]!, pageLabels: at.pageLabels, ...(at.ocr ? { ocr: true } : {}) };
  };
}

/** One citation: the excerpt [start, end) of a retrieved passage, numbered n, with the page(s) that hold it. */
export function citeExcerpt(
  p: Passage,
  span: { start: number; end: number },
  n: number,
  perspective: Perspective | null,
  pager: ReturnType<typeof excerptPager>,
): AnswerSource {
  return {
    n,
    chunkId: p.chunkId,
    documentId: p.documentId,
    filename: p.filename,
    title: p.title,
    ...pager(p, span.start, span.end),
    quote: p.text,
    excerpt: p.text.slice(span.start, span.end),
    excerptStart: span.start,
    excerptEnd: span.end,
    score: p.score,
    store: p.store,
    perspective,
  };
}

/** A page label that reads as a page number ("12", "iii", "A-3"), not a section heading. */
const PAGE_LIKE = /^(?:\d+|[ivxlcdm]+|[A-Z]?-?\d+[a-z]?)$/i;

/**
 * "Title, p. 12" ("pp. 12–13" when the excerpt runs over a page break): printed labels only, the
 * first and last page of the excerpt. Markdown and DOCX documents have sections instead of pages,
 * labelled with their heading: "Title, § Perspectiva financeira". An answer stored before excerpts
 * had page labels says "p. 12 ff." for a passage spanning pages (its last printed label is unknown).
 */
export function sourceLabel(s: Pick<AnswerSource, 'title' | 'filename' | 'pageLabel' | 'pageStart' | 'pageEnd' | 'pageLabels'>): string {
  const name = s.title ?? s.filename;
  const labels = s.pageLabels?.length ? s.pageLabels : [s.pageLabel];
  const first = labels[0]!;
  if (!PAGE_LIKE.test(first)) return first === name ? name : `${name}, § ${first}`;
  if (labels.length > 1) return `${name}, pp. ${first}–${labels[labels.length - 1]}`;
  return `${name}, p. ${first}${!s.pageLabels && s.pageEnd > s.pageStart ? ' ff.' : ''}`;
}
