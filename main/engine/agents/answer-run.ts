import type { Answer, AnswerEvent, Perspective } from '../../../preload/contract';
import { BscError } from '../errors';
import { completeChat, type ChatMessage, type ChatModel, type ChatOptions, type TokenUsage } from '../llm/chat-model';
import { estimateCostUsd } from '../llm/prices';
import { detectLanguage } from '../retrieval/analyze';
import { poolTermStats, type TermStats } from './evidence';
import type { AnswerHooks, AnswerRequest, PipelineDeps, PipelineModels } from './pipeline-types';
import type { AnswerLanguage } from './sections';
import { excerptPager } from './sources';

export type Stage = Extract<AnswerEvent, { type: 'stage' }>['stage'];
type Role = 'router' | 'specialist' | 'synthesizer' | 'judge';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function answerLanguage(question: string): AnswerLanguage {
  return detectLanguage(question) === 'en' ? 'en' : 'pt';
}

export function isProviderFailure(err: unknown): err is BscError {
  return err instanceof BscError && ['PROVIDER_UNAVAILABLE', 'PROVIDER_RATE_LIMITED', 'PROVIDER_AUTH', 'BAD_INPUT'].includes(err.code);
}

/**
 * One answer being written: the answer so far, its events, its timings and model usage, and the
 * one wrapper every stage runs through (stage events, timing). Stages receive it and nothing else.
 */
export interface AnswerRun {
  readonly deps: PipelineDeps;
  readonly req: AnswerRequest;
  readonly signal: AbortSignal;
  readonly answer: Answer;
  readonly lang: AnswerLanguage;
  readonly pt: boolean;
  /** The models still usable in this answer (null once one failed, or none configured). */
  models: PipelineModels | null;
  emit(e: DistributiveOmit<AnswerEvent, 'answerId' | 'conversationId'>): void;
  note(text: string): void;
  stage<T>(name: Stage, fn: () => Promise<T> | T, perspective?: Perspective, detail?: (out: T) => string): Promise<T>;
  complete(role: Role, model: ChatModel, messages: ChatMessage[], opts: Omit<ChatOptions, 'signal'>, signal?: AbortSignal): Promise<string>;
  streamAnswer(model: ChatModel, messages: ChatMessage[], restart: boolean): Promise<string>;
  sendToken(text: string, restart?: boolean): void;
  /** Gives up on the model for the rest of this answer, saying why (shown atop the extractive answer). */
  goOffline(err: BscError): void;
  started(): boolean;
  /** The library's term statistics (from the passages themselves when the library's are not available). */
  termStats(passageTexts: string[]): TermStats;
  pager: ReturnType<typeof excerptPager>;
  /** Fills in timings and usage; called once at the end. */
  finish(): Answer;
}

/**
 * Model calls of one answer: tokens and cost per role, and the time spent waiting on a model
 * before the first token (the union of in-flight calls), so the engine's own share of the time
 * to first token can be told apart.
 */
function modelMeter(clock: () => number, modelsUsed: Record<string, string>) {
  const usage = { inputTokens: 0, outputTokens: 0, calls: 0, cost: 0, costUnknown: false };
  let firstTokenAt: number | null = null;
  let inFlight = 0;
  let inFlightSince = 0;
  let modelWaitMs = 0;
  return {
    begin() {
      if (inFlight++ === 0) inFlightSince = clock();
    },
    end() {
      if (--inFlight === 0 && firstTokenAt === null) modelWaitMs += clock() - inFlightSince;
    },
    count(role: Role, model: ChatModel, u: TokenUsage | null, cost: number | null) {
      modelsUsed[role] = model.model;
      usage.calls++;
      if (!u) return;
      usage.inputTokens += u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
      usage.outputTokens += u.outputTokens;
      if (cost === null) usage.costUnknown = true;
      else usage.cost += cost;
    },
    firstToken() {
      if (firstTokenAt === null) firstTokenAt = clock();
    },
    firstTokenAt: () => firstTokenAt,
    waitedMs: () => modelWaitMs,
    usage: (): Answer['usage'] => ({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, calls: usage.calls, costUsd: usage.costUnknown ? null : Math.round(usage.cost * 1e6) / 1e6 }),
  };
}

/** The one wrapper every stage runs through: started/finished events with the time taken and a short detail. */
async function timedStage<T>(
  emit: AnswerRun['emit'], timings: Record<string, number>, clock: () => number,
  name: Stage, fn: () => Promise<T> | T, perspective?: Perspective, detail?: (out: T) => string,
): Promise<T> {
  const started = clock();
  emit({ type: 'stage', stage: name, state: 'started', ...(perspective ? { perspective } : {}) });
  let out: { ok: true; value: T } | { ok: false } = { ok: false };
  try {
    out = { ok: true, value: await fn() };
    return out.value;
  } finally {
    const ms = Math.round(clock() - started);
    const key = perspective ? `${name}:${perspective}` : name;
    timings[key] = (timings[key] ?? 0) + ms;
    const said = out.ok ? detail?.(out.value) : 'failed';
    emit({ type: 'stage', stage: name, state: 'finished', ms, ...(perspective ? { perspective } : {}), ...(said ? { detail: said } : {}) });
  }
}

export function startRun(deps: PipelineDeps, req: AnswerRequest, hooks: AnswerHooks): AnswerRun {
  const clock = () => performance.now();
  const t0 = clock();
  const lang = answerLanguage(req.question);
  const notes: string[] = [...deps.notes];
  const timings: Record<string, number> = {};
  const modelsUsed: Record<string, string> = {};
  const answer: Answer = {
    id: req.answerId, conversationId: req.conversationId, question: req.question, standaloneQuestion: req.question, language: lang,
    kind: deps.models ? 'generated' : 'extractive', status: 'failed', error: null,
    modelFailure: deps.offlineReason ? { reason: deps.offlineReason.replace(/\s*—\s*extractive answer\.?$/, '') } : null,
    text: '', sections: [], sources: [], judge: null,
    router: { method: 'lexical', perspectives: [], reason: '', needsClarification: false },
    retrieval: { mode: 'bm25', reranked: false, notes }, timings,
    usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0 }, models: modelsUsed, cached: null, createdAt: new Date().toISOString(),
  };
  const meter = modelMeter(clock, modelsUsed);
  let stats: TermStats | null = null;

  const run: AnswerRun = {
    deps, req, signal: hooks.signal, answer, lang, pt: lang === 'pt', models: deps.models,
    emit: (e) => hooks.emit({ ...e, answerId: req.answerId, conversationId: req.conversationId } as AnswerEvent),
    note(text) {
      if (!notes.includes(text)) notes.push(text);
    },
    stage: (name, fn, perspective, detail) => timedStage(run.emit, timings, clock, name, fn, perspective, detail),
    async complete(role, model, messages, opts, sig = hooks.signal) {
      meter.begin();
      try {
        const out = await completeChat(model, messages, { ...opts, signal: sig });
        meter.count(role, model, out.usage, out.costUsd);
        return out.text;
      } catch (err) {
        meter.count(role, model, null, null);
        throw err;
      } finally {
        meter.end();
      }
    },
    async streamAnswer(model, messages, restart) {
      let text = '';
      let u: TokenUsage | null = null;
      let waiting = true;
      meter.begin();
      try {
        if (restart) run.sendToken('', true);
        for await (const chunk of model.stream(messages, { maxTokens: 2000, temperature: 0.2, signal: hooks.signal })) {
          if (chunk.type === 'usage') u = chunk.usage;
          if (chunk.type !== 'text') continue;
          if (waiting) {
            waiting = false;
            meter.end();
          }
          text += chunk.text;
          answer.text = text;
          run.sendToken(chunk.text);
        }
        return text;
      } finally {
        meter.count('synthesizer', model, u, u ? estimateCostUsd(model.provider, model.model, u) : null);
        if (waiting) meter.end();
      }
    },
    sendToken(text, restart = false) {
      meter.firstToken();
      run.emit({ type: 'token', text, ...(restart ? { restart } : {}) });
    },
    goOffline(err) {
      run.models = null;
      answer.kind = 'extractive';
      answer.modelFailure = { reason: err.message, code: err.code };
      run.note(run.pt ? `O modelo de linguagem não respondeu (${err.message}): resposta extrativa.` : `The model did not answer (${err.message}): extractive answer instead.`);
    },
    started: () => meter.firstTokenAt() !== null,
    termStats(passageTexts) {
      stats ??= deps.library ? deps.library.termStats() : poolTermStats(passageTexts);
      return stats;
    },
    pager: excerptPager(deps.library?.pages ?? null),
    finish() {
      timings.total = Math.round(clock() - t0);
      const first = meter.firstTokenAt();
      if (first !== null) {
        timings.firstToken = Math.round(first - t0);
        timings.engineToFirstToken = Math.round(first - t0 - meter.waitedMs());
      }
      answer.usage = meter.usage();
      return answer;
    },
  };
  return run;
}
