// One answer as it is written: the engine's onAnswer events folded into what the thread shows
// (stages, the router's choice, sources, the text so far, the judge), plus the question the
// user asked from this window. Pure: the store below decides when to fold.
import type { Answer, AnswerEvent, AnswerSource, BscErrorShape, JudgeReport, Perspective } from '../../../../preload/contract';

type RouterDecision = Answer['router'];
export type AnswerStage = Extract<AnswerEvent, { type: 'stage' }>['stage'];

export type StageStep = {
  stage: AnswerStage;
  perspective: Perspective | null;
  state: 'started' | 'finished';
  detail: string | null;
  ms: number | null;
};

/** What this window knows when `chat.ask` replies (events may already have arrived). */
export type AskedInput = { type: 'asked'; answerId: string; conversationId: string; userMessageId: string; question: string };
export type StreamInput = AnswerEvent | AskedInput;

export type AnswerStream = {
  answerId: string;
  conversationId: string;
  question: string | null;
  userMessageId: string | null;
  phase: 'running' | 'done' | 'failed';
  steps: StageStep[];
  router: RouterDecision | null;
  sources: AnswerSource[];
  text: string;
  /** How many times the text was restarted (a refinement round after the judge). */
  rounds: number;
  judge: JudgeReport | null;
  /** The finished answer, or what was kept of it after an error. */
  answer: Answer | null;
  error: BscErrorShape | null;
};

export function emptyStream(answerId: string, conversationId: string): AnswerStream {
  return { answerId, conversationId, question: null, userMessageId: null, phase: 'running', steps: [], router: null, sources: [], text: '', rounds: 0, judge: null, answer: null, error: null };
}

function upsertStep(steps: StageStep[], step: StageStep): StageStep[] {
  const i = steps.findIndex((s) => s.stage === step.stage && s.perspective === step.perspective);
  if (i < 0) return [...steps, step];
  const next = steps.slice();
  next[i] = step;
  return next;
}

export function applyAnswerEvent(prev: AnswerStream | null, e: StreamInput): AnswerStream {
  const s = prev ?? emptyStream(e.answerId, e.conversationId);
  if (e.type === 'asked') return { ...s, conversationId: e.conversationId, question: e.question, userMessageId: e.userMessageId };
  // After the end, stray events (a late token, a duplicate) change nothing.
  if (s.phase !== 'running') return s;
  switch (e.type) {
    case 'stage':
      return { ...s, steps: upsertStep(s.steps, { stage: e.stage, perspective: e.perspective ?? null, state: e.state, detail: e.detail ?? null, ms: e.ms ?? null }) };
    case 'router':
      return { ...s, router: e.router };
    case 'sources':
      return { ...s, sources: mergeSources(s.sources, e.sources) };
    case 'token':
      return e.restart ? { ...s, text: e.text, rounds: s.rounds + 1 } : { ...s, text: s.text + e.text };
    case 'judge':
      return { ...s, judge: e.judge };
    case 'done':
      return {
        ...s, phase: 'done', answer: e.answer, text: e.answer.text, sources: e.answer.sources,
        judge: e.answer.judge ?? s.judge, router: e.answer.router, question: s.question ?? e.answer.question,
      };
    case 'error':
      return {
        ...s, phase: 'failed', error: e.error, answer: e.partial,
        text: e.partial ? e.partial.text : s.text, sources: e.partial ? e.partial.sources : s.sources,
      };
  }
}

/** Sources arrive per specialist; a later list replaces an earlier source with the same number. */
function mergeSources(have: AnswerSource[], incoming: AnswerSource[]): AnswerSource[] {
  const byN = new Map(have.map((x) => [x.n, x]));
  for (const x of incoming) byN.set(x.n, x);
  return [...byN.values()].sort((a, b) => a.n - b.n);
}

/** The refinement round is under way: the text shown is being rewritten after the judge's feedback. */
export function isRefining(s: AnswerStream): boolean {
  if (s.phase !== 'running') return false;
  const refine = s.steps.find((x) => x.stage === 'refine');
  return s.rounds > 0 || refine?.state === 'started';
}

/**
 * Folds events into streams, at most once per frame: a long answer arrives as thousands of
 * tokens, and the view must redraw per frame, not per token. `schedule` is requestAnimationFrame
 * in the app and a manual trigger in tests.
 */
export function createAnswerStreamStore(schedule: (flush: () => void) => void) {
  let streams: ReadonlyMap<string, AnswerStream> = new Map();
  let queue: StreamInput[] = [];
  let scheduled = false;
  const listeners = new Set<() => void>();

  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    const next = new Map(streams);
    for (const e of batch) next.set(e.answerId, applyAnswerEvent(next.get(e.answerId) ?? null, e));
    streams = next;
    for (const l of listeners) l();
  };

  return {
    push(e: StreamInput) {
      queue.push(e);
      if (!scheduled) { scheduled = true; schedule(flush); }
    },
    /** Fold what is queued now (the ask's reply should not wait a frame to show the question). */
    flush,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    getSnapshot: () => streams,
  };
}
export type AnswerStreamStore = ReturnType<typeof createAnswerStreamStore>;
