import type { AnswerSource } from '../../../preload/contract';
import type { Suggestion } from '../../../preload/strategy-contract';
import { judgeLexically } from '../agents/judge-lexical';
import { locateExcerpt, type SuggestionLibrary } from './suggest';

/**
 * The answer judge (issue 11's lexical judge) applied to one suggestion: its title is the claim,
 * its excerpt the cited source, and the excerpt must be on the page(s) the citation names.
 * The suggestion is its own question here: relevance was decided by extraction, support is checked.
 */
export function judgeSuggestion(s: Suggestion, lib: SuggestionLibrary, lang: 'pt' | 'en'): { supported: boolean; reason: string } {
  const sources: AnswerSource[] = s.citations.map((c, i) => ({
    n: i + 1, chunkId: c.chunkId ?? 0, documentId: c.documentId, filename: c.filename, title: c.filename,
    pageStart: c.pageStart, pageEnd: c.pageEnd, pageLabel: c.pageLabels[0] ?? String(c.pageStart), pageLabels: c.pageLabels,
    quote: c.excerpt, excerpt: c.excerpt, excerptStart: 0, excerptEnd: c.excerpt.length,
    score: 1, store: 'embedded', perspective: s.perspective,
  }));
  const checkPages = (src: AnswerSource) => {
    const where = locateExcerpt(lib.pages(src.documentId, src.pageStart, src.pageEnd), src.excerpt ?? src.quote);
    return where ? where.pageLabels.join('|') === (src.pageLabels ?? []).join('|') : false;
  };
  const report = judgeLexically({
    question: s.title, claims: [{ sentence: s.title, citations: sources.map((x) => x.n) }],
    sources, perspectives: [s.perspective], threshold: 0.5, lang, checkPages,
  });
  const claim = report.claims[0];
  return { supported: claim?.supported ?? false, reason: claim?.reason ?? report.feedback };
}
