import type { AnswerSource, Perspective } from '../../../preload/contract';
import type { CitedSentence } from './citations';
import { routeToPerspectives } from './route-lexical';
import { headingFor, type AnswerLanguage } from './sections';
import { sourceLabel } from './sources';
import type { UnitKind } from './passage-units';

/** A quote chosen for the answer, with the citation it becomes. */
export interface QuotedEvidence {
  source: AnswerSource;
  /** The quote as shown (Markdown marks removed; tables and lists keep their lines). */
  text: string;
  kind: UnitKind;
  /** The heading the quote sits under in its document ('' when none). */
  heading: string;
}

export interface ExtractiveAnswer {
  text: string;
  sections: Array<{ perspective: Perspective; heading: string; text: string }>;
  /** Each quote with the passage it cites, for the judge. */
  claims: CitedSentence[];
}

/**
 * The label atop an extractive answer: why there is no model-written text. "No language model
 * configured" only when none is; a configured model that failed is named with its reason.
 */
export function extractiveLabel(lang: AnswerLanguage, modelFailure: string | null): string {
  const pt = lang === 'pt';
  if (modelFailure) {
    return pt
      ? `_O modelo de linguagem não respondeu (${modelFailure}) — resposta extrativa: trechos da biblioteca citados com documento e página._`
      : `_The model did not answer (${modelFailure}) — extractive answer instead: passages from the library quoted with document and page._`;
  }
  return pt
    ? '_Resposta extrativa (nenhum modelo de linguagem configurado): trechos da biblioteca citados com documento e página, sem redação própria._'
    : '_Extractive answer (no language model configured): passages from the library quoted with document and page, not written by a model._';
}

/** The perspective a quote is about, from its own words and heading; null when none stands out. */
export function perspectiveOfQuote(q: Pick<QuotedEvidence, 'text' | 'heading'>): Perspective | null {
  const r = routeToPerspectives(`${q.heading}. ${q.text}`);
  const ranked = (Object.entries(r.scores) as Array<[Perspective, number]>).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] < 2 || (second && second[1] >= first[1])) return null;
  return first[0];
}

/**
 * The order quotes are shown in: the best first, then the groups (a perspective's quotes, or those
 * about none) in the order of their best quote. Citations are numbered in this order.
 */
export function displayOrder<T extends { source: Pick<AnswerSource, 'perspective'> }>(quotes: T[]): T[] {
  const [best, ...rest] = quotes;
  if (!best) return [];
  const groups = new Map<Perspective | null, T[]>();
  for (const q of rest) groups.set(q.source.perspective, [...(groups.get(q.source.perspective) ?? []), q]);
  return [best, ...[...groups.values()].flat()];
}

function blockquote(q: QuotedEvidence): string {
  return q.text.split('\n').map((l) => `> ${l}`).join('\n');
}

function quoteBlock(q: QuotedEvidence): string {
  const lead = q.heading ? `**${q.heading}**\n\n` : '';
  return `${lead}${blockquote(q)}\n\n— ${sourceLabel(q.source)} [${q.source.n}]`;
}

/**
 * The answer without a language model. The quote that best answers the question comes first;
 * the others follow, grouped under a perspective heading only when the quote is about that
 * perspective (its words say so), groups in the order of their best quote, so no heading ever
 * pushes the best evidence down. Quotes about no perspective in particular come under "Other passages".
 */
export function composeExtractiveAnswer(input: {
  quotes: QuotedEvidence[];
  lang: AnswerLanguage;
  /** Set when a configured model failed (its reason); null when none is configured. */
  modelFailure: string | null;
  /** A visible note under the label. */
  note?: string | null;
}): ExtractiveAnswer {
  const pt = input.lang === 'pt';
  const head = [extractiveLabel(input.lang, input.modelFailure), ...(input.note ? [`_${input.note}_`] : [])].join('\n\n');
  const claims: CitedSentence[] = input.quotes.map((q) => ({ sentence: q.text.replace(/\s+/g, ' ').trim(), citations: [q.source.n] }));
  if (input.quotes.length === 0) {
    const nothing = pt
      ? 'Não encontrei na biblioteca trechos que respondam a esta pergunta. Importe documentos sobre o tema ou reformule a pergunta.'
      : 'I found no passages in the library that answer this question. Import documents on the subject or rephrase the question.';
    return { text: `${head}\n\n${nothing}\n`, sections: [], claims };
  }
  const [best, ...rest] = input.quotes;
  const groups = new Map<Perspective | null, QuotedEvidence[]>();
  for (const q of rest) {
    const p = q.source.perspective;
    groups.set(p, [...(groups.get(p) ?? []), q]);
  }
  const parts = [`${pt ? '**Trecho que melhor responde**' : '**Best answering passage**'}\n\n${quoteBlock(best!)}`];
  for (const [p, quotes] of groups) {
    const heading = p ? headingFor(p, input.lang) : pt ? 'Outros trechos' : 'Other passages';
    parts.push(`## ${heading}\n\n${quotes.map(quoteBlock).join('\n\n')}`);
  }
  // Sections (for export and the per-perspective view) hold every quote about their perspective, the best one included.
  const sections: ExtractiveAnswer['sections'] = [];
  for (const q of input.quotes) {
    const p = q.source.perspective;
    if (!p) continue;
    const section = sections.find((x) => x.perspective === p);
    if (section) section.text += `\n\n${quoteBlock(q)}`;
    else sections.push({ perspective: p, heading: headingFor(p, input.lang), text: quoteBlock(q) });
  }
  return { text: `${head}\n\n${parts.join('\n\n')}\n`, sections, claims };
}

/** "Your library does not cover this", and the nearest material, shown as such rather than as an answer. */
export function composeNotCovered(input: { quotes: QuotedEvidence[]; missing: string[]; lang: AnswerLanguage }): string {
  const pt = input.lang === 'pt';
  const said = pt
    // The missing words are those the closest passage lacks, not words absent from every document: say exactly that.
    ? `**Sua biblioteca não cobre isto.** Nenhum trecho responde à pergunta como um todo${input.missing.length ? `; o mais próximo não menciona: ${input.missing.map((w) => `_${w}_`).join(', ')}` : ''}. Importe documentos sobre o tema ou reformule a pergunta.`
    : `**Your library does not cover this.** No passage answers the question as a whole${input.missing.length ? `; the closest one does not mention: ${input.missing.map((w) => `_${w}_`).join(', ')}` : ''}. Import documents on the subject or rephrase the question.`;
  if (input.quotes.length === 0) return `${said}\n`;
  const nearest = pt ? '### Material mais próximo (não é uma resposta)' : '### Nearest material (not an answer)';
  return `${said}\n\n${nearest}\n\n${input.quotes.map(quoteBlock).join('\n\n')}\n`;
}
