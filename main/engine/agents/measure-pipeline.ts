import type { Answer, AnswerEvent } from '../../../preload/contract';
import { BscError } from '../errors';
import type { ChatRuntime } from './chat-runtime';
import { answerQuestion, type PipelineDeps } from './pipeline';

/**
 * What `npm run bench` reports about one answer. With a stand-in model adding a fixed latency
 * per call:
 * - parallelRatio = the specialists phase's wall time ÷ the slowest single specialist (goal ≤ 1.3:
 *   they really run in parallel);
 * - engineToFirstTokenMs = time from the question to the first streamed token minus the time a
 *   model call was in flight before it (goal < 300 ms on the sample library);
 * - cached answers are measured by `measureCachedAnswer` (goal < 50 ms).
 */
export interface PipelineMeasures {
  wallMs: number;
  specialistsWallMs: number | null;
  slowestSpecialistMs: number | null;
  parallelRatio: number | null;
  firstTokenMs: number | null;
  engineToFirstTokenMs: number | null;
}

export function pipelineMeasures(answer: Answer): PipelineMeasures {
  const t = answer.timings;
  const specialists = Object.entries(t).filter(([k]) => k.startsWith('specialist:')).map(([, v]) => v);
  const slowest = specialists.length ? Math.max(...specialists) : null;
  const phase = t.specialists ?? null;
  return {
    wallMs: t.total ?? 0,
    specialistsWallMs: phase,
    slowestSpecialistMs: slowest,
    parallelRatio: phase !== null && slowest ? Math.round((phase / slowest) * 100) / 100 : null,
    firstTokenMs: t.firstToken ?? null,
    engineToFirstTokenMs: t.engineToFirstToken ?? null,
  };
}

/** Runs one answer through the pipeline (no storage, no cache) and measures it. */
export async function measurePipeline(deps: PipelineDeps, question: string): Promise<{ answer: Answer; measures: PipelineMeasures }> {
  const answer = await answerQuestion(
    deps,
    { conversationId: 'bench', answerId: 'bench', question, history: [] },
    { signal: new AbortController().signal, emit: () => {} },
  );
  if (answer.status !== 'complete') throw new BscError('INTERNAL', `The measured answer did not complete: ${answer.error?.message ?? answer.status}`);
  return { answer, measures: pipelineMeasures(answer) };
}

/**
 * Asks a question twice in a new conversation each time and returns how long the second (cached)
 * answer took from the ask to its `done`, as the UI would see it. `onEvent` is how the caller
 * observes the engine's onAnswer events (engine.onEvent).
 */
export async function measureCachedAnswer(
  runtime: ChatRuntime,
  question: string,
  onEvent: (listener: (e: AnswerEvent) => void) => () => void,
): Promise<{ cachedMs: number; answer: Answer }> {
  const first = await runtime.ask({ question }).finished;
  if (first?.status !== 'complete') throw new BscError('INTERNAL', 'The first answer did not complete, so nothing was cached.');
  const started = performance.now();
  let doneAt = 0;
  const off = onEvent((e) => {
    if (e.type === 'done' && doneAt === 0) doneAt = performance.now();
  });
  try {
    const answer = await runtime.ask({ question }).finished;
    if (!answer?.cached) throw new BscError('INTERNAL', 'The second answer was not served from the cache.');
    return { cachedMs: Math.round((doneAt || performance.now()) - started), answer };
  } finally {
    off();
  }
}
