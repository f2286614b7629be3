import type { AnswerSource, JudgeReport, Perspective } from '../../../preload/contract';
import type { CitedSentence } from './citations';
import { contentTerms } from './citations';
import type { AnswerLanguage } from './sections';

/** Share of a claim's content words that must appear in its cited passages for it to count as supported. */
const SUPPORT_SHARE = 0.6;

export interface LexicalJudgeInput {
  claims: CitedSentence[];
  sources: AnswerSource[];
  /** The perspectives the answer was meant to cover. */
  perspectives: Perspective[];
  threshold: number;
  lang: AnswerLanguage;
}

/**
 * A grounding check without a model: a claim is supported when most of its content words (stemmed,
 * in Portuguese and English) occur in the passages it cites. Completeness is the share of the
 * routed perspectives with at least one supported claim.
 */
export function judgeLexically(input: LexicalJudgeInput): JudgeReport {
  const byN = new Map(input.sources.map((s) => [s.n, s]));
  const pt = input.lang === 'pt';
  const claims = input.claims.map((c) => {
    const cited = c.citations.map((n) => byN.get(n)).filter((s): s is AnswerSource => s !== undefined);
    if (c.citations.length === 0) return { ...c, supported: false, reason: pt ? 'Sem citação.' : 'No citation.' };
    if (cited.length < c.citations.length) return { ...c, supported: false, reason: pt ? 'Cita um trecho que não existe.' : 'Cites a passage that does not exist.' };
    const words = contentTerms(c.sentence);
    const passageTerms = new Set(cited.flatMap((s) => [...contentTerms(s.quote)]));
    const found = [...words].filter((w) => passageTerms.has(w)).length;
    const share = words.size === 0 ? 1 : found / words.size;
    const supported = share >= SUPPORT_SHARE;
    const pct = Math.round(share * 100);
    return {
      ...c,
      supported,
      reason: pt ? `${pct}% das palavras de conteúdo estão no trecho citado.` : `${pct}% of the content words are in the cited passage.`,
    };
  });
  const supported = claims.filter((c) => c.supported);
  const grounding = claims.length ? supported.length / claims.length : 0;
  const citationQuality = claims.length
    ? claims.filter((c) => c.citations.length > 0 && c.citations.every((n) => byN.has(n))).length / claims.length
    : 0;
  const covered = new Set(supported.flatMap((c) => c.citations.map((n) => byN.get(n)?.perspective ?? null)));
  const completeness = input.perspectives.length ? input.perspectives.filter((p) => covered.has(p)).length / input.perspectives.length : 0;
  const scores = { completeness: round(completeness), grounding: round(grounding), citationQuality: round(citationQuality) };
  const verdict = passes(scores, input.threshold) ? 'pass' : 'fail';
  const unsupported = claims.length - supported.length;
  const feedback = claims.length === 0
    ? (pt ? 'A resposta não tem afirmações citadas para verificar.' : 'The answer has no cited claims to check.')
    : pt
      ? `Verificação lexical: ${supported.length} de ${claims.length} afirmações encontradas nos trechos citados${unsupported ? `; ${unsupported} não verificadas` : ''}.`
      : `Lexical check: ${supported.length} of ${claims.length} claims found in their cited passages${unsupported ? `; ${unsupported} unverified` : ''}.`;
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
