import type { AnswerSource, JudgeReport, Perspective } from '../../../preload/contract';
import type { CitedSentence } from './citations';
import { contentTerms } from './citations';
import { coverageOf, poolTermStats, questionTerms, type QuestionTerm, type TermStats } from './evidence';
import type { AnswerLanguage } from './sections';

/** Share of a claim's content words that must appear in its cited excerpt for it to count as supported. */
const SUPPORT_SHARE = 0.6;
/** Share of a claim's rarity-weighted content that must be in its excerpt (reported on the plain scale). */
const WEIGHTED_SUPPORT = 0.8;
/** Share of the question's weighted content a claim (with the heading it sits under) must touch to count as answering it. */
const RELEVANCE_SHARE = 0.2;

/** Whether a source's page labels are where its excerpt really is; null when it cannot be told. */
export type PageCheck = (source: AnswerSource) => boolean | null;

export interface LexicalJudgeInput {
  question: string;
  claims: CitedSentence[];
  sources: AnswerSource[];
  /** The perspectives the answer was meant to cover. */
  perspectives: Perspective[];
  threshold: number;
  lang: AnswerLanguage;
  stats?: TermStats;
  checkPages?: PageCheck;
}

/** The Markdown heading a passage's excerpt sits under (what the quote is about), if any. */
function headingAbove(s: AnswerSource): string {
  const before = s.quote.slice(0, s.excerptStart ?? 0);
  const headings = before.match(/^\s{0,3}#{1,6}\s+.*$/gm);
  const first = s.quote.match(/^\s{0,3}#{1,6}\s+.*$/m)?.[0] ?? '';
  return headings?.[headings.length - 1] ?? first;
}

/** The text just before a citation's excerpt in its passage (up to one sentence). */
function sentenceBefore(s: AnswerSource): string {
  if (s.excerptStart === undefined || s.excerptStart === 0) return '';
  const before = s.quote.slice(Math.max(0, s.excerptStart - 240), s.excerptStart);
  const cut = before.search(/[.!?]\s+[^.!?]*[.!?]?\s*$/);
  return cut >= 0 ? before.slice(cut + 1) : before;
}

// "p. 12", "pp. 7–8", "página 3", "page iv": page numbers an answer sentence states itself.
const PAGE_MENTION = /(?<![\p{L}\p{N}])(?:pp?\.|p[áa]gs?\.|p[áa]ginas?|pages?)\s*(\d+|[ivxlcdm]+)(?:\s*[–-]\s*(\d+|[ivxlcdm]+))?(?![\p{L}\p{N}])/giu;

/** Pages a sentence names that none of its cited excerpts is on ("… (p. 9) [2]" when [2] is on p. 7). */
function wrongPageMentions(sentence: string, cited: AnswerSource[]): string[] {
  const labels = new Set(cited.flatMap((s) => (s.pageLabels ?? [s.pageLabel]).map((l) => l.toLowerCase())));
  const wrong: string[] = [];
  for (const m of sentence.matchAll(PAGE_MENTION)) for (const l of [m[1], m[2]]) if (l && !labels.has(l.toLowerCase())) wrong.push(l);
  return wrong;
}

interface ClaimVerdict {
  supported: boolean;
  relevant: boolean;
  pageCorrect?: boolean;
  reason: string;
  terms: Set<string>;
}

function idfOf(stem: string, stats: TermStats): number {
  const n = stats.chunks;
  const df = Math.min(stats.docFreq(stem), n);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function judgeClaim(c: CitedSentence, byN: Map<number, AnswerSource>, qTerms: QuestionTerm[], stats: TermStats, input: LexicalJudgeInput): ClaimVerdict {
  const pt = input.lang === 'pt';
  const cited = c.citations.map((n) => byN.get(n)).filter((s): s is AnswerSource => s !== undefined);
  const words = contentTerms(c.sentence);
  // What the claim is about includes the heading it sits under and the sentence just before its excerpt
  // ("Isso porque…" answers a "por que" question through the sentence it follows).
  const context = new Set([...words, ...cited.flatMap((s) => [...contentTerms(`${headingAbove(s)} ${sentenceBefore(s)}`)])]);
  const relevant = qTerms.length === 0 || coverageOf(context, qTerms) >= RELEVANCE_SHARE;
  if (c.citations.length === 0) return { supported: false, relevant, reason: pt ? 'Sem citação.' : 'No citation.', terms: words };
  if (cited.length < c.citations.length) return { supported: false, relevant, reason: pt ? 'Cita um trecho que não existe.' : 'Cites a passage that does not exist.', terms: words };
  const excerptTerms = new Set(cited.flatMap((s) => [...contentTerms(s.excerpt ?? s.quote)]));
  const found = [...words].filter((w) => excerptTerms.has(w)).length;
  // Plain share of the words, and share weighted by rarity: a claim may leave out common words,
  // not the rare ones that carry its facts (a name, a figure, the thing measured).
  const weight = (w: string) => idfOf(w, stats);
  const total = [...words].reduce((a, w) => a + weight(w), 0);
  const weighted = total === 0 ? 1 : [...words].filter((w) => excerptTerms.has(w)).reduce((a, w) => a + weight(w), 0) / total;
  const share = words.size === 0 ? 1 : Math.min(found / words.size, weighted / WEIGHTED_SUPPORT * SUPPORT_SHARE);
  const checks = cited.map((s) => input.checkPages?.(s) ?? null);
  const mentioned = wrongPageMentions(c.sentence, cited);
  const pageCorrect = checks.includes(false) || mentioned.length > 0 ? false : checks.includes(true) ? true : undefined;
  const pct = Math.round(share * 100);
  const problems: string[] = [];
  if (share < SUPPORT_SHARE) problems.push(pt ? `só ${pct}% das palavras de conteúdo estão no trecho citado` : `only ${pct}% of the content words are in the cited excerpt`);
  if (pageCorrect === false) {
    problems.push(mentioned.length
      ? (pt ? `a página ${mentioned.join(', ')} não é a do trecho citado` : `page ${mentioned.join(', ')} is not where the cited excerpt is`)
      : (pt ? 'o trecho citado não está na página indicada' : 'the cited excerpt is not on the page given'));
  }
  if (!relevant) problems.push(pt ? 'não trata do que a pergunta pede' : 'does not address what the question asks');
  const supported = problems.length === 0;
  const reason = supported
    ? (pt ? `${pct}% das palavras de conteúdo estão no trecho citado, na página indicada.` : `${pct}% of the content words are in the cited excerpt, on the page given.`)
    : `${problems.join('; ')}.`.replace(/^./, (x) => x.toUpperCase());
  return { supported, relevant, ...(pageCorrect === undefined ? {} : { pageCorrect }), reason, terms: context };
}

/**
 * The judge without a model. A claim passes when (1) most of its content words occur in the
 * excerpt it cites — the sentence shown, not the whole passage —, (2) that excerpt is on the page(s)
 * the citation gives, and any page the sentence names itself is one of them, and (3) it touches
 * what the question asks. Completeness is how much of the question's weighted content the
 * supported claims cover. So a copied but off-topic quote, a right quote on the wrong page, or a
 * sentence its excerpt does not say all fail.
 */
export function judgeLexically(input: LexicalJudgeInput): JudgeReport {
  const byN = new Map(input.sources.map((s) => [s.n, s]));
  const pt = input.lang === 'pt';
  const stats = input.stats ?? poolTermStats(input.sources.map((s) => s.quote));
  const qTerms = questionTerms(input.question, stats);
  const verdicts = input.claims.map((c) => judgeClaim(c, byN, qTerms, stats, input));
  const claims = input.claims.map((c, i) => {
    const v = verdicts[i]!;
    return { ...c, supported: v.supported, reason: v.reason, relevant: v.relevant, ...(v.pageCorrect === undefined ? {} : { pageCorrect: v.pageCorrect }) };
  });
  const supported = verdicts.filter((v) => v.supported);
  const grounding = claims.length ? supported.length / claims.length : 0;
  const citationQuality = claims.length
    ? claims.filter((c, i) => c.citations.length > 0 && c.citations.every((n) => byN.has(n)) && verdicts[i]!.pageCorrect !== false).length / claims.length
    : 0;
  const covered = new Set(supported.flatMap((v) => [...v.terms]));
  const completeness = qTerms.length === 0 ? (supported.length ? 1 : 0) : coverageOf(covered, qTerms);
  const scores = { completeness: round(completeness), grounding: round(grounding), citationQuality: round(citationQuality) };
  const verdict = passes(scores, input.threshold) ? 'pass' : 'fail';
  const unsupported = claims.length - supported.length;
  const missing = qTerms.filter((t) => !t.stems.some((s) => covered.has(s))).map((t) => t.word);
  const feedback = claims.length === 0
    ? (pt ? 'A resposta não tem afirmações citadas para verificar.' : 'The answer has no cited claims to check.')
    : (pt
      ? `Verificação lexical: ${supported.length} de ${claims.length} afirmações sustentadas pelo trecho citado na página indicada${unsupported ? `; ${unsupported} não verificadas` : ''}.`
      : `Lexical check: ${supported.length} of ${claims.length} claims supported by their cited excerpt on the page given${unsupported ? `; ${unsupported} unverified` : ''}.`) +
      (missing.length ? (pt ? ` Não cobre: ${missing.join(', ')}.` : ` Not covered: ${missing.join(', ')}.`) : '');
  return { method: 'lexical', verdict, ...scores, threshold: input.threshold, claims, feedback, refined: false };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Every score must reach the threshold. */
export function passes(scores: Pick<JudgeReport, 'completeness' | 'grounding' | 'citationQuality'>, threshold: number): boolean {
  return scores.completeness >= threshold && scores.grounding >= threshold && scores.citationQuality >= threshold;
}

/**
 * Marks the claims the judge could not verify: "(não verificado)" after the sentence where it is
 * found in the text, and a list at the end for those it cannot find verbatim.
 */
export function markUnverified(text: string, claims: JudgeReport['claims'], lang: AnswerLanguage): string {
  const mark = lang === 'pt' ? '(não verificado)' : '(unverified)';
  let out = text;
  const unplaced: string[] = [];
  for (const c of claims) {
    if (c.supported) continue;
    const at = out.indexOf(c.sentence);
    if (at >= 0 && !out.startsWith(` ${mark}`, at + c.sentence.length)) {
      out = `${out.slice(0, at + c.sentence.length)} ${mark}${out.slice(at + c.sentence.length)}`;
    } else if (at < 0) unplaced.push(c.sentence);
  }
  if (unplaced.length) {
    const title = lang === 'pt' ? 'Afirmações não verificadas pelo juiz' : 'Claims the judge could not verify';
    out += `\n\n**${title}:**\n${unplaced.map((s) => `- ${s}`).join('\n')}`;
  }
  return out;
}
