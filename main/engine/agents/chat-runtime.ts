import { randomUUID } from 'node:crypto';
import type { Answer, AnswerEvent, Perspective } from '../../../preload/contract';
import { conversationsOf, titleFromQuestion } from '../db/conversations';
import type { DatabaseService } from '../db/database-service';
import { errorShape } from '../dispatch';
import { BscError } from '../errors';
import type { EventBus } from '../observability/event-bus';
import type { Logger } from '../observability/log';
import type { ChatTuning } from '../llm/stream-with-retries';
import { answerCacheKey } from './answer-cache';
import { answerQuestion, type PipelineDeps } from './pipeline';
import { type AnswerDepsSources, pipelineDepsFor } from './pipeline-deps';

const HISTORY_TURNS = 3;

export interface AskInput {
  question: string;
  conversationId?: string;
  perspectives?: Perspective[];
}

export interface AskReceipt {
  conversationId: string;
  answerId: string;
  userMessageId: string;
  /** Settles once the answer is stored and its `done`/`error` event sent; never rejects. */
  finished: Promise<Answer | null>;
}

export interface ChatRuntime {
  ask(input: AskInput): AskReceipt;
  cancel(answerId: string): boolean;
  /** Answers still being written. */
  running(): string[];
  close(): void;
}

export interface ChatRuntimeOptions {
  chatTuning?: ChatTuning;
  /** Tests and benches swap the engine's models or search for their own. */
  depsFor?: () => PipelineDeps;
}

/** What answering reads and writes: conversations in the database, settings, the library's version, events. */
export interface ChatRuntimeDeps extends AnswerDepsSources {
  database: DatabaseService;
  corpusVersion: () => number;
  events: EventBus;
  log: Logger;
}

/**
 * Answers questions over one engine: stores the question at once, runs the pipeline in the
 * background (one AbortController per answer, so `cancel` stops its provider requests too),
 * answers repeated questions from the cache, and stores every answer with its status.
 */
export function createChatRuntime(deps: ChatRuntimeDeps, opts: ChatRuntimeOptions = {}): ChatRuntime {
  const running = new Map<string, AbortController>();
  const send = (payload: AnswerEvent) => deps.events.send({ name: 'onAnswer', payload });
  const depsFor = opts.depsFor ?? (() => pipelineDepsFor(deps, { chatTuning: opts.chatTuning }));
  const conversations = () => conversationsOf(deps.database.get());

  // A library change makes every cached answer stale: drop them now rather than on the next lookup.
  const stopWatching = deps.events.onEvent((event) => {
    if (event.name !== 'onLibraryChanged') return;
    try {
      conversations().pruneAnswerCache(event.payload.corpusVersion);
    } catch (err) {
      deps.log.warn('answer cache prune failed', { error: err instanceof Error ? err.message : String(err) });
    }
  });

  async function run(input: AskInput, conversationId: string, answerId: string, controller: AbortController): Promise<Answer | null> {
    const ids = { answerId, conversationId };
    // Let the caller's reply (with these ids) go out before the first event about them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = performance.now();
    try {
      const repo = conversations();
      const settings = deps.settings();
      const history = repo.recentTurns(conversationId, HISTORY_TURNS, answerId);
      const corpusVersion = deps.corpusVersion();
      const key = answerCacheKey({ question: input.question, corpusVersion, settings, history, perspectives: input.perspectives });

      send({ type: 'stage', ...ids, stage: 'cache', state: 'started' });
      const hit = repo.cachedAnswer(key, corpusVersion);
      const lookupMs = Math.round(performance.now() - started);
      send({ type: 'stage', ...ids, stage: 'cache', state: 'finished', ms: lookupMs, detail: hit ? 'hit' : 'miss' });
      if (hit) return replayCached({ send, save: (a) => repo.saveAnswer(a) }, hit.answer, hit.at, input.question, ids, started);

      const answer = await answerQuestion(depsFor(), { ...ids, question: input.question, history, perspectives: input.perspectives }, { signal: controller.signal, emit: send });
      answer.timings.cache = lookupMs;
      repo.saveAnswer(answer);
      // An extractive answer given because the configured provider failed is not what these settings should answer later.
      const degraded = answer.kind === 'extractive' && settings.chat.provider !== 'none';
      if (answer.status === 'complete' && !degraded && !answer.router.needsClarification) repo.cacheAnswer(key, corpusVersion, answer);
      if (answer.status === 'complete') send({ type: 'done', ...ids, answer });
      else send({ type: 'error', ...ids, error: answer.error ?? { code: 'INTERNAL', message: 'The answer did not finish.' }, partial: answer });
      return answer;
    } catch (err) {
      // The database went away (restore, disk) or a bug: say so; the placeholder stays 'partial'.
      deps.log.error('answer failed', { answerId, error: err instanceof Error ? err.message : String(err) });
      send({ type: 'error', ...ids, error: errorShape(err), partial: null });
      return null;
    } finally {
      running.delete(answerId);
    }
  }

  return {
    ask(input) {
      const repo = conversations();
      let conversationId = input.conversationId;
      if (conversationId) {
        if (!repo.get(conversationId)) throw new BscError('NOT_FOUND', 'That conversation no longer exists.');
      } else {
        conversationId = repo.create(titleFromQuestion(input.question)).id;
      }
      const answerId = randomUUID();
      const { userMessageId } = repo.addQuestion(conversationId, input.question, answerId);
      const controller = new AbortController();
      running.set(answerId, controller);
      const finished = run(input, conversationId, answerId, controller);
      return { conversationId, answerId, userMessageId, finished };
    },
    cancel(answerId) {
      const controller = running.get(answerId);
      if (!controller) return false;
      controller.abort(new BscError('CANCELLED', 'Cancelled.'));
      return true;
    },
    running: () => [...running.keys()],
    close() {
      stopWatching();
      for (const c of running.values()) c.abort(new BscError('CANCELLED', 'The app is closing.'));
    },
  };
}

/** A cached answer, replayed as events and stored as this conversation's new answer (no provider called). */
function replayCached(
  io: { send: (payload: AnswerEvent) => void; save: (answer: Answer) => void },
  cached: Answer, at: string, question: string, ids: { answerId: string; conversationId: string }, started: number,
): Answer {
  const ms = Math.round(performance.now() - started);
  const answer: Answer = {
    ...cached,
    ...{ id: ids.answerId, conversationId: ids.conversationId },
    question,
    status: 'complete',
    error: null,
    cached: { at },
    timings: { cache: ms, firstToken: ms, total: ms },
    usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0 },
    createdAt: new Date().toISOString(),
  };
  io.send({ type: 'router', ...ids, router: answer.router });
  io.send({ type: 'sources', ...ids, sources: answer.sources });
  io.send({ type: 'token', ...ids, text: answer.text });
  if (answer.judge) io.send({ type: 'judge', ...ids, judge: answer.judge });
  io.save(answer);
  io.send({ type: 'done', ...ids, answer });
  return answer;
}
