import { QUESTION_MAX_CHARS, type Answer, type AnswerEvent, type ChatMessage, type Conversation, type JudgeReport } from '../../../preload/contract';
import { sourceLabel } from '../../engine/agents/sources';
import { type CliCommand, UsageError } from '../command';

function formatSources(a: Answer): string {
  if (a.sources.length === 0) return '';
  const pt = a.language === 'pt';
  const lines = a.sources.map((s) => `  [${s.n}] ${sourceLabel(s)}  (${s.filename})`);
  const title = a.kind === 'not-covered' ? (pt ? 'Material mais próximo' : 'Nearest material') : pt ? 'Fontes' : 'Sources';
  return `\n${title}:\n${lines.join('\n')}\n`;
}

/** `bsc ask --json` citations: what the answer quotes and the page(s) holding it (physical 1-based pages, printed labels). */
export function citationsOf(a: Answer): Array<Record<string, unknown>> {
  return a.sources.map((s) => ({
    n: s.n,
    documentId: s.documentId,
    filename: s.filename,
    title: s.title,
    excerpt: s.excerpt ?? s.quote,
    pageLabels: s.pageLabels ?? [s.pageLabel],
    pageStart: s.pageStart,
    pageEnd: s.pageEnd,
    label: sourceLabel(s),
    ...(s.ocr ? { ocr: true } : {}),
  }));
}

function formatJudge(j: JudgeReport | null, pt: boolean): string {
  if (!j) return '';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const unverified = j.claims.filter((c) => !c.supported).length;
  return (
    `\n${pt ? 'Juiz' : 'Judge'} (${j.method}${j.refined ? (pt ? ', após refinamento' : ', after refinement') : ''}): ${j.verdict.toUpperCase()}` +
    ` — ${pt ? 'completude' : 'completeness'} ${pct(j.completeness)}, ${pt ? 'fundamentação' : 'grounding'} ${pct(j.grounding)},` +
    ` ${pt ? 'citações' : 'citations'} ${pct(j.citationQuality)} (${pt ? 'limiar' : 'threshold'} ${pct(j.threshold)})` +
    `${unverified ? `; ${unverified} ${pt ? 'afirmações não verificadas' : 'unverified claims'}` : ''}\n  ${j.feedback}\n`
  );
}

/** After the streamed text: sources, judge, notes and what it cost. */
export function formatAnswerFooter(a: Answer): string {
  const pt = a.language === 'pt';
  const notes = a.retrieval.notes.map((n) => `  note: ${n}\n`).join('');
  const cost = a.usage.costUsd === null ? 'cost unknown' : `$${a.usage.costUsd.toFixed(4)}`;
  const meta = a.cached
    ? `  cached answer from ${a.cached.at}\n`
    : `  ${a.kind}, ${a.timings.total ?? 0} ms, ${a.usage.calls} model calls, ${a.usage.inputTokens}+${a.usage.outputTokens} tokens, ${cost}\n`;
  const failure = a.modelFailure ? `  the model did not answer (${a.modelFailure.reason}) — extractive answer instead\n` : '';
  const coverage = a.kind === 'not-covered' && a.coverage ? `  not covered: coverage ${a.coverage.score} below ${a.coverage.threshold}${a.coverage.missingTerms.length ? ` (missing: ${a.coverage.missingTerms.join(', ')})` : ''}\n` : '';
  return `${formatSources(a)}${formatJudge(a.judge, pt)}${failure}${coverage}${notes}${meta}  conversation ${a.conversationId}\n`;
}

export const chatCommands: CliCommand[] = [
  {
    name: 'ask',
    help: 'ask <question>                  answer from the library, streamed [--conversation ID]',
    options: { conversation: { type: 'string' } },
    async run(ctx) {
      const question = ctx.args.join(' ').trim();
      if (!question) throw new UsageError('ask needs a question');
      // Refused whole, never cut: the same limit and code as chat.ask.
      if (question.length > QUESTION_MAX_CHARS) {
        ctx.io.err(`error [BAD_INPUT]: The question is ${question.length} characters; the limit is ${QUESTION_MAX_CHARS}. Shorten it (nothing was cut).\n`);
        return 1;
      }
      const conversationId = ctx.options.conversation as string | undefined;

      // Events may arrive before chat.ask's reply names the answer: keep them until then.
      const early: AnswerEvent[] = [];
      let answerId: string | null = null;
      let settle: (result: { answer: Answer | null; error: AnswerEvent | null }) => void = () => {};
      const finished = new Promise<{ answer: Answer | null; error: AnswerEvent | null }>((r) => { settle = r; });
      const handle = (e: AnswerEvent) => {
        if (e.type === 'token' && !ctx.json) {
          if (e.restart) ctx.io.err('\n\n[refining the answer with the judge\'s feedback…]\n\n');
          ctx.io.out(e.text);
        } else if (e.type === 'stage' && e.state === 'started' && !ctx.json) {
          ctx.io.err(`  … ${e.stage}${e.perspective ? ` (${e.perspective})` : ''}\n`);
        } else if (e.type === 'done') settle({ answer: e.answer, error: null });
        else if (e.type === 'error') settle({ answer: e.partial, error: e });
      };
      const off = ctx.onEvent((name, payload) => {
        if (name !== 'onAnswer') return;
        const e = payload as AnswerEvent;
        if (answerId === null) early.push(e);
        else if (e.answerId === answerId) handle(e);
      });
      try {
        const ids = await ctx.call<{ conversationId: string; answerId: string }>('chat.ask', { question, ...(conversationId ? { conversationId } : {}) });
        answerId = ids.answerId;
        for (const e of early.splice(0)) if (e.answerId === answerId) handle(e);
        const { answer, error } = await finished;
        if (ctx.json) {
          // The stored answer, as the app keeps it.
          const stored = await ctx.call<{ conversation: Conversation; messages: ChatMessage[] }>('chat.conversation', { conversationId: ids.conversationId });
          const message = stored.messages.find((m) => m.id === ids.answerId);
          const shown = message?.answer ?? answer;
          ctx.io.out(`${JSON.stringify(shown ? { ...shown, citations: citationsOf(shown) } : null, null, 2)}\n`);
        } else {
          ctx.io.out('\n');
          if (answer) ctx.io.out(formatAnswerFooter(answer));
        }
        if (error?.type === 'error') ctx.io.err(`error [${error.error.code}]: ${error.error.message}\n`);
        return answer?.status === 'complete' ? 0 : 1;
      } finally {
        off();
      }
    },
  },
];
