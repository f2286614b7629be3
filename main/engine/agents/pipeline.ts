import type { Answer, AnswerSource, JudgeReport, Perspective } from '../../../preload/contract';
import { errorShape } from '../dispatch';
import { isAbortError } from '../errors';
import { applyRerank } from '../retrieval/rerank';
import { coverageGate, type Coverage } from './abstain';
import { isProviderFailure, startRun, type AnswerRun } from './answer-run';
import { claimsOf, restrictCitations } from './citations';
import { condenseLexically } from './condense';
import { isListQuestion, listNounStems, selectEvidence, type Excerpt, questionTerms } from './evidence';
import { composeExtractiveAnswer, composeNotCovered, displayOrder, perspectiveOfQuote, type QuotedEvidence } from './extractive';
import { judgeLexically, markUnverified, passes } from './judge-lexical';
import { excerptOnPages } from './page-map';
import { condensePrompt, judgePrompt, parseJudgeReply, parseRouterReply, routerPrompt, specialistPrompt, synthesizerPrompt, type SynthesisInput } from './prompts';
import { perspectives } from './perspectives';
import { routeToPerspectives } from './route-lexical';
import { headingFor, sectionsFromMarkdown } from './sections';
import { citeExcerpt, numberSources, type Passage } from './sources';
import type { AnswerHooks, AnswerRequest, PipelineDeps, PipelineModels } from './pipeline-types';

export type { AnswerHooks, AnswerRequest, PassageSearch, PipelineDeps, PipelineModels } from './pipeline-types';
export { answerLanguage } from './answer-run';

/** Passages per perspective a specialist drafts from. */
const PASSAGES_FOR_SPECIALIST = 4;
const HISTORY_TURNS = 3;
/** Passages the offline answer picks its quotes from. */
const EVIDENCE_POOL = 12;

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

// ---------- stage: condense ----------

/** The question made standalone with the conversation's last turns (the model's rewrite, else a lexical one). */
export async function condenseQuestion(run: AnswerRun): Promise<string> {
  const history = run.req.history.slice(-HISTORY_TURNS);
  if (history.length === 0) return run.req.question;
  if (run.models) {
    try {
      const text = (await run.complete('router', run.models.router, condensePrompt(run.req.question, history), { maxTokens: 200, temperature: 0 })).trim();
      if (text) return text.replace(/^["“]|["”]$/g, '');
    } catch (err) {
      if (!isProviderFailure(err)) throw err;
      run.goOffline(err);
    }
  }
  return condenseLexically(run.req.question, history);
}

// ---------- stage: route ----------

export type RoutedQuestion = Answer['router'] & { clarifyingQuestion?: string | null };

/** The perspectives to answer from: the user's choice, else the model router, else (or on its failure) the lexical one. */
export async function routeQuestion(run: AnswerRun, question: string): Promise<RoutedQuestion> {
  if (run.req.perspectives?.length) {
    return { method: 'lexical', perspectives: run.req.perspectives, reason: run.pt ? 'Perspectivas escolhidas pelo usuário.' : 'Perspectives chosen by the user.', needsClarification: false };
  }
  if (run.models) {
    try {
      const parsed = parseRouterReply(await run.complete('router', run.models.router, routerPrompt(question), { maxTokens: 300, temperature: 0, json: true }));
      if (parsed) return { method: 'model', ...parsed };
      run.note(run.pt ? 'A resposta do roteador não era JSON válido: roteamento lexical.' : 'The router\'s reply was not valid JSON: routed lexically.');
    } catch (err) {
      if (!isProviderFailure(err)) throw err;
      run.goOffline(err);
    }
  }
  const r = routeToPerspectives(question);
  return { method: 'lexical', perspectives: r.perspectives, reason: r.reason, needsClarification: r.needsClarification, scope: r.scope, scores: r.scores };
}

// ---------- stage: retrieve ----------

export interface Retrieved {
  /** The unfiltered search, reranked for the question: the order evidence is judged in. */
  ranked: Passage[];
  /** Per chosen perspective, the search filtered to chunks tagged with it. */
  byPerspective: Map<Perspective, Passage[]>;
  /** For a list question: the chunks of the section that lists what is asked, in the best documents. */
  sections: Passage[];
}

/** The section a list question asks for ("Indicadores e fórmulas"), in the documents of the best hits. */
function listSections(run: AnswerRun, question: string, ranked: Passage[]): Passage[] {
  const stems = isListQuestion(question) ? listNounStems(question) : [];
  const library = run.deps.library;
  if (!library || stems.length === 0) return [];
  const docs = [...new Set(ranked.slice(0, 3).map((p) => p.documentId))];
  const store = ranked[0]?.store ?? 'embedded';
  return docs.flatMap((d) => library.sectionChunks(d, stems, 4).map((p) => ({ ...p, store })));
}

/** One unfiltered search and one per chosen perspective, in parallel; the unfiltered list reranked. */
export async function retrievePassages(run: AnswerRun, question: string, chosen: Perspective[]): Promise<Retrieved> {
  const { deps, signal } = run;
  const k = deps.settings.retrieval.k;
  const [unfiltered, ...filtered] = await Promise.all([
    deps.search(question, { k }, signal),
    ...chosen.map((p) => deps.search(`${question} ${headingFor(p, run.lang)}`, { k, perspectives: [p] }, signal)),
  ]);
  run.answer.retrieval.mode = unfiltered!.mode;
  for (const n of [unfiltered!, ...filtered].flatMap((r) => r.notes)) run.note(n);
  const reranked = await applyRerank(deps.reranker, question, unfiltered!.hits, { timeoutMs: deps.settings.rerank.timeoutMs, topN: k, signal });
  run.answer.retrieval.reranked = reranked.reranked;
  for (const n of reranked.notes) run.note(n);
  return { ranked: reranked.hits, byPerspective: new Map(chosen.map((p, i) => [p, filtered[i]!.hits])), sections: listSections(run, question, reranked.hits) };
}

/** The unfiltered hits first, then what only the perspective searches found, each chunk once. */
function evidencePool(r: Retrieved): Passage[] {
  const seen = new Set<number>();
  const ordered = [...r.ranked.slice(0, 2), ...r.sections, ...r.ranked.slice(2), ...[...r.byPerspective.values()].flat()];
  // Table-of-contents and index chunks stay searchable but are never evidence.
  return ordered.filter((p) => p.role !== 'toc' && p.role !== 'index' && !seen.has(p.chunkId) && seen.add(p.chunkId)).slice(0, EVIDENCE_POOL + r.sections.length);
}

// ---------- stage: abstain ----------

/** The abstention gate (same with or without a model): does the library cover the question? */
export function checkCoverage(run: AnswerRun, question: string, r: Retrieved): Coverage {
  const pool = evidencePool(r);
  return coverageGate(questionTerms(question, run.termStats(pool.map((p) => p.text))), pool);
}

/** Quotes as shown: each with the perspective its words are about, in display order, numbered 1..N in that order. */
function quotesFrom(run: AnswerRun, excerpts: Excerpt[]): QuotedEvidence[] {
  const quotes = excerpts.map((e) => {
    const quote = { text: e.text, heading: e.heading || e.passage.headingPath[e.passage.headingPath.length - 1] || '' };
    return { ...quote, kind: e.kind, excerpt: e, source: { perspective: perspectiveOfQuote(quote) } };
  });
  return displayOrder(quotes).map(({ excerpt: e, ...q }, i) => ({ ...q, source: citeExcerpt(e.passage, e, i + 1, q.source.perspective, run.pager) }));
}

/** "Your library does not cover this", with the nearest material as such; no model is called. */
export function answerNotCovered(run: AnswerRun, question: string, r: Retrieved, coverage: Coverage): void {
  const pool = evidencePool(r);
  const { excerpts } = selectEvidence({ question, passages: pool, stats: run.termStats(pool.map((p) => p.text)), lang: run.lang, max: 3 });
  const quotes = quotesFrom(run, excerpts);
  run.answer.kind = 'not-covered';
  run.answer.sources = quotes.map((q) => q.source);
  run.answer.text = composeNotCovered({ quotes, missing: coverage.missingTerms.slice(0, 4), lang: run.lang });
  run.emit({ type: 'sources', sources: run.answer.sources });
  run.sendToken(run.answer.text);
}

// ---------- stages: draft, synthesise (offline: compose) ----------

/** Offline: the best quotes of the passages, best first, as the extractive answer (streamed paragraph by paragraph). */
export function composeFromEvidence(run: AnswerRun, question: string, r: Retrieved, chosen: Perspective[]): QuotedEvidence[] {
  const pool = evidencePool(r);
  const max = chosen.length >= 3 ? 6 : 4;
  const { excerpts } = selectEvidence({ question, passages: pool, stats: run.termStats(pool.map((p) => p.text)), lang: run.lang, max });
  const quotes = quotesFrom(run, excerpts);
  run.answer.kind = 'extractive';
  run.answer.sources = quotes.map((q) => q.source);
  run.emit({ type: 'sources', sources: run.answer.sources });
  const composed = composeExtractiveAnswer({ quotes, lang: run.lang, modelFailure: run.answer.modelFailure?.reason ?? null });
  run.answer.text = '';
  for (const piece of composed.text.split(/(?<=\n\n)/)) {
    run.answer.text += piece;
    run.sendToken(piece);
  }
  run.answer.text = composed.text;
  run.answer.sections = composed.sections;
  return quotes;
}

/** With a model: per perspective, its passages (tagged ones first, the best unfiltered ones too), numbered once each, each with its best excerpt. */
export async function sourcesForModel(run: AnswerRun, question: string, r: Retrieved, chosen: Perspective[]): Promise<AnswerSource[]> {
  const top = PASSAGES_FOR_SPECIALIST;
  const pools = chosen.map((p) => {
    const own = r.byPerspective.get(p) ?? [];
    const seen = new Set<number>();
    return [...own, ...r.ranked.slice(0, own.length ? 3 : top + 3)].filter((h) => !seen.has(h.chunkId) && seen.add(h.chunkId));
  });
  const reranked = await Promise.all(chosen.map((p, i) =>
    applyRerank(run.deps.reranker, `${question} (${headingFor(p, run.lang)})`, pools[i]!, { timeoutMs: run.deps.settings.rerank.timeoutMs, topN: top + 3, signal: run.signal })));
  run.answer.retrieval.reranked ||= reranked.some((x) => x.reranked);
  const numbered = numberSources(chosen.map((p, i) => ({ perspective: p, passages: reranked[i]!.hits })), top);
  const passages = new Map(pools.flat().map((p) => [p.chunkId, p]));
  const stats = run.termStats([...passages.values()].map((p) => p.text));
  return numbered.map((s) => {
    const passage = passages.get(s.chunkId)!;
    const best = selectEvidence({ question, passages: [passage], stats, lang: run.lang, max: 1 }).excerpts[0];
    return best ? citeExcerpt(passage, best, s.n, s.perspective, run.pager) : s;
  });
}

/** Each specialist drafts from its perspective's passages, in parallel. */
export async function draftPerspectives(run: AnswerRun, m: PipelineModels, chosen: Perspective[]): Promise<Array<{ perspective: Perspective; draft: string }>> {
  const question = run.answer.standaloneQuestion;
  return allOrAbort(
    chosen.map((p) => (sig: AbortSignal) =>
      run.stage('specialist', async () => {
        const mine = run.answer.sources.filter((s) => s.perspective === p);
        if (mine.length === 0) return { perspective: p, draft: run.pt ? 'Nenhum trecho da biblioteca trata desta perspectiva.' : 'No passage in the library covers this perspective.' };
        const text = await run.complete('specialist', m.specialist, specialistPrompt(p, question, mine, run.lang), { maxTokens: 700, temperature: 0.2 }, sig);
        return { perspective: p, draft: restrictCitations(text, new Set(mine.map((s) => s.n))) };
      }, p),
    ),
    run.signal,
  );
}

/**
 * The model cites whole passages; what the reader sees is one excerpt per citation, so each cited
 * passage's excerpt becomes the span that best matches the sentences citing it, and its page(s)
 * are computed from that span.
 */
export function alignCitedExcerpts(run: AnswerRun, text: string, passages: Map<number, Passage>): void {
  const claims = claimsOf(text);
  run.answer.sources = run.answer.sources.map((s) => {
    const citing = claims.filter((c) => c.citations.includes(s.n)).map((c) => c.sentence).join(' ');
    const passage = passages.get(s.chunkId);
    if (!citing || !passage) return s;
    const stats = run.termStats([passage.text]);
    const best = selectEvidence({ question: citing, passages: [passage], stats, lang: run.lang, max: 1 }).excerpts[0];
    return best ? citeExcerpt(passage, best, s.n, s.perspective, run.pager) : s;
  });
}

// ---------- stage: judge ----------

function lexicalJudge(run: AnswerRun, claims: ReturnType<typeof claimsOf>, chosen: Perspective[]): JudgeReport {
  const reader = run.deps.library?.pages;
  return judgeLexically({
    question: run.answer.standaloneQuestion, claims, sources: run.answer.sources, perspectives: chosen, threshold: run.deps.settings.chat.judgeThreshold, lang: run.lang,
    stats: run.termStats(run.answer.sources.map((s) => s.quote)),
    ...(reader ? { checkPages: (s: AnswerSource) => excerptOnPages(reader, s) } : {}),
  });
}

/**
 * The model judge reads the excerpts with their page labels; the app's own page check is added to
 * its verdict (a claim whose excerpt is not on the cited page, or that names another page, fails
 * whatever the model said), so a wrong page always triggers the refinement.
 */
export async function judgeWithModel(run: AnswerRun, text: string, chosen: Perspective[], refined: boolean): Promise<JudgeReport> {
  const threshold = run.deps.settings.chat.judgeThreshold;
  const claims = claimsOf(text);
  const lexical = lexicalJudge(run, claims, chosen);
  const citedNs = new Set(claims.flatMap((c) => c.citations));
  const cited = run.answer.sources.filter((s) => citedNs.has(s.n));
  try {
    const reply = await run.complete('judge', run.models!.judge, judgePrompt({ question: run.answer.standaloneQuestion, answer: text, cited: cited.length ? cited : run.answer.sources, perspectives: chosen, lang: run.lang }), { maxTokens: 1500, temperature: 0, json: true });
    const parsed = parseJudgeReply(reply);
    if (parsed) {
      const wrongPages = lexical.claims.filter((c) => c.pageCorrect === false);
      const merged: JudgeReport['claims'] = parsed.claims.map((c) => {
        const bad = wrongPages.find((w) => w.sentence === c.sentence || c.citations.some((n) => w.citations.includes(n) && w.sentence.includes(c.sentence.slice(0, 40))));
        return bad ? { ...c, supported: false, pageCorrect: false, reason: bad.reason } : c;
      });
      for (const w of wrongPages) if (!merged.some((c) => c.pageCorrect === false && c.citations.some((n) => w.citations.includes(n)))) merged.push(w);
      const scores = { completeness: parsed.completeness, grounding: parsed.grounding, citationQuality: wrongPages.length ? Math.min(parsed.citationQuality, lexical.citationQuality) : parsed.citationQuality };
      const verdict = parsed.verdict === 'pass' && wrongPages.length === 0 && passes(scores, threshold) ? 'pass' : 'fail';
      const feedback = wrongPages.length ? `${parsed.feedback} ${run.pt ? 'Página errada:' : 'Wrong page:'} ${wrongPages.map((w) => w.reason).join(' ')}`.trim() : parsed.feedback;
      return { method: 'model', verdict, ...scores, threshold, claims: merged, feedback, refined };
    }
    run.note(run.pt ? 'A resposta do juiz não era JSON válido: verificação lexical.' : 'The judge\'s reply was not valid JSON: checked lexically.');
  } catch (err) {
    if (!isProviderFailure(err)) throw err;
    run.note(run.pt ? `O juiz falhou (${err.message}): verificação lexical.` : `The judge failed (${err.message}): checked lexically.`);
  }
  return { ...lexical, refined };
}

// ---------- stages put together ----------

/** With a model: drafts → streamed synthesis → judge → at most one refinement with the judge's feedback. */
async function writeGenerated(run: AnswerRun, m: PipelineModels, chosen: Perspective[], passages: Map<number, Passage>): Promise<void> {
  const started = performance.now();
  const drafts = await draftPerspectives(run, m, chosen);
  run.answer.timings.specialists = Math.round(performance.now() - started);
  const input: SynthesisInput = { question: run.answer.standaloneQuestion, lang: run.lang, perspectives: chosen, drafts, sources: run.answer.sources };
  let text = await run.stage('synthesize', () => run.streamAnswer(m.synthesizer, synthesizerPrompt(input), false));
  alignCitedExcerpts(run, text, passages);
  let report = await run.stage('judge', () => judgeWithModel(run, text, chosen, false), undefined, (r) => r.verdict);
  run.emit({ type: 'judge', judge: report });
  if (report.verdict === 'fail') {
    const first = { text, report, sources: run.answer.sources };
    try {
      text = await run.stage('refine', () => run.streamAnswer(m.synthesizer, synthesizerPrompt({ ...input, revision: { previous: first.text, judge: first.report } }), true));
      alignCitedExcerpts(run, text, passages);
      report = await run.stage('judge', () => judgeWithModel(run, text, chosen, true), undefined, (r) => r.verdict);
      run.emit({ type: 'judge', judge: report });
    } catch (err) {
      if (!isProviderFailure(err) || run.signal.aborted) throw err;
      // The first answer was whole: keep it rather than a broken rewrite.
      run.note(run.pt ? `O refinamento falhou (${err.message}): mantida a primeira resposta.` : `The refinement failed (${err.message}): kept the first answer.`);
      ({ text, report } = first);
      run.answer.sources = first.sources;
      run.answer.text = text;
      run.sendToken(text, true);
    }
  }
  const valid = new Set(run.answer.sources.map((s) => s.n));
  run.answer.text = restrictCitations(markUnverified(text, report.claims, run.lang), valid);
  run.answer.sections = sectionsFromMarkdown(run.answer.text);
  run.answer.judge = report;
  run.emit({ type: 'sources', sources: run.answer.sources });
}

/** Without a model (or after it failed): the extractive answer and the lexical judge. */
async function writeExtractive(run: AnswerRun, question: string, r: Retrieved, chosen: Perspective[]): Promise<void> {
  const quotes = await run.stage('synthesize', () => composeFromEvidence(run, question, r, chosen), undefined, (q) => `${q.length} quotes`);
  const claims = quotes.map((q) => ({ sentence: q.text.replace(/\s+/g, ' ').trim(), citations: [q.source.n] }));
  const report = await run.stage('judge', () => lexicalJudge(run, claims, chosen), undefined, (x) => x.verdict);
  run.answer.judge = report;
  run.emit({ type: 'judge', judge: report });
}

/** After routing: retrieve, abstain or answer (with the model when there is one and it answers). */
async function answerRouted(run: AnswerRun, chosen: Perspective[]): Promise<void> {
  const question = run.answer.standaloneQuestion;
  const retrieved = await run.stage('retrieve', () => retrievePassages(run, question, chosen), undefined, (x) => `${x.ranked.length} passages`);
  const coverage = await run.stage('abstain', () => checkCoverage(run, question, retrieved), undefined, (c) => (c.covered ? `covered ${c.score}` : `not covered ${c.score}`));
  run.answer.coverage = coverage;
  if (!coverage.covered) {
    answerNotCovered(run, question, retrieved, coverage);
    return;
  }
  await answerCovered(run, chosen, retrieved);
}

/** The library covers the question: the model's answer, or the extractive one. */
async function answerCovered(run: AnswerRun, chosen: Perspective[], retrieved: Retrieved): Promise<void> {
  const question = run.answer.standaloneQuestion;
  const m = run.models;
  if (!m) return writeExtractive(run, question, retrieved, chosen);
  run.answer.sources = await sourcesForModel(run, question, retrieved, chosen);
  run.emit({ type: 'sources', sources: run.answer.sources });
  const passages = new Map([...retrieved.ranked, ...[...retrieved.byPerspective.values()].flat()].map((p) => [p.chunkId, p]));
  try {
    await writeGenerated(run, m, chosen, passages);
  } catch (err) {
    // A provider that fails before the answer starts streaming: still answer, from the passages.
    if (!isProviderFailure(err) || run.started() || run.signal.aborted) throw err;
    run.goOffline(err);
    await writeExtractive(run, question, retrieved, chosen);
  }
}

/**
 * A question the lexical router finds no perspective in: about something the library does not
 * hold ("not covered"), or with enough words the library does hold to be answered from all four
 * perspectives (a library that is not about the BSC), or really too vague ("BSC?": ask).
 */
async function unrouted(run: AnswerRun, router: Answer['router']): Promise<'answered' | 'clarify'> {
  const question = run.answer.standaloneQuestion;
  const retrieved = await run.stage('retrieve', () => retrievePassages(run, question, []), undefined, (x) => `${x.ranked.length} passages`);
  const coverage = await run.stage('abstain', () => checkCoverage(run, question, retrieved), undefined, (c) => (c.covered ? `covered ${c.score}` : `not covered ${c.score}`));
  run.answer.coverage = coverage;
  if (!coverage.covered) {
    answerNotCovered(run, question, retrieved, coverage);
    return 'answered';
  }
  const terms = questionTerms(question, run.termStats(retrieved.ranked.map((p) => p.text)));
  // "BSC?" or "ajuda" is too vague; "O que é PBL?" or "Pelo que o MIT optou?" is a question.
  const words = question.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  if (router.method !== 'lexical' || terms.length === 0 || (terms.length === 1 && words <= 2)) return 'clarify';
  run.answer.router = { ...router, perspectives: [...perspectives], needsClarification: false, scope: 'whole', reason: run.pt ? 'Nenhuma perspectiva é mencionada: as quatro.' : 'No perspective is named: all four.' };
  run.emit({ type: 'router', router: run.answer.router });
  await answerCovered(run, run.answer.router.perspectives, retrieved);
  return 'answered';
}

/**
 * Answers one question through named stages: condense → route → retrieve → abstain → (draft →
 * synthesise → judge → refine) with a model, or (compose → judge) without one; each timed by the
 * run's one wrapper. Never throws: a failure or cancellation comes back as a 'partial' or 'failed'
 * answer with its error, holding whatever was written.
 */
export async function answerQuestion(deps: PipelineDeps, req: AnswerRequest, hooks: AnswerHooks): Promise<Answer> {
  const run = startRun(deps, req, hooks);
  const { answer } = run;
  try {
    answer.standaloneQuestion = await run.stage('condense', () => condenseQuestion(run), undefined, (q) => (q === req.question ? 'unchanged' : q));
    const { clarifyingQuestion, ...router } = await run.stage('route', () => routeQuestion(run, answer.standaloneQuestion), undefined, (r) => r.perspectives.join(', '));
    answer.router = router;
    run.emit({ type: 'router', router });
    if ((router.needsClarification || router.perspectives.length === 0) && (await unrouted(run, router)) === 'answered') {
      // Answered from the library as it is, or "not covered": not "be more specific".
    } else if (router.needsClarification || router.perspectives.length === 0) {
      const example = run.pt ? 'Por exemplo: "Quais indicadores usar na perspectiva financeira?"' : 'For example: "Which measures suit the customer perspective?"';
      answer.text = clarifyingQuestion?.trim() || `${router.reason} ${example}`;
      if (!run.models) answer.kind = 'extractive';
      run.sendToken(answer.text);
    } else {
      await answerRouted(run, router.perspectives);
    }
    answer.status = 'complete';
  } catch (err) {
    answer.error = hooks.signal.aborted || isAbortError(err) ? { code: 'CANCELLED', message: run.pt ? 'Resposta interrompida.' : 'Answer stopped.' } : errorShape(err);
    answer.status = answer.text.trim() ? 'partial' : 'failed';
  }
  return run.finish();
}
