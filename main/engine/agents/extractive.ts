import type { AnswerSource, Perspective } from '../../../preload/contract';
import { contentTerms, surfaceWordsMatching, type CitedSentence } from './citations';
import { headingFor, type AnswerLanguage } from './sections';
import { bestExcerpt, sourceLabel } from './sources';

export interface ExtractiveAnswer {
  text: string;
  sections: Array<{ perspective: Perspective; heading: string; text: string }>;
  /** Each quote with the passage it cites, for the lexical judge. */
  claims: CitedSentence[];
}

/**
 * The answer without a language model: per perspective, its best passages quoted with document
 * and page, each under a one-line lead saying what it shows. Labelled as extractive at the top,
 * with the reason (no model configured, or the provider unreachable).
 */
export function composeExtractiveAnswer(input: {
  question: string;
  perspectives: Perspective[];
  sources: AnswerSource[];
  lang: AnswerLanguage;
  /** A visible note under the label, e.g. that the provider did not answer. */
  note?: string | null;
}): ExtractiveAnswer {
  const pt = input.lang === 'pt';
  const label = pt
    ? '_Resposta extrativa (sem modelo de linguagem): trechos da biblioteca citados com documento e página, sem redação própria._'
    : '_Extractive answer (no language model): passages from the library quoted with document and page, not written by a model._';
  const head = [label, ...(input.note ? [`_${input.note}_`] : [])].join('\n\n');
  const questionTerms = contentTerms(input.question);
  const claims: CitedSentence[] = [];
  const sections = input.perspectives.map((perspective) => {
    const heading = headingFor(perspective, input.lang);
    const mine = input.sources.filter((s) => s.perspective === perspective);
    const blocks = mine.map((s) => {
      const quote = bestExcerpt(s.quote, input.question);
      claims.push({ sentence: quote, citations: [s.n] });
      return `${leadFor(s, quote, questionTerms, input.lang)}\n\n> ${quote}\n\n— ${sourceLabel(s)} [${s.n}]`;
    });
    const text = blocks.length
      ? blocks.join('\n\n')
      : pt
        ? '_Nenhum trecho da biblioteca trata desta perspectiva para esta pergunta._'
        : '_No passage in the library covers this perspective for this question._';
    return { perspective, heading, text };
  });
  const nothing = input.sources.length === 0
    ? `\n\n${pt ? 'Não encontrei na biblioteca trechos que respondam a esta pergunta. Importe documentos sobre o tema ou reformule a pergunta.' : 'I found no passages in the library that answer this question. Import documents on the subject or rephrase the question.'}`
    : '';
  const body = sections.map((s) => `## ${s.heading}\n\n${s.text}`).join('\n\n');
  return { text: `${head}${nothing}\n\n${body}\n`, sections, claims };
}

/** "**Heading of the passage** — key terms: custo, margem": what the quote shows, in one line. */
function leadFor(s: AnswerSource, quote: string, questionTerms: ReadonlySet<string>, lang: AnswerLanguage): string {
  const firstLine = s.quote.split('\n').find((l) => /^\s{0,3}#{1,6}\s/.test(l));
  const topic = firstLine ? firstLine.replace(/^\s*#+\s*/, '').replace(/[*`]+/g, '').trim() : firstWords(quote, 8);
  const terms = surfaceWordsMatching(quote, questionTerms, 4);
  const said = lang === 'pt' ? 'termos da pergunta' : 'question terms';
  return `**${topic}**${terms.length ? ` — ${said}: ${terms.join(', ')}` : ''}`;
}

function firstWords(text: string, n: number): string {
  const words = text.split(/\s+/);
  return words.length <= n ? text.replace(/[.;:]$/, '') : `${words.slice(0, n).join(' ')}…`;
}
