import { foldDiacritics, isStopword, stemToken, tokenize } from '../retrieval/analyze';

/** A sentence of an answer and the passage numbers it cites. */
export interface CitedSentence {
  sentence: string;
  citations: number[];
}

const CITATION_GROUP = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/** The passage numbers a piece of text cites, in order, once each: "[1][3]" and "[1, 3]" alike. */
export function citationsIn(text: string): number[] {
  const found: number[] = [];
  for (const m of text.matchAll(CITATION_GROUP)) {
    for (const n of m[1]!.split(/[,;]/).map((x) => Number(x.trim()))) if (!found.includes(n)) found.push(n);
  }
  return found;
}

/** Removes citations to numbers outside `allowed` (a specialist may cite only its own passages). */
export function restrictCitations(text: string, allowed: ReadonlySet<number>): string {
  return text
    .replace(CITATION_GROUP, (_whole, group: string) => {
      const kept = group.split(/[,;]/).map((x) => Number(x.trim())).filter((n) => allowed.has(n));
      return kept.length ? `[${kept.join(', ')}]` : '';
    })
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ');
}

/**
 * Splits Markdown answer text into sentences, leaving out headings and blank lines. A citation
 * written after the full stop ("… margem. [3]") stays with its sentence.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\n+/)) {
    const line = rawLine.replace(/^\s*(?:>|[-*+]|\d+[.)])\s+/, '').trim();
    if (!line || /^#{1,6}\s/.test(line) || /^_.*_$/.test(line)) continue;
    // Not after an initial or an abbreviation ("Daniel V. Kaplan", "(p. 12)", "e.g. X").
    for (const part of line.split(/(?<=[.!?…](?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*)(?<!(?:^|[\s(])(?:\p{Lu}|pp?|p[áa]g|fig|cf|vs|ex|e\.g|i\.e|et al|Dr|Sr|Sra|Prof)\.)\s+(?=[\p{Lu}"“(*\d])/u)) {
      const piece = part.trim();
      if (!piece) continue;
      const last = out.length - 1;
      if (/^(?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+$/.test(piece) && last >= 0) out[last] = `${out[last]} ${piece}`;
      else out.push(piece);
    }
  }
  return out;
}

/** The sentences of an answer that cite something, or make a claim worth checking (three content words or more). */
export function claimsOf(text: string): CitedSentence[] {
  return splitSentences(text)
    .map((sentence) => ({ sentence, citations: citationsIn(sentence) }))
    .filter((c) => c.citations.length > 0 || contentTerms(c.sentence).size >= 3);
}

/** Stemmed content words in both library languages (stopwords of either left out), so Portuguese and English text meet. */
export function contentTerms(text: string): Set<string> {
  const terms = new Set<string>();
  for (const t of tokenize(text.replace(CITATION_GROUP, ' '))) {
    if (t.length < 2 || isStopword(t, 'pt') || isStopword(t, 'en')) continue;
    terms.add(stemToken(t, 'pt'));
    terms.add(stemToken(t, 'en'));
  }
  return terms;
}

/** The words of `text` whose analysed form is one of `terms`, as written, once each. */
export function surfaceWordsMatching(text: string, terms: ReadonlySet<string>, limit: number): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const word of text.match(/[\p{L}\p{N}]+/gu) ?? []) {
    const folded = foldDiacritics(word);
    if (seen.has(folded)) continue;
    seen.add(folded);
    if ([...contentTerms(word)].some((t) => terms.has(t))) words.push(word);
    if (words.length >= limit) break;
  }
  return words;
}
