// What the thread shows, in order: the stored messages of the conversation, then any answer
// still being written here (or finished but not yet re-read from the store). Stored and live
// answers are shaped alike, so one component draws both, online or offline.
import type { Answer, AnswerSource, BscErrorShape, ChatMessage, JudgeReport } from '../../../../preload/contract';
import { type AnswerStream, type StageStep, isRefining } from './answer-stream';

export type AnswerView = {
  key: string;
  answerId: string | null;
  status: 'running' | 'complete' | 'partial' | 'failed';
  refining: boolean;
  text: string;
  sources: AnswerSource[];
  sections: Answer['sections'];
  router: Answer['router'] | null;
  judge: JudgeReport | null;
  kind: Answer['kind'] | null;
  cached: Answer['cached'];
  error: BscErrorShape | null;
  /** Live stage progress; stored answers keep only their timings. */
  steps: StageStep[];
  answer: Answer | null;
};

export type ThreadItem = { kind: 'question'; key: string; text: string } | { kind: 'answer'; key: string; view: AnswerView };

const STAGES: readonly string[] = ['cache', 'condense', 'route', 'retrieve', 'abstain', 'specialist', 'synthesize', 'judge', 'refine'];
const PERSPECTIVES: readonly string[] = ['financial', 'customer', 'process', 'learning'];

/** A stored answer keeps per-stage timings ("route", "specialist:financial"…): shown as the finished steps they were. */
export function stepsFromTimings(timings: Record<string, number>): StageStep[] {
  const steps: StageStep[] = [];
  for (const [key, ms] of Object.entries(timings)) {
    const [stage, perspective] = key.split(':');
    if (!stage || !STAGES.includes(stage)) continue;
    if (stage === 'specialist' && !(perspective && PERSPECTIVES.includes(perspective))) continue;
    steps.push({ stage: stage as StageStep['stage'], perspective: (perspective ?? null) as StageStep['perspective'], state: 'finished', detail: null, ms });
  }
  return steps.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
}

export function viewOfAnswer(answer: Answer, key = answer.id): AnswerView {
  return {
    key, answerId: answer.id, status: answer.status, refining: false, text: answer.text, sources: answer.sources, sections: answer.sections,
    router: answer.router, judge: answer.judge, kind: answer.kind, cached: answer.cached, error: answer.error, steps: stepsFromTimings(answer.timings), answer,
  };
}

export function viewOfStream(s: AnswerStream): AnswerView {
  const base = s.answer ? viewOfAnswer(s.answer, s.answerId) : null;
  const status: AnswerView['status'] = s.phase === 'running' ? 'running' : s.phase === 'done' ? (s.answer?.status ?? 'complete') : s.answer ? 'partial' : 'failed';
  return {
    key: s.answerId,
    answerId: s.answerId,
    status,
    refining: isRefining(s),
    text: s.text,
    sources: s.sources,
    sections: base?.sections ?? [],
    router: s.router,
    judge: s.judge,
    kind: base?.kind ?? null,
    cached: base?.cached ?? null,
    error: s.error ?? base?.error ?? null,
    steps: s.steps.length > 0 ? s.steps : base?.steps ?? [],
    answer: s.answer,
  };
}

// A stored message's view is made once: while another answer streams, the thread is rebuilt every
// frame, and stored answers must keep their identity so their cards (and Markdown) are not redrawn.
const storedViews = new WeakMap<ChatMessage, AnswerView>();

function viewOfStoredMessage(m: ChatMessage): AnswerView {
  let v = storedViews.get(m);
  if (!v) { v = makeStoredView(m); storedViews.set(m, v); }
  return v;
}

function makeStoredView(m: ChatMessage): AnswerView {
  if (m.answer) {
    const v = viewOfAnswer(m.answer, m.id);
    // The message's status is authoritative: an answer cut short is stored as partial.
    return m.status === 'complete' ? v : { ...v, status: m.status };
  }
  return {
    key: m.id, answerId: null, status: m.status, refining: false, text: m.text, sources: [], sections: [], router: null,
    judge: null, kind: null, cached: null, error: null, steps: [], answer: null,
  };
}

export function threadItems(messages: readonly ChatMessage[], streams: Iterable<AnswerStream>, conversationId: string | null): ThreadItem[] {
  const live = new Map<string, AnswerStream>();
  for (const s of streams) if (conversationId !== null && s.conversationId === conversationId) live.set(s.answerId, s);
  const items: ThreadItem[] = [];
  const storedAnswers = new Set<string>();
  const storedIds = new Set(messages.map((m) => m.id));
  for (const m of messages) {
    if (m.role === 'user') { items.push({ kind: 'question', key: m.id, text: m.text }); continue; }
    // The engine stores a placeholder under the answer's id as soon as the question is asked.
    const id = m.answer?.id ?? m.id;
    storedAnswers.add(id);
    const stream = live.get(id);
    // Still being written, or finished but not yet re-read: show what the stream knows.
    const useStream = stream && (stream.phase === 'running' || !m.answer);
    items.push({ kind: 'answer', key: m.id, view: useStream ? { ...viewOfStream(stream), key: m.id } : viewOfStoredMessage(m) });
  }
  for (const s of live.values()) {
    if (storedAnswers.has(s.answerId)) continue;
    const question = s.question ?? s.answer?.question ?? null;
    if (question && !(s.userMessageId && storedIds.has(s.userMessageId))) items.push({ kind: 'question', key: `q-${s.answerId}`, text: question });
    items.push({ kind: 'answer', key: s.answerId, view: viewOfStream(s) });
  }
  return items;
}
