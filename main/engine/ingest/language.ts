import { francAll } from 'franc-min';
import { type StemLanguage, tokenize } from '../retrieval/analyze';

/**
 * The language of a document or a chunk: one the index stems (pt, en, es, fr) or 'und' when it
 * is another language or there is too little text to tell. 'und' text is indexed unstemmed:
 * a German page run through the Portuguese stemmer would only match by accident.
 */
export type TextLanguage = StemLanguage | 'und';

const FROM_FRANC: Record<string, StemLanguage> = { por: 'pt', eng: 'en', spa: 'es', fra: 'fr' };

/** Below this many letters trigram statistics are noise; function words decide instead. */
const MIN_LETTERS_FOR_TRIGRAMS = 40;
/** franc looks at 2048 characters at most; longer texts are judged by several windows. */
const WINDOW_CHARS = 2_000;
const MAX_WINDOWS = 6;
/** One of our four counts as the answer when it scores this close to a foreign top guess. */
const NEAR_TOP = 0.97;

// Short, frequent words that are each strong evidence for one language (folded).
const FUNCTION_WORDS: Record<StemLanguage, ReadonlySet<string>> = {
  pt: new Set('o os do dos da das um uma nao sao com pelo pela isso esta este voce'.split(' ')),
  en: new Set('the of and is are was with this that what which how from'.split(' ')),
  es: new Set('el los del las y es son con una muy pero esta este usted'.split(' ')),
  fr: new Set('le les des du et est sont avec une dans pour qui nous vous'.split(' ')),
};

function letterCount(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

/** Short text: a language only when at least two of its function words and more than any other's occur. */
function languageOfShortText(text: string): TextLanguage {
  const tokens = tokenize(text);
  const scores = (Object.keys(FUNCTION_WORDS) as StemLanguage[]).map((lang) => ({ lang, n: tokens.filter((t) => FUNCTION_WORDS[lang].has(t)).length }));
  scores.sort((a, b) => b.n - a.n);
  const [best, second] = scores;
  return best && best.n >= 2 && best.n > (second?.n ?? 0) ? best.lang : 'und';
}

const TO_FRANC: Record<StemLanguage, string> = { pt: 'por', en: 'eng', es: 'spa', fr: 'fra' };

/** franc's ranking of one window (≤ 2048 characters), best first, scores relative to the best (1). */
function rankWindow(text: string): Array<[string, number]> {
  return francAll(text.slice(0, 2048));
}

/** Ours, 'und' (a foreign language), or null (nothing to judge) from franc's ranking. */
function languageOfRanking(ranked: Array<[string, number]>): TextLanguage | null {
  const [top] = ranked;
  if (!top || top[0] === 'und') return null;
  const mapped = FROM_FRANC[top[0]];
  if (mapped) return mapped;
  const ours = ranked.find(([code]) => FROM_FRANC[code]);
  return ours && ours[1] >= NEAR_TOP ? FROM_FRANC[ours[0]]! : 'und';
}

function languageOfWindow(text: string): TextLanguage | null {
  return languageOfRanking(rankWindow(text));
}

export interface LanguageGuess {
  lang: TextLanguage;
  /** False when the text was too short to say: the caller may know better (a chunk's document). */
  confident: boolean;
}

/** The language of one text (a chunk, a page sample): franc-min for real text, function words for short text. */
export function guessLanguage(text: string): LanguageGuess {
  const letters = letterCount(text);
  if (letters < MIN_LETTERS_FOR_TRIGRAMS) {
    const lang = languageOfShortText(text);
    return { lang, confident: lang !== 'und' };
  }
  if (text.length <= WINDOW_CHARS) {
    const lang = languageOfWindow(text);
    return lang ? { lang, confident: true } : { lang: 'und', confident: false };
  }
  return guessByWindows(text);
}

/** Long text: windows spread over it vote, each weighted by its letters. */
function guessByWindows(text: string): LanguageGuess {
  const count = Math.min(MAX_WINDOWS, Math.ceil(text.length / WINDOW_CHARS));
  const stride = (text.length - WINDOW_CHARS) / Math.max(1, count - 1);
  const votes = new Map<TextLanguage, number>();
  for (let i = 0; i < count; i++) {
    const window = text.slice(Math.round(i * stride), Math.round(i * stride) + WINDOW_CHARS);
    const lang = languageOfWindow(window);
    if (lang) votes.set(lang, (votes.get(lang) ?? 0) + letterCount(window));
  }
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? { lang: best[0], confident: true } : { lang: 'und', confident: false };
}

/** A document's language from the text of its first pages (up to ~12,000 characters). */
export function detectDocumentLanguage(pageTexts: readonly string[]): TextLanguage {
  const sample = pageTexts.slice(0, 8).join('\n').slice(0, WINDOW_CHARS * MAX_WINDOWS);
  return guessLanguage(sample).lang;
}

/**
 * Portuguese and Spanish trigrams are close (a Portuguese passage can score 0.98 as Spanish), so
 * a chunk keeps its document's language unless that language is clearly behind.
 */
const KEEP_DOCUMENT_LANGUAGE = 0.9;

/** A chunk's language: its own when its text says so clearly, else its document's. */
export function detectChunkLanguage(text: string, documentLang: TextLanguage): TextLanguage {
  if (letterCount(text) < 200) return documentLang;
  const ranked = rankWindow(text);
  if (documentLang !== 'und') {
    const score = ranked.find(([code]) => code === TO_FRANC[documentLang])?.[1] ?? 0;
    if (score >= KEEP_DOCUMENT_LANGUAGE) return documentLang;
  }
  return languageOfRanking(ranked) ?? documentLang;
}
