import { foldDiacritics, isStopword, stemToken, tokenize } from '../retrieval/analyze';
import { contentTerms } from './citations';
import { displayQuote, passageUnits, type PassageUnit, type UnitKind } from './passage-units';
import type { Passage } from './sources';

/**
 * Evidence selection: which sentences (tables, lists) of the retrieved passages answer the
 * question, best first, de-duplicated. Every score is a share of the question's content, weighted
 * by how rare each word is in the library, so the numbers mean the same in any library.
 */

/** How many chunks of the library contain a term (any analysed form), and how many chunks there are. */
export interface TermStats {
  chunks: number;
  docFreq(stem: string): number;
}

/** One content word of the question, with its analysed forms in both languages and its weight. */
export interface QuestionTerm {
  word: string;
  stems: string[];
  weight: number;
}

// Words of asking and of the BSC's own frame that say nothing about what is asked.
const ASKING = new Set(
  `quais qual quanto quantos como porque por que oque explique explicar explica descreva descrever defina definir significa
  significam usar usa usam utilizar pode podem deve devem devo posso existe existem ha fazer faz exemplo exemplos
  what which how why explain describe define mean means meaning use used using should could would can does do
  give list liste cite tell show mostre montar monte construir construa criar crie elaborar elabore fazer faca
  build create make set up get main principal principais completo completa complete importante important melhor melhores
  best good bom boa tipo tipos type types forma formas way ways suit suits suited serve servem adequado adequados
  adequadas appropriate recommended recomendados recomendadas typical tipicos tipicas usual usuais medir mede medido
  calcular calcula calculado calculada measure measured calculate calculated compute computed funciona funcionam work
  works relaciona relacionam relate relates muda mudam change changes`.split(/\s+/).map((w) => foldDiacritics(w)),
);

const idf = (df: number, n: number) => Math.log(1 + (n - Math.min(df, n) + 0.5) / (Math.min(df, n) + 0.5));

/** The question's content words, weighted by their IDF in the library (unknown words weigh most). */
export function questionTerms(question: string, stats: TermStats): QuestionTerm[] {
  const out: QuestionTerm[] = [];
  const seen = new Set<string>();
  const specific = specificWords(question);
  for (const t of tokenize(question)) {
    if (t.length < 2 || isStopword(t, 'pt') || isStopword(t, 'en') || ASKING.has(t)) continue;
    const stems = [...new Set([stemToken(t, 'pt'), stemToken(t, 'en')])];
    const key = stems.join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    const df = Math.max(...stems.map((s) => stats.docFreq(s)));
    out.push({ word: t, stems, weight: df === 0 ? (specific.has(t) ? -2 : -1) : idf(df, stats.chunks) });
  }
  // A word the library never uses weighs as much as the rarest word it does use: enough that
  // "France" sinks "capital of France", not so much that one unusual verb sinks a whole question.
  // A name, acronym or number the library never uses ("Likert", "WACC", "2022") names something
  // specific it lacks, and weighs twice that.
  const rarest = Math.max(0, ...out.map((t) => t.weight));
  for (const t of out) if (t.weight < 0) t.weight = (rarest || 1) * -t.weight;
  return out;
}

/** Folded words written as names (capitalised after the first word), acronyms or numbers. */
function specificWords(question: string): Set<string> {
  const words = question.match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w, i) => (i > 0 && /^\p{Lu}/u.test(w)) || /^\p{Lu}{2,}s?$/u.test(w) || /^\d+$/.test(w)).map((w) => foldDiacritics(w.toLowerCase())));
}

/** Term statistics from the passages themselves, when the library's are not available (tests, fixtures). */
export function poolTermStats(texts: string[]): TermStats {
  const sets = texts.map((t) => contentTerms(t));
  return { chunks: Math.max(texts.length, 1), docFreq: (stem) => sets.filter((s) => s.has(stem)).length };
}

/** Share of the question's weight whose words occur in `terms`. */
export function coverageOf(terms: ReadonlySet<string>, question: QuestionTerm[]): number {
  const total = question.reduce((a, t) => a + t.weight, 0);
  if (total === 0) return 0;
  return question.reduce((a, t) => a + (t.stems.some((s) => terms.has(s)) ? t.weight : 0), 0) / total;
}

export interface Excerpt {
  passage: Passage;
  /** Rank of the passage in the search (0 = first). */
  rank: number;
  kind: UnitKind;
  /** [start, end) in passage.text. */
  start: number;
  end: number;
  /** Quote as shown (Markdown marks removed). */
  text: string;
  heading: string;
  /** Share of the question's content it covers (0..1). */
  coverage: number;
  score: number;
}

const LIST_QUESTION = /\b(?:quais|liste|listar|enumere|cite|which|list|name)\b.{0,60}\b(?:indicador\w*|medidas?|métricas?|metricas?|kpis?|objetivos?|exemplos?|iniciativas?|measures?|metrics?|indicators?|objectives?|examples?|initiatives?|elementos?|componentes?|etapas|passos|steps|components?)\b/i;
const DEFINITION_QUESTION = /^\s*(?:o\s+que\s+(?:é|e|são|sao|significa)|que\s+é|what\s+(?:is|are|does)|define|defina)(?=\s)/i;

export function isListQuestion(question: string): boolean {
  return LIST_QUESTION.test(question);
}

/** What a list question asks a list of, as folded prefixes a section heading would contain ("indicador", "measure"). */
export function listNounStems(question: string): string[] {
  const m = LIST_QUESTION.exec(question);
  if (!m) return [];
  const noun = /(indicador|medida|métrica|metrica|kpi|objetivo|exemplo|iniciativa|measure|metric|indicator|objective|example|initiative|elemento|componente|etapa|passo|step|component)/i.exec(m[0]);
  if (!noun) return [];
  const folded = foldDiacritics(noun[1]!.toLowerCase());
  const synonyms: Record<string, string[]> = { indicador: ['indicador', 'kpi', 'metrica'], metrica: ['metrica', 'indicador'], kpi: ['kpi', 'indicador'], measure: ['measure', 'metric', 'kpi', 'indicator'], metric: ['metric', 'measure', 'kpi'], indicator: ['indicator', 'measure', 'metric'] };
  return synonyms[folded] ?? [folded];
}

const QUOTABLE: ReadonlySet<UnitKind> = new Set(['sentence', 'table', 'list', 'fragment']);
const MAX_QUOTE = 480;
const LEAD_BONUS = 0.12;

interface Candidate extends Excerpt {
  terms: Set<string>;
}

/** Every quotable unit of the passages, scored against the question. */
function candidatesOf(passages: Passage[], question: string, qTerms: QuestionTerm[], lang: string): Candidate[] {
  const wantsList = isListQuestion(question);
  const definition = DEFINITION_QUESTION.test(question);
  const out: Candidate[] = [];
  // A list's own section heading must name something asked, and with the document's title cover most of it.
  const aboutIt = (heading: string, titleTerms: ReadonlySet<string>) => {
    const own = contentTerms(heading);
    return coverageOf(own, qTerms) > 0 && coverageOf(new Set([...own, ...titleTerms]), qTerms) >= 0.5;
  };
  passages.forEach((passage, rank) => {
    const units = passageUnits(passage.text, lang);
    const titleTerms = contentTerms(`${passage.title ?? ''} ${passage.headingPath.join(' ')}`);
    const rankScore = 1 / (1 + rank * 0.35);
    // A list question is answered by a list whose section is about what is asked.
    if (wantsList) {
      for (const u of units) if (u.kind === 'table') out.push(...matchingRows(passage, rank, u, qTerms, titleTerms));
      for (const l of itemListsOf(passage.text, units)) {
        const raw = passage.text.slice(l.start, l.end);
        const sectionHeading = l.heading || passage.headingPath[passage.headingPath.length - 1] || '';
        if (!aboutIt(sectionHeading, titleTerms)) continue;
        const context = coverageOf(new Set([...titleTerms, ...contentTerms(sectionHeading)]), qTerms);
        const text = l.items.map((i) => `- ${i}`).join('\n');
        out.push({ passage, rank, kind: 'list', start: l.start, end: l.end, text, heading: l.heading, coverage: context, score: 0.45 + 0.6 * context + 0.2 * rankScore, terms: contentTerms(raw) });
      }
    }
    units.forEach((u, i) => {
      if (!QUOTABLE.has(u.kind)) return;
      const span = extend(passage.text, units, i);
      const raw = passage.text.slice(span.start, span.end);
      const own = passage.text.slice(u.start, u.end);
      const terms = contentTerms(raw);
      const coverage = coverageOf(terms, qTerms);
      // The quote's own first sentence carries the score; what it reads on into adds a little.
      const ownCoverage = coverageOf(contentTerms(own), qTerms);
      const context = coverageOf(new Set([...terms, ...titleTerms, ...contentTerms(u.heading)]), qTerms);
      let score = 0.5 * ownCoverage + 0.1 * coverage + 0.2 * context + 0.2 * rankScore;
      if (wantsList && u.kind !== 'sentence' && aboutIt(u.heading, titleTerms)) score += 0.25;
      // "O mapa estratégico é…": the subject, then the verb that defines it, near the start.
      if (definition && u.kind !== 'table' && u.kind !== 'list' && ownCoverage >= 0.5 && /(?:^|\s)(?:é|são|is|are|means|significa|consiste|refers?|representa|represents)(?=\s)/i.test(own.slice(0, 90))) score += 0.15;
      if (u.kind === 'sentence' && own.length < 40) score -= 0.15;
      // A passage opening mid-sentence (chunk overlap) is quoted only when nothing whole says it better.
      if (u.kind === 'fragment') score -= 0.2;
      // Outside a list question a long list or table is rarely the answer; it only wins on its words.
      if (!wantsList && u.kind !== 'sentence') score -= 0.1;
      score += 0.1 * coverageOf(contentTerms(u.heading), qTerms);
      out.push({ passage, rank, kind: span.kind, start: span.start, end: span.end, text: displayQuote(raw, span.kind), heading: u.heading, coverage, score, terms });
    });
  });
  return out;
}

/**
 * The quote that starts at unit i: a sentence reads on with the next sentence(s) of its paragraph
 * when it is short, and a sentence ending in ":" takes the list or table it introduces.
 */
function extend(text: string, units: PassageUnit[], i: number): { start: number; end: number; kind: UnitKind } {
  const u = units[i]!;
  let end = u.end;
  let kind = u.kind;
  if (u.kind === 'fragment') kind = 'sentence';
  else if (u.kind !== 'sentence') return { start: u.start, end: Math.min(end, u.start + MAX_QUOTE * 3), kind };
  for (let j = i + 1; j < units.length; j++) {
    const next = units[j]!;
    const introduces = /:\s*$/.test(text.slice(u.start, end)) && (next.kind === 'list' || next.kind === 'table');
    if (introduces) {
      end = next.end;
      kind = next.kind;
      break;
    }
    if (next.kind !== 'sentence' || next.block !== u.block || end - u.start >= 160 || next.end - u.start > MAX_QUOTE) break;
    end = next.end;
  }
  return { start: u.start, end, kind };
}

interface ItemList {
  start: number;
  end: number;
  heading: string;
  items: string[];
}

const MAX_ITEMS = 12;

/** The name an item line gives ("- ROI: lucro ÷ investimento" → "ROI"), short enough for a list. */
function itemName(line: string): string {
  const bare = line.replace(/^\s*(?:[-*+•▪–]|\d{1,2}[.)])\s+/, '').replace(/[*`]+|__/g, '').trim();
  const cut = bare.search(/\s[—–-]\s|:\s|\.\s/);
  return (cut > 0 && cut <= 80 ? bare.slice(0, cut) : bare.length > 100 ? `${bare.slice(0, 97).trimEnd()}…` : bare).replace(/[.:;]$/, '');
}

/**
 * The lists a passage holds, per section: bulleted items, the rows of a table (first cell), and
 * runs of bold sub-headings ("**Margem EBITDA**" followed by its formula), each list a contiguous
 * span of the passage so it can be quoted and highlighted as one excerpt.
 */
export function itemListsOf(text: string, units: PassageUnit[]): ItemList[] {
  const lists = new Map<string, ItemList>();
  const add = (heading: string, start: number, end: number, name: string) => {
    if (!name) return;
    const l = lists.get(heading) ?? { start, end, heading, items: [] };
    if (l.items.length >= MAX_ITEMS) return;
    l.items.push(name);
    l.end = end;
    lists.set(heading, l);
  };
  let section = '';
  for (const u of units) {
    const raw = text.slice(u.start, u.end);
    if (u.kind === 'heading' && !raw.trimStart().startsWith('**')) section = u.heading;
    else if (u.kind === 'heading') add(section, u.start, u.end, itemName(raw));
    else if (u.kind === 'list') {
      let at = u.start;
      for (const line of raw.split('\n')) {
        add(section, at, at + line.length, itemName(line));
        at += line.length + 1;
      }
    } else if (u.kind === 'table') {
      let at = u.start;
      raw.split('\n').forEach((line, i) => {
        const cell = line.split('|').map((c) => c.trim()).filter(Boolean)[0] ?? '';
        if (i > 0 && !/^[-:\s]+$/.test(cell)) add(section, at, at + line.length, cell.replace(/[*`]+/g, ''));
        at += line.length + 1;
      });
    }
  }
  return [...lists.values()].filter((l) => l.items.length >= 3);
}

/**
 * The rows of a large table that concern the question (the "Customer" rows of a table of every
 * perspective's measures), as one contiguous run shown under the table's header: still a table.
 */
function matchingRows(passage: Passage, rank: number, u: PassageUnit, qTerms: QuestionTerm[], titleTerms: ReadonlySet<string>): Candidate[] {
  const raw = passage.text.slice(u.start, u.end);
  const lines = raw.split('\n');
  const headerLines = lines.length > 2 && /^[\s|:-]+$/.test(lines[1] ?? '') ? 2 : 1;
  if (lines.length - headerLines < 4) return [];
  const headerTerms = contentTerms(lines.slice(0, headerLines).join(' '));
  // Words of the question the header does not explain: "customer" in a Perspective | Measure table.
  const selective = qTerms.filter((t) => !t.stems.some((x) => headerTerms.has(x) || titleTerms.has(x)));
  if (selective.length === 0) return [];
  let at = u.start + lines.slice(0, headerLines).join('\n').length + 1;
  const hits: Array<{ start: number; end: number }> = [];
  for (const line of lines.slice(headerLines)) {
    const terms = contentTerms(line);
    if (selective.some((t) => t.stems.some((x) => terms.has(x)))) hits.push({ start: at, end: at + line.length });
    at += line.length + 1;
  }
  if (hits.length === 0 || hits.length === lines.length - headerLines) return [];
  // The first contiguous run of matching rows (tables are usually grouped by their first column).
  let last = 0;
  while (last + 1 < hits.length && hits[last + 1]!.start === hits[last]!.end + 1) last++;
  const start = hits[0]!.start;
  const end = hits[last]!.end;
  const rows = passage.text.slice(start, end);
  const text = [...lines.slice(0, headerLines), ...rows.split('\n')].map((l) => l.trim()).join('\n');
  const coverage = coverageOf(new Set([...contentTerms(rows), ...headerTerms, ...titleTerms, ...contentTerms(u.heading)]), qTerms);
  return [{ passage, rank, kind: 'table', start, end, text, heading: u.heading, coverage, score: 0.45 + 0.6 * coverage + 0.2 / (1 + rank * 0.35), terms: contentTerms(rows) }];
}

const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>) => {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
};

const sameSpot = (a: Candidate, b: Candidate) =>
  a.passage.chunkId === b.passage.chunkId ? a.start < b.end && b.start < a.end : a.passage.documentId === b.passage.documentId && (a.text.includes(b.text) || b.text.includes(a.text));

/**
 * The best quotes, best first, chosen by maximal marginal relevance (λ = 0.75) so a second quote
 * adds something the first did not say; overlapping and near-identical quotes (chunk overlap, a
 * passage repeated in two documents) are dropped; quotes far below the best are not shown.
 */
export function selectEvidence(input: { question: string; passages: Passage[]; stats: TermStats; lang: string; max: number }): { excerpts: Excerpt[]; terms: QuestionTerm[] } {
  const qTerms = questionTerms(input.question, input.stats);
  const pool = candidatesOf(input.passages, input.question, qTerms, input.lang).sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const best = pool[0]?.score ?? 0;
  while (chosen.length < input.max) {
    let pick: Candidate | null = null;
    let pickValue = -Infinity;
    for (const c of pool) {
      if (c.score < best * 0.55 || c.coverage === 0) continue;
      if (chosen.some((s) => sameSpot(s, c) || jaccard(s.terms, c.terms) > 0.6)) continue;
      const redundancy = chosen.reduce((m, s) => Math.max(m, jaccard(s.terms, c.terms)), 0);
      // The search's own first passage leads unless another passage says it clearly better.
      const lead = chosen.length === 0 && c.rank === 0 ? LEAD_BONUS : 0;
      const value = 0.75 * (c.score + lead) - 0.25 * redundancy;
      if (value > pickValue) {
        pickValue = value;
        pick = c;
      }
    }
    if (!pick) break;
    chosen.push(pick);
  }
  return { excerpts: chosen.map(({ terms: _t, ...e }) => e), terms: qTerms };
}

/** The best quote of one passage for the question (model answers cite whole passages; this is what is shown). */
export function bestExcerptOf(passage: Passage, question: string, stats: TermStats, lang: string): Excerpt | null {
  return selectEvidence({ question, passages: [passage], stats, lang, max: 1 }).excerpts[0] ?? null;
}
