import type { Answer } from '../../../preload/contract';
import { contentTerms } from './citations';
import { coverageOf, type QuestionTerm } from './evidence';
import type { Passage } from './sources';

/**
 * The abstention gate, the same with or without a model: does any of the top passages cover most
 * of what the question asks? Coverage is the IDF-weighted share of the question's content words
 * (in either library language) found in one passage with its title and headings: a word the
 * library never uses weighs the most, a word every chunk uses almost nothing, so the score is
 * normalised per library and means the same in a small primer and a large collection.
 */
export const COVERAGE_THRESHOLD = 0.6;
/** How many of the best-ranked passages the gate looks at. */
const GATE_DEPTH = 6;

export type Coverage = NonNullable<Answer['coverage']>;

export function coverageGate(terms: QuestionTerm[], ranked: Passage[], threshold = COVERAGE_THRESHOLD): Coverage {
  // Nothing to weigh ("BSC?" after stopwords): the router's clarification handles it, not abstention.
  if (terms.length === 0) return { covered: ranked.length > 0, score: ranked.length > 0 ? 1 : 0, threshold, termCoverage: 1, missingTerms: [] };
  let best = 0;
  let bestTerms = new Set<string>();
  const union = new Set<string>();
  for (const p of ranked.slice(0, GATE_DEPTH)) {
    const passageTerms = contentTerms(`${p.title ?? ''} ${p.headingPath.join(' ')} ${p.text}`);
    for (const t of passageTerms) union.add(t);
    const c = coverageOf(passageTerms, terms);
    if (c > best) {
      best = c;
      bestTerms = passageTerms;
    }
  }
  // Mostly one passage must cover the question; what the next passages add counts for a quarter.
  const combined = 0.75 * best + 0.25 * coverageOf(union, terms);
  const found = terms.filter((t) => t.stems.some((s) => bestTerms.has(s)));
  const missingTerms = terms.filter((t) => !found.includes(t)).sort((a, b) => b.weight - a.weight).map((t) => t.word);
  const score = Math.round(combined * 1000) / 1000;
  return { covered: score >= threshold, score, threshold, termCoverage: Math.round((found.length / terms.length) * 1000) / 1000, missingTerms };
}
