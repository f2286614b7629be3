import type { Answer, AnswerEvent, AnswerSource, JudgeReport, Perspective, Settings } from '../../../preload/contract';
import type { ConversationTurn } from '../db/conversations';
import { errorShape } from '../dispatch';
import { BscError, isAbortError } from '../errors';
import { completeChat, type ChatMessage, type ChatModel, type ChatOptions, type TokenUsage } from '../llm/chat-model';
import { estimateCostUsd } from '../llm/prices';
import { detectLanguage } from '../retrieval/analyze';
import { applyRerank, type Reranker } from '../retrieval/rerank';
import type { RetrievalMode } from '../retrieval/retrieve';
import { claimsOf, restrictCitations } from './citations';
import { condenseLexically } from './condense';
import { composeExtractiveAnswer } from './extractive';
import { judgeLexically, markUnverified, passes } from './judge-lexical';
import { condensePrompt, judgePrompt, parseJudgeReply, parseRouterReply, routerPrompt, specialistPrompt, synthesizerPrompt, type SynthesisInput } from './prompts';
import { routeToPerspectives } from './route-lexical';
import { headingFor, sectionsFromMarkdown, type AnswerLanguage } from './sections';
import { numberSources, type Passage } from './sources';

export interface PipelineModels {
  router: ChatModel;
  specialist: ChatModel;
  synthesizer: ChatModel;
  judge: ChatModel;
}

export type PassageSearch = (
  query: string,
  opts: { k: number; perspectives?: Perspective[] },
  signal: AbortSignal,
) => Promise<{ hits: Passage[]; mode: RetrievalMode; notes: string[] }>;

export interface PipelineDeps {
  settings: Pick<Settings, 'chat' | 'retrieval' | 'rerank'>;
  /** Null: no model configured (or none usable): the extractive answer. */
  models: PipelineModels | null;
  /** Said with the answer: why there is no model, why the reranker is off. */
  notes: string[];
  /** Why there is no model although a provider is configured (no key…); shown atop the extractive answer. */
  offlineReason?: string | null;
  search: PassageSearch;
  reranker: Reranker;
}

export interface AnswerRequest {
  conversationId: string;
  answerId: string;
  question: string;
  /** The conversation's previous turns, oldest first (the last few are used). */
  history: ConversationTurn[];
  /** The user's own choice of perspectives, which skips the router. */
  perspectives?: Perspective[];
}

export interface AnswerHooks {
  signal: AbortSignal;
  emit: (event: AnswerEvent) => void;
}

type Stage = Extract<AnswerEvent, { type: 'stage' }>['stage'];
type Role = 'router' | 'specialist' | 'synthesizer' | 'judge';

/** Passages per perspective a specialist drafts from; the extractive answer quotes fewer. */
const PASSAGES_FOR_SPECIALIST = 4;
const HISTORY_TURNS = 3;

export function answerLanguage(question: string): AnswerLanguage {
  return detectLanguage(question) === 'en' ? 'en' : 'pt';
}

function isProviderFailure(err: unknown): err is BscError {
  return err instanceof BscError && ['PROVIDER_UNAVAILABLE', 'PROVIDER_RATE_LIMITED', 'PROVIDER_AUTH', 'BAD_INPUT'].includes(err.code);
}

/** Runs tasks together; the first failure aborts the others (their provider requests included). */
async function allOrAbort<T>(tasks: Array<(signal: AbortSignal) => Promise<T>>, parent: AbortSignal): Promise<T[]> {
  const phase = new AbortController();
  const onAbort = () => phase.abort(parent.reason);
  if (parent.aborted) phase.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(tasks.map((task) => task(phase.signal).catch((err: unknown) => {
      phase.abort();
      throw err;
    })));
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}

/**
 * Answers one question: condense → route → retrieve per perspective → specialists (in parallel)
 * → synthesizer (streamed) → judge → at most one refinement. With no model, or a provider that
 * cannot be reached before the answer starts, the same stages give an extractive answer with a
 * lexical grounding check. Never throws: a failure or cancellation comes back as a 'partial' or
 * 'failed' answer with its error, holding whatever was written.
 */
export async function answerQuestion(deps: PipelineDeps, req: AnswerRequest, hooks: AnswerHooks): Promise<Answer> {
  const clock = () => performance.now();
  const t0 = clock();
  const { signal } = hooks;
  const ids = { answerId: req.answerId, conversationId: req.conversationId };
  const emit = (e: DistributiveOmit<AnswerEvent, 'answerId' | 'conversationId'>) => hooks.emit({ ...e, ...ids } as AnswerEvent);
  const lang = answerLanguage(req.question);
  const pt = lang === 'pt';
  const threshold = deps.settings.chat.judgeThreshold;
  const notes: string[] = [...deps.notes];
  const note = (text: string) => {
    if (!notes.includes(text)) notes.push(text);
  };
  const timings: Record<string, number> = {};
  const modelsUsed: Record<string, string> = {};
  const usage = { inputTokens: 0, outputTokens: 0, calls: 0, cost: 0, costUnknown: false };
  let models = deps.models;
  let offlineNote: string | null = deps.offlineReason ?? null;

  const answer: Answer = {
    id: req.answerId,
    conversationId: req.conversationId,
    question: req.question,
    standaloneQuestion: req.question,
    language: lang,
    kind: models ? 'generated' : 'extractive',
    status: 'failed',
    error: null,
    text: '',
    sections: [],
    sources: [],
    judge: null,
    router: { method: 'lexical', perspectives: [], reason: '', needsClarification: false },
    retrieval: { mode: 'bm25', reranked: false, notes },
    timings,
    usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0 },
    models: modelsUsed,
    cached: null,
    createdAt: new Date().toISOString(),
  };

  // Time spent waiting on a model before the first token (the union of in-flight calls), so
  // the engine's own share of the time to first token can be told apart.
  let firstTokenAt: number | null = null;
  let inFlight = 0;
  let inFlightSince = 0;
  let modelWaitMs = 0;
  const beginModel = () => {
    if (inFlight++ === 0) inFlightSince = clock();
  };
  const endModel = () => {
    if (--inFlight === 0 && firstTokenAt === null) modelWaitMs += clock() - inFlightSince;
  };
  const sendToken = (text: string, restart = false) => {
    if (firstTokenAt === null) firstTokenAt = clock();
    emit({ type: 'token', text, ...(restart ? { restart } : {}) });
  };

  async function stage<T>(name: Stage, fn: () => Promise<T>, perspective?: Perspective, detail?: (out: T) => string): Promise<T> {
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

  function countUsage(role: Role, model: ChatModel, u: TokenUsage | null, cost: number | null) {
    modelsUsed[role] = model.model;
    usage.calls++;
    if (!u) return;
    usage.inputTokens += u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
    usage.outputTokens += u.outputTokens;
    if (cost === null) usage.costUnknown = true;
    else usage.cost += cost;
  }

  async function complete(role: Role, model: ChatModel, messages: ChatMessage[], opts: Omit<ChatOptions, 'signal'>, sig = signal): Promise<string> {
    beginModel();
    try {
      const out = await completeChat(model, messages, { ...opts, signal: sig });
      countUsage(role, model, out.usage, out.costUsd);
      return out.text;
    } catch (err) {
      countUsage(role, model, null, null);
      throw err;
    } finally {
      endModel();
    }
  }

  /** Streams the synthesizer's answer as tokens; `answer.text` holds what was shown so far. */
  async function streamAnswer(model: ChatModel, messages: ChatMessage[], restart: boolean): Promise<string> {
    let text = '';
    let u: TokenUsage | null = null;
    let waiting = true;
    beginModel();
    try {
      if (restart) sendToken('', true);
      for await (const chunk of model.stream(messages, { maxTokens: 2000, temperature: 0.2, signal })) {
        if (chunk.type === 'usage') u = chunk.usage;
        if (chunk.type !== 'text') continue;
        if (waiting) {
          waiting = false;
          endModel();
        }
        text += chunk.text;
        answer.text = text;
        sendToken(chunk.text);
      }
      countUsage('synthesizer', model, u, u ? estimateCostUsd(model.provider, model.model, u) : null);
      return text;
    } catch (err) {
      countUsage('synthesizer', model, u, u ? estimateCostUsd(model.provider, model.model, u) : null);
      throw err;
    } finally {
      if (waiting) endModel();
    }
  }

  /** Gives up on the model for the rest of this answer, saying why. */
  function goOffline(err: BscError) {
    models = null;
    answer.kind = 'extractive';
    offlineNote = pt
      ? `O provedor do modelo de linguagem não respondeu (${err.message}): resposta extrativa.`
      : `The language model provider did not answer (${err.message}): extractive answer.`;
    note(offlineNote);
  }

  async function condense(): Promise<string> {
    const history = req.history.slice(-HISTORY_TURNS);
    if (history.length === 0) return req.question;
    if (models) {
      try {
        const text = (await complete('router', models.router, condensePrompt(req.question, history), { maxTokens: 200, temperature: 0 })).trim();
        if (text) return text.replace(/^["“]|["”]$/g, '');
      } catch (err) {
        if (!isProviderFailure(err)) throw err;
        goOffline(err);
      }
    }
    return condenseLexically(req.question, history);
  }

  async function route(question: string): Promise<Answer['router'] & { clarifyingQuestion?: string | null }> {
    if (req.perspectives?.length) {
      return { method: 'lexical', perspectives: req.perspectives, reason: pt ? 'Perspectivas escolhidas pelo usuário.' : 'Perspectives chosen by the user.', needsClarification: false };
    }
    if (models) {
      try {
        const parsed = parseRouterReply(await complete('router', models.router, routerPrompt(question), { maxTokens: 300, temperature: 0, json: true }));
        if (parsed) return { method: 'model', ...parsed };
        note(pt ? 'A resposta do roteador não era JSON válido: roteamento lexical.' : 'The router\'s reply was not valid JSON: routed lexically.');
      } catch (err) {
        if (!isProviderFailure(err)) throw err;
        goOffline(err);
      }
    }
    const r = routeToPerspectives(question);
    return { method: 'lexical', perspectives: r.perspectives, reason: r.reason, needsClarification: r.needsClarification };
  }

  /** Per chosen perspective, in parallel: a search filtered to it plus the unfiltered one, reranked, numbered once each. */
  async function gather(question: string, chosen: Perspective[], perPerspective: number): Promise<AnswerSource[]> {
    const k = deps.settings.retrieval.k;
    const [unfiltered, ...filtered] = await Promise.all([
      deps.search(question, { k }, signal),
      ...chosen.map((p) => deps.search(`${question} ${headingFor(p, lang)}`, { k, perspectives: [p] }, signal)),
    ]);
    answer.retrieval.mode = unfiltered!.mode;
    for (const n of [unfiltered!, ...filtered].flatMap((r) => r.notes)) note(n);
    const pools = chosen.map((_, i) => {
      const own = filtered[i]!.hits;
      // Chunks tagged with the perspective first; the best unfiltered hits keep a passage the tagger missed.
      const extra = unfiltered!.hits.slice(0, own.length ? 3 : k);
      const seen = new Set<number>();
      return [...own, ...extra].filter((h) => !seen.has(h.chunkId) && seen.add(h.chunkId));
    });
    const reranked = await Promise.all(
      chosen.map((p, i) =>
        applyRerank(deps.reranker, `${question} (${headingFor(p, lang)})`, pools[i]!, { timeoutMs: deps.settings.rerank.timeoutMs, topN: perPerspective + 3, signal }),
      ),
    );
    answer.retrieval.reranked = reranked.some((r) => r.reranked);
    for (const n of reranked.flatMap((r) => r.notes)) note(n);
    return numberSources(chosen.map((p, i) => ({ perspective: p, passages: reranked[i]!.hits })), perPerspective);
  }

  async function judgeWithModel(model: ChatModel, text: string, chosen: Perspective[], refined: boolean): Promise<JudgeReport> {
    const claims = claimsOf(text);
    const citedNs = new Set(claims.flatMap((c) => c.citations));
    const cited = answer.sources.filter((s) => citedNs.has(s.n));
    try {
      const reply = await complete('judge', model, judgePrompt({ question: answer.standaloneQuestion, answer: text, cited: cited.length ? cited : answer.sources, perspectives: chosen, lang }), {
        maxTokens: 1500,
        temperature: 0,
        json: true,
      });
      const parsed = parseJudgeReply(reply);
      if (parsed) {
        const scores = { completeness: parsed.completeness, grounding: parsed.grounding, citationQuality: parsed.citationQuality };
        return {
          method: 'model',
          verdict: parsed.verdict === 'pass' && passes(scores, threshold) ? 'pass' : 'fail',
          ...scores,
          threshold,
          claims: parsed.claims,
          feedback: parsed.feedback,
          refined,
        };
      }
      note(pt ? 'A resposta do juiz não era JSON válido: verificação lexical.' : 'The judge\'s reply was not valid JSON: checked lexically.');
    } catch (err) {
      if (!isProviderFailure(err)) throw err;
      note(pt ? `O juiz falhou (${err.message}): verificação lexical.` : `The judge failed (${err.message}): checked lexically.`);
    }
    return { ...judgeLexically({ claims, sources: answer.sources, perspectives: chosen, threshold, lang }), refined };
  }

  async function writeGenerated(m: PipelineModels, chosen: Perspective[]): Promise<void> {
    const question = answer.standaloneQuestion;
    const specialistsStarted = clock();
    const drafts = await allOrAbort(
      chosen.map((p) => (sig: AbortSignal) =>
        stage('specialist', async () => {
          const mine = answer.sources.filter((s) => s.perspective === p);
          if (mine.length === 0) {
            return { perspective: p, draft: pt ? 'Nenhum trecho da biblioteca trata desta perspectiva.' : 'No passage in the library covers this perspective.' };
          }
          const text = await complete('specialist', m.specialist, specialistPrompt(p, question, mine, lang), { maxTokens: 700, temperature: 0.2 }, sig);
          return { perspective: p, draft: restrictCitations(text, new Set(mine.map((s) => s.n))) };
        }, p),
      ),
      signal,
    );
    timings.specialists = Math.round(clock() - specialistsStarted);
    const input: SynthesisInput = { question, lang, perspectives: chosen, drafts, sources: answer.sources };
    let text = await stage('synthesize', () => streamAnswer(m.synthesizer, synthesizerPrompt(input), false));
    let report = await stage('judge', () => judgeWithModel(m.judge, text, chosen, false), undefined, (r) => r.verdict);
    emit({ type: 'judge', judge: report });
    if (report.verdict === 'fail') {
      const first = { text, report };
      try {
        text = await stage('refine', () => streamAnswer(m.synthesizer, synthesizerPrompt({ ...input, revision: { previous: first.text, judge: first.report } }), true));
        report = await stage('judge', () => judgeWithModel(m.judge, text, chosen, true), undefined, (r) => r.verdict);
        emit({ type: 'judge', judge: report });
      } catch (err) {
        if (!isProviderFailure(err) || signal.aborted) throw err;
        // The first answer was whole: keep it rather than a broken rewrite.
        note(pt ? `O refinamento falhou (${err.message}): mantida a primeira resposta.` : `The refinement failed (${err.message}): kept the first answer.`);
        ({ text, report } = first);
        answer.text = text;
        sendToken(text, true);
      }
    }
    const valid = new Set(answer.sources.map((s) => s.n));
    answer.text = restrictCitations(markUnverified(text, report.claims, lang), valid);
    answer.sections = sectionsFromMarkdown(answer.text);
    answer.judge = report;
  }

  async function writeExtractive(chosen: Perspective[], fallbackNote: string | null): Promise<void> {
    answer.kind = 'extractive';
    const composed = await stage('synthesize', async () => {
      const c = composeExtractiveAnswer({ question: answer.standaloneQuestion, perspectives: chosen, sources: answer.sources, lang, note: fallbackNote });
      answer.text = '';
      // Streamed paragraph by paragraph, as a model's answer would be.
      for (const piece of c.text.split(/(?<=\n\n)/)) {
        answer.text += piece;
        sendToken(piece);
      }
      return c;
    });
    answer.text = composed.text;
    answer.sections = composed.sections;
    const report = await stage('judge', async () => judgeLexically({ claims: composed.claims, sources: answer.sources, perspectives: chosen, threshold, lang }), undefined, (r) => r.verdict);
    answer.judge = report;
    emit({ type: 'judge', judge: report });
  }

  try {
    answer.standaloneQuestion = await stage('condense', condense, undefined, (q) => (q === req.question ? 'unchanged' : q));
    const decision = await stage('route', () => route(answer.standaloneQuestion), undefined, (r) => r.perspectives.join(', '));
    const { clarifyingQuestion, ...router } = decision;
    answer.router = router;
    emit({ type: 'router', router });

    if (router.needsClarification || router.perspectives.length === 0) {
      const example = pt ? 'Por exemplo: "Quais indicadores usar na perspectiva financeira?"' : 'For example: "Which measures suit the customer perspective?"';
      answer.text = clarifyingQuestion?.trim() || `${router.reason} ${example}`;
      if (!models) answer.kind = 'extractive';
      sendToken(answer.text);
    } else {
      const chosen = router.perspectives;
      const perPerspective = models ? PASSAGES_FOR_SPECIALIST : chosen.length >= 3 ? 2 : 3;
      answer.sources = await stage('retrieve', () => gather(answer.standaloneQuestion, chosen, perPerspective), undefined, (s) => `${s.length} passages`);
      emit({ type: 'sources', sources: answer.sources });

      const m = models;
      if (m && answer.sources.length > 0) {
        try {
          await writeGenerated(m, chosen);
        } catch (err) {
          // A provider that fails before the answer starts streaming: still answer, from the passages.
          if (!isProviderFailure(err) || firstTokenAt !== null || signal.aborted) throw err;
          goOffline(err);
          await writeExtractive(chosen, offlineNote);
        }
      } else {
        await writeExtractive(chosen, offlineNote);
      }
    }
    answer.status = 'complete';
  } catch (err) {
    answer.error = signal.aborted || isAbortError(err) ? { code: 'CANCELLED', message: pt ? 'Resposta interrompida.' : 'Answer stopped.' } : errorShape(err);
    answer.status = answer.text.trim() ? 'partial' : 'failed';
  }

  timings.total = Math.round(clock() - t0);
  if (firstTokenAt !== null) {
    timings.firstToken = Math.round(firstTokenAt - t0);
    timings.engineToFirstToken = Math.round(firstTokenAt - t0 - modelWaitMs);
  }
  answer.usage = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    calls: usage.calls,
    costUsd: usage.costUnknown ? null : Math.round(usage.cost * 1e6) / 1e6,
  };
  return answer;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
