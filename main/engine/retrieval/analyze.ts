import { createRequire } from 'node:module';

/**
 * Text analysis shared by the FTS5 index and its queries. The FTS column stores text already
 * folded, stopword-free and stemmed (the SQLite tokenizer is `unicode61 remove_diacritics 2`,
 * which then only splits on spaces), so index and query must go through the same functions here.
 */

/** The languages of questions, answers and perspective cues. */
export type AnalyzedLanguage = 'pt' | 'en';
export type DetectedLanguage = AnalyzedLanguage | 'other';
/** The languages the index stems (documents may be in any of them). */
export type StemLanguage = AnalyzedLanguage | 'es' | 'fr';
/** How a text is indexed: stemmed in its language, or 'other' (folded tokens, no stemming, no stop words). */
export type IndexLanguage = StemLanguage | 'other';

const STEM_LANGUAGES: readonly StemLanguage[] = ['pt', 'en', 'es', 'fr'];

export function isStemLanguage(lang: string | null | undefined): lang is StemLanguage {
  return (STEM_LANGUAGES as readonly string[]).includes(lang ?? '');
}

/** How text tagged `lang` (a document's or chunk's stored language; 'und' or null: unknown) is indexed. */
export function indexLanguageOf(lang: string | null | undefined): IndexLanguage {
  return isStemLanguage(lang) ? lang : 'other';
}

/**
 * The ways a query must be analysed to meet a library whose documents are tagged `stored`
 * (documents.lang values): each stemmed language once, plus plain tokens when some document's
 * language is unknown ('und'), since those were indexed unstemmed.
 */
export function queryLanguagesOf(stored: ReadonlyArray<string | null>): IndexLanguage[] {
  return [...new Set(stored.map(indexLanguageOf))];
}

interface SnowballStemmer {
  stem(word: string): string;
}
// snowball-stemmers is CommonJS without type declarations.
const snowball = createRequire(import.meta.url)('snowball-stemmers') as {
  newStemmer(algorithm: 'portuguese' | 'english' | 'spanish' | 'french'): SnowballStemmer;
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

// Snowball's Spanish and French stop lists, folded, without the rarer verb forms.
const ES_STOPWORDS = new Set(
  foldDiacritics(
    `de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí
    porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos
    uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto
    esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu
    tus ellas nosotras vosotros vosotras os mío mía míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas
    nuestro nuestra nuestros nuestras vuestro vuestra vuestros vuestras esos esas estoy estás está estamos
    están es son soy eres somos sois era eran fue fueron ha han he has hemos habéis había habían ser sea
    sean será serán sería cuál cuáles cómo dónde cuándo cuánto`,
  ).split(/\s+/),
);

const FR_STOPWORDS = new Set(
  foldDiacritics(
    `au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes moi
    mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
    votre vous c d j l à m n s t y été étée étées étés étant suis es est sommes êtes sont serai sera
    serons seront serais serait étais était étions étiez étaient fus fut furent sois soit soient fusse
    ai as avons avez ont aurai aura aurons auront aurais aurait avais avait avions aviez avaient eut
    eurent aie ait aient ceci cela celà cet cette ici ils les leurs quel quels quelle quelles sans soi
    comment où quand combien pourquoi`,
  ).split(/\s+/),
);

const STOPWORDS: Record<StemLanguage, ReadonlySet<string>> = { pt: PT_STOPWORDS, en: EN_STOPWORDS, es: ES_STOPWORDS, fr: FR_STOPWORDS };

export function isStopword(token: string, lang: StemLanguage): boolean {
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

// Words frequent in Spanish or French questions that are not Portuguese or English words once
// folded ("está" folds to the Portuguese "esta", so it is not here).
const ES_MARKERS = new Set(
  `el los las del y es son su sus lo muy pero cual cuales cuantos cuantas donde cuando como hay porque
  usted ustedes nuestro nuestra tiene tienen puedo puede debe deben cuanto`.split(/\s+/),
);
const FR_MARKERS = new Set(
  `le les des du et est sont une dans pour avec sur au aux ce ces qui quel quels quelle quelles comment
  pourquoi nous vous notre votre leur leurs entreprise objectifs indicateurs peut doit`.split(/\s+/),
);
// Words both a Spanish/French list and the Portuguese/English ones hold: evidence for neither side.
const SHARED_MARKERS = new Set([...ES_MARKERS, ...FR_MARKERS].filter((w) => PT_MARKERS.has(w) || EN_MARKERS.has(w)));

/**
 * A question's language among the four the index stems, for analysing it as the index did.
 * Spanish or French only when their own words outnumber Portuguese and English ones, so
 * Portuguese and English questions are judged exactly as by detectLanguage.
 */
export function detectQueryLanguage(text: string): IndexLanguage {
  const base = detectLanguage(text);
  const tokens = tokenize(text);
  let es = /ñ|¿|¡/i.test(text) ? 1.5 : 0;
  let fr = /[èêëùûœ]/i.test(text) ? 1 : 0;
  let pt = /[ãõç]/i.test(text) ? 1.5 : 0;
  let en = 0;
  for (const t of tokens) {
    if (ES_MARKERS.has(t) && !SHARED_MARKERS.has(t)) es++;
    if (FR_MARKERS.has(t) && !SHARED_MARKERS.has(t)) fr++;
    if (PT_MARKERS.has(t)) pt++;
    if (EN_MARKERS.has(t)) en++;
  }
  const ours = Math.max(pt, en);
  if (es > ours && es > fr) return 'es';
  if (fr > ours && fr > es) return 'fr';
  return base;
}

const stemmers: Record<StemLanguage, SnowballStemmer> = {
  pt: snowball.newStemmer('portuguese'),
  en: snowball.newStemmer('english'),
  es: snowball.newStemmer('spanish'),
  fr: snowball.newStemmer('french'),
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
const stemMemo: Record<StemLanguage, Map<string, string>> = { pt: new Map(), en: new Map(), es: new Map(), fr: new Map() };

/** Stems one folded token; the result is folded too, so it matches what the index stores. */
export function stemToken(token: string, lang: StemLanguage): string {
  const memo = stemMemo[lang];
  const known = memo.get(token);
  if (known !== undefined) return known;
  let stem: string;
  if (/^\p{N}+$/u.test(token)) stem = token;
  else if (lang === 'pt') stem = foldDiacritics(stemmers.pt.stem(restorePortugueseSuffix(token)));
  else if (lang === 'en') stem = stemmers.en.stem(token);
  // Spanish and French stem the folded token: index and query both fold first, so they still meet.
  else stem = foldDiacritics(stemmers[lang].stem(token));
  if (memo.size >= STEM_MEMO_LIMIT) memo.clear();
  memo.set(token, stem);
  return stem;
}

/** Folded, stopword-free, stemmed terms of a text in one language ('other': folded tokens, unstemmed). */
export function analyzeTerms(text: string, lang: IndexLanguage): string[] {
  const tokens = tokenize(text);
  if (lang === 'other') return tokens;
  const terms: string[] = [];
  for (const t of tokens) {
    if (!isStopword(t, lang)) terms.push(stemToken(t, lang));
  }
  return terms;
}

/** The text to store in the FTS5 column: the analysed terms joined by spaces. */
export function analyzeForIndex(text: string, lang: IndexLanguage): string {
  return analyzeTerms(text, lang).join(' ');
}

/**
 * An FTS5 MATCH expression for a user's question against a library in `langs`: each remaining
 * term analysed as in every library language, deduplicated, each one quoted (so no input can
 * inject FTS syntax such as NEAR, column filters or a stray quote), and ORed so BM25 ranks by
 * how many and how rare the shared terms are. Null when nothing searchable remains.
 * An empty `langs` means the library's language is unknown: plain folded tokens.
 */
export function ftsMatchQuery(question: string, langs: IndexLanguage[]): string | null {
  const terms = new Set<string>();
  // A library with no known language was indexed as plain folded tokens.
  for (const lang of langs.length > 0 ? langs : (['other'] as const)) {
    for (const term of analyzeTerms(question, lang)) terms.add(term);
  }
  if (terms.size === 0) return null;
  return [...terms].map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}
