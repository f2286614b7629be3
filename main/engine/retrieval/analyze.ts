import { createRequire } from 'node:module';

/**
 * Text analysis shared by the FTS5 index and its queries. The FTS column stores text already
 * folded, stopword-free and stemmed (the SQLite tokenizer is `unicode61 remove_diacritics 2`,
 * which then only splits on spaces), so index and query must go through the same functions here.
 */

export type AnalyzedLanguage = 'pt' | 'en';
export type DetectedLanguage = AnalyzedLanguage | 'other';

interface SnowballStemmer {
  stem(word: string): string;
}
// snowball-stemmers is CommonJS without type declarations.
const snowball = createRequire(import.meta.url)('snowball-stemmers') as {
  newStemmer(algorithm: 'portuguese' | 'english'): SnowballStemmer;
};

/** Lowercase and strip combining marks after NFKD: "Relatório" → "relatorio", "ﬁ" → "fi". */
export function foldDiacritics(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Folded word and number tokens ("ROI de 12% em 2024" → roi, de, 12, em, 2024). */
export function tokenize(text: string): string[] {
  return foldDiacritics(text).match(TOKEN) ?? [];
}

// Snowball stop lists (folded), trimmed of words that carry meaning in our domain questions
// (e.g. English "against", "over" stay; Portuguese "mais"/"muito" stay out of the index).
const PT_STOPWORDS = new Set(
  foldDiacritics(
    `a à ao aos aquela aquelas aquele aqueles aquilo as às até com como da das de dela delas dele deles
    depois do dos e é ela elas ele eles em entre era eram éramos essa essas esse esses esta está estão
    estas estava estavam estávamos este esteja estejam estejamos estes esteve estive estivemos estiver
    estivera estiveram estivéramos estiverem estivermos estivesse estivessem estivéssemos estou eu foi
    fomos for fora foram fôramos forem formos fosse fossem fôssemos fui há haja hajam hajamos hão
    havemos hei houve houvemos houver houvera houverá houveram houvéramos houverão houverei houverem
    houveremos houveria houveriam houveríamos houvermos houvesse houvessem houvéssemos isso isto já
    lhe lhes mais mas me mesmo meu meus minha minhas muito na não nas nem no nos nós nossa nossas
    nosso nossos num numa o os ou para pela pelas pelo pelos por qual quando que quem são se seja
    sejam sejamos sem ser será serão serei seremos seria seriam seríamos seu seus só somos sou sua
    suas também te tem tém temos tenha tenham tenhamos tenho terá terão terei teremos teria teriam
    teríamos teu teus teve tinha tinham tínhamos tive tivemos tiver tivera tiveram tivéramos tiverem
    tivermos tivesse tivessem tivéssemos tu tua tuas um uma umas uns você vocês vos
    pode podem ou onde sobre cada qual quais quanto quantos quanta quantas`,
  ).split(/\s+/),
);

const EN_STOPWORDS = new Set(
  `a about above after again all am an and any are as at be because been before being below between
  both but by can could did do does doing down during each few for from further had has have having
  he her here hers herself him himself his how i if in into is it its itself just me more most my
  myself no nor not now of off on once only or other our ours ourselves out own same she should so
  some such than that the their theirs them themselves then there these they this those through to
  too under until up very was we were what when where which while who whom why will with would you
  your yours yourself yourselves`.split(/\s+/),
);

const STOPWORDS: Record<AnalyzedLanguage, ReadonlySet<string>> = { pt: PT_STOPWORDS, en: EN_STOPWORDS };

export function isStopword(token: string, lang: AnalyzedLanguage): boolean {
  return STOPWORDS[lang].has(token);
}

// Words that are common in one language and rare in the other; shared ones ("a", "no", "as")
// would blur short questions.
const PT_MARKERS = new Set(
  `o os da das do dos de em na nas no nos um uma para pelo pela que qual quais como e com nao sao por entre
  sobre sua seu suas seus ao aos isso este esta esse essa quando onde mais muito tudo voce nosso nossa meu minha
  ajuda explique fale diga porque`.split(/\s+/),
);
const EN_MARKERS = new Set(
  `the of and to is are was were what which how why who when where does do with for this that these those from
  by an be it its our their your can should would could will have has i you we my more about please tell show
  give explain help there`.split(/\s+/),
);

/**
 * Guesses Portuguese or English from function words; Portuguese-only letters (ã, õ, ç) settle ties.
 * Returns 'other' when neither has any evidence, e.g. a bare acronym.
 */
export function detectLanguage(text: string): DetectedLanguage {
  const tokens = tokenize(text);
  let pt = /[ãõç]/i.test(text) ? 1.5 : 0;
  let en = 0;
  for (const t of tokens) {
    if (PT_MARKERS.has(t)) pt++;
    if (EN_MARKERS.has(t)) en++;
  }
  if (pt === 0 && en === 0) return 'other';
  return pt >= en ? 'pt' : 'en';
}

const stemmers: Record<AnalyzedLanguage, SnowballStemmer> = {
  pt: snowball.newStemmer('portuguese'),
  en: snowball.newStemmer('english'),
};

// The Portuguese stemmer keys on accented suffixes (-ção, -ência, -ável). Folded text has lost
// them, so "satisfacao" and "satisfação" would stem apart. Restoring the standard spelling of
// these unambiguous suffixes first makes accented and unaccented input meet on one stem.
const PT_SUFFIX_ACCENTS: Array<[RegExp, string]> = [
  [/coes$/, 'ções'],
  [/cao$/, 'ção'],
  [/oes$/, 'ões'],
  [/ao$/, 'ão'],
  [/encias?$/, 'ência'],
  [/ancias?$/, 'ância'],
  [/aveis$/, 'áveis'],
  [/avel$/, 'ável'],
  [/iveis$/, 'íveis'],
  [/ivel$/, 'ível'],
];

function restorePortugueseSuffix(token: string): string {
  if (token.length < 5) return token;
  for (const [pattern, accented] of PT_SUFFIX_ACCENTS) {
    if (pattern.test(token)) return token.replace(pattern, accented);
  }
  return token;
}

// Snowball stemming dominates indexing time and a library repeats its words endlessly:
// remember recent stems (bounded, cleared when full).
const STEM_MEMO_LIMIT = 200_000;
const stemMemo: Record<AnalyzedLanguage, Map<string, string>> = { pt: new Map(), en: new Map() };

/** Stems one folded token; the result is folded too, so it matches what the index stores. */
export function stemToken(token: string, lang: AnalyzedLanguage): string {
  const memo = stemMemo[lang];
  const known = memo.get(token);
  if (known !== undefined) return known;
  let stem: string;
  if (/^\p{N}+$/u.test(token)) stem = token;
  else if (lang === 'pt') stem = foldDiacritics(stemmers.pt.stem(restorePortugueseSuffix(token)));
  else stem = stemmers.en.stem(token);
  if (memo.size >= STEM_MEMO_LIMIT) memo.clear();
  memo.set(token, stem);
  return stem;
}

/** Folded, stopword-free, stemmed terms of a text in one language ('other': folded tokens). */
export function analyzeTerms(text: string, lang: DetectedLanguage): string[] {
  const tokens = tokenize(text);
  if (lang === 'other') return tokens;
  const terms: string[] = [];
  for (const t of tokens) {
    if (!isStopword(t, lang)) terms.push(stemToken(t, lang));
  }
  return terms;
}

/** The text to store in the FTS5 column: the analysed terms joined by spaces. */
export function analyzeForIndex(text: string, lang: DetectedLanguage): string {
  return analyzeTerms(text, lang).join(' ');
}

/**
 * An FTS5 MATCH expression for a user's question against a library in `langs`: each remaining
 * term analysed as in every library language, deduplicated, each one quoted (so no input can
 * inject FTS syntax such as NEAR, column filters or a stray quote), and ORed so BM25 ranks by
 * how many and how rare the shared terms are. Null when nothing searchable remains.
 * An empty `langs` means the library's language is unknown: plain folded tokens.
 */
export function ftsMatchQuery(question: string, langs: AnalyzedLanguage[]): string | null {
  const terms = new Set<string>();
  // A library with no known language was indexed as plain folded tokens.
  for (const lang of langs.length > 0 ? langs : (['other'] as const)) {
    for (const term of analyzeTerms(question, lang)) terms.add(term);
  }
  if (terms.size === 0) return null;
  return [...terms].map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}
