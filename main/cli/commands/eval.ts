// `bsc eval retrieval|router|all`: quality of retrieval (through the real import and search) and of
// the perspective router, on datasets in the formats of ../shared/eval/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SearchHit } from '../../../preload/contract';
import { routeToPerspectives, scoreRouter, type RouterScore } from '../../engine/agents/route-lexical';
import { perspectives, type Perspective } from '../../engine/agents/perspectives';
import { dispatchCall } from '../../engine/dispatch';
import { engineHandlersFor } from '../../engine/engine-process-handlers';
import { BscError } from '../../engine/errors';
import { summarizeRetrieval, type RetrievalSummary } from '../../engine/retrieval/metrics';
import { type CliCommand, type CliContext, UsageError } from '../command';
import { indexFiles } from './library';
import {
  faquadJudgeCases, measureAbstention, measureFirstCitation, measureJudge, measurePageAttribution, mergeJudge, sampleAnswers, sampleLibraryFiles, withTempLibrary,
  type AbstentionMeasure, type FirstCitation, type JudgeMeasure, type PageAttribution, type SampleAnswer,
} from './eval-answers';

const K = 10;
type Mode = 'bm25' | 'dense' | 'hybrid';
const MODES: readonly Mode[] = ['bm25', 'dense', 'hybrid'];

// ---------- datasets ----------

const RetrievalDataset = z.object({
  source: z.string().optional(),
  split: z.string().optional(),
  passages: z.array(z.object({ id: z.string().min(1), title: z.string().default(''), text: z.string().min(1) })).min(1),
  questions: z.array(z.object({ id: z.string().min(1), question: z.string().min(1), passage_id: z.string().min(1) })).min(1),
});
export type RetrievalDataset = z.infer<typeof RetrievalDataset>;

const RouterQuestion = z.object({
  id: z.string(),
  query: z.string(),
  expected_perspectives: z.array(z.enum(perspectives)),
  complexity: z.string().optional(),
});

/** A router dataset: groups of questions (`factual_queries`, …); keys that are not arrays are metadata. */
export interface RouterCase { id: string; group: string; query: string; expected: Perspective[] }

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new BscError('NOT_FOUND', `Dataset not found: ${file}`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BscError('BAD_INPUT', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseRetrievalDataset(raw: unknown, file: string): RetrievalDataset {
  const parsed = RetrievalDataset.safeParse(raw);
  if (!parsed.success) throw new BscError('BAD_INPUT', `${file} is not a retrieval dataset: ${z.prettifyError(parsed.error)}`);
  const ids = new Set(parsed.data.passages.map((p) => p.id));
  if (ids.size !== parsed.data.passages.length) throw new BscError('BAD_INPUT', `${file}: passage ids are not unique.`);
  const orphan = parsed.data.questions.find((q) => !ids.has(q.passage_id));
  if (orphan) throw new BscError('BAD_INPUT', `${file}: question ${orphan.id} points to passage ${orphan.passage_id}, which is not in the file.`);
  return parsed.data;
}

export function parseRouterDataset(raw: unknown, file: string): RouterCase[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BscError('BAD_INPUT', `${file}: expected an object of question groups.`);
  const cases: RouterCase[] = [];
  for (const [group, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) continue;
    const parsed = z.array(RouterQuestion).safeParse(list);
    if (!parsed.success) throw new BscError('BAD_INPUT', `${file}: group "${group}" is not a list of router questions: ${z.prettifyError(parsed.error)}`);
    for (const q of parsed.data) cases.push({ id: q.id, group, query: q.query, expected: q.expected_perspectives });
  }
  if (cases.length === 0) throw new BscError('BAD_INPUT', `${file}: no questions found.`);
  return cases;
}

// ---------- retrieval ----------

/** One way of indexing the passages; every mode searched on it is scored separately. */
interface IndexVariant {
  name: string;
  chunking: { chunkChars: number; overlapChars: number };
  modes: Mode[];
  /** Copy the user's embedding settings into the temporary library (dense and hybrid need vectors). */
  embed: boolean;
}

export interface RetrievalRun {
  mode: Mode;
  variant: string;
  chunking: { chunkChars: number; overlapChars: number };
  summary: RetrievalSummary;
  importMs: number;
  msPerQuery: number;
  /** Questions answered in another mode than asked (retrieval degrades to BM25 when embedding fails). */
  degraded: number;
  questions: Array<{ id: string; gold: string; rank: number | null; top: string | null }>;
}

export interface RetrievalEval {
  dataset: { file: string; source: string | null; split: string | null; passages: number; questions: number };
  k: number;
  runs: RetrievalRun[];
  skipped: Array<{ mode: Mode; reason: string }>;
}

/** Filenames are the passage's position, so any id (even "A::p000") maps back without escaping. */
const passageFile = (i: number) => `passage-${String(i + 1).padStart(5, '0')}.txt`;

/** Chunk hits → passage ids, first occurrence wins, at most `k`. */
export function rankedPassages(hits: Pick<SearchHit, 'filename'>[], byFile: ReadonlyMap<string, string>, k = K): string[] {
  const out: string[] = [];
  for (const h of hits) {
    const id = byFile.get(h.filename);
    if (id !== undefined && !out.includes(id)) out.push(id);
    if (out.length === k) break;
  }
  return out;
}

/** Why dense/hybrid cannot run here, or null when an embedding provider is configured and builds. */
function embeddingUnavailable(ctx: CliContext): string | null {
  const e = ctx.engine.currentSettings().embeddings;
  if (e.provider === 'none') return 'no embedding provider is configured (Settings → Providers, or "embeddings" in settings.json)';
  try {
    return ctx.engine.embedder() ? null : `the ${e.provider} embedding provider could not be built`;
  } catch (err) {
    return `the ${e.provider} embedding provider is not usable: ${(err as Error).message}`;
  }
}

/** Indexes the passages into a fresh temporary library through the real import, then asks every question. */
async function evaluateVariant(ctx: CliContext, data: RetrievalDataset, variant: IndexVariant): Promise<RetrievalRun[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-eval-'));
  const { engine, handlers } = engineHandlersFor({ dataDir: path.join(dir, 'data') });
  try {
    engine.useSecretStore(ctx.engine.secrets());
    const sub: CliContext = {
      ...ctx,
      engine,
      dataDir: path.join(dir, 'data'),
      async call<T>(method: string, input?: unknown): Promise<T> {
        const reply = await dispatchCall(handlers, method, input, { signal: new AbortController().signal });
        if (!reply.ok) throw new BscError(reply.error.code, reply.error.message, reply.error.details);
        return reply.value as T;
      },
      onEvent: (listener) => engine.onEvent((e) => listener(e.name, e.payload)),
    };
    await sub.call('settings.set', {
      import: variant.chunking,
      ...(variant.embed ? { embeddings: ctx.engine.currentSettings().embeddings } : {}),
    });

    const folder = path.join(dir, 'passages');
    fs.mkdirSync(folder);
    const byFile = new Map<string, string>();
    data.passages.forEach((p, i) => {
      fs.writeFileSync(path.join(folder, passageFile(i)), p.title ? `${p.title}\n\n${p.text}\n` : `${p.text}\n`);
      byFile.set(passageFile(i), p.id);
    });
    const started = performance.now();
    const jobs = await indexFiles(sub, [folder], undefined, true);
    const importMs = Math.round(performance.now() - started);
    // Identical passages are stored once ("already in the library"): the copy's questions are
    // scored against the stored one.
    const alias = new Map<string, string>();
    const failed = jobs.filter((j) => j.state !== 'done');
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new BscError('INTERNAL', `${failed.length} passage(s) failed to import, e.g. ${first.filename}: ${first.error?.message ?? first.state}`);
    }
    const sha = new Map<string, string>();
    data.passages.forEach((p, i) => {
      const key = `${p.title}\n${p.text}`;
      const canonical = sha.get(key);
      if (canonical) {
        alias.set(p.id, canonical);
        byFile.delete(passageFile(i));
      } else sha.set(key, p.id);
    });

    const runs: RetrievalRun[] = [];
    for (const mode of variant.modes) {
      const results: Array<{ gold: string; ranked: string[] }> = [];
      const questions: RetrievalRun['questions'] = [];
      let degraded = 0;
      const t0 = performance.now();
      for (const q of data.questions) {
        const r = await sub.call<{ hits: SearchHit[]; mode: Mode }>('library.search', { query: q.question, k: K, mode });
        if (r.mode !== mode) degraded++;
        const ranked = rankedPassages(r.hits, byFile);
        const gold = alias.get(q.passage_id) ?? q.passage_id;
        results.push({ gold, ranked });
        const at = ranked.indexOf(gold);
        questions.push({ id: q.id, gold, rank: at === -1 ? null : at + 1, top: ranked[0] ?? null });
      }
      const msPerQuery = Math.round(((performance.now() - t0) / data.questions.length) * 100) / 100;
      runs.push({ mode, variant: variant.name, chunking: variant.chunking, summary: summarizeRetrieval(results), importMs, msPerQuery, degraded, questions });
    }
    return runs;
  } finally {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function evaluateRetrieval(ctx: CliContext, file: string, only: Mode | undefined): Promise<RetrievalEval> {
  const data = parseRetrievalDataset(readJson(file), file);
  const wanted = only ? [only] : [...MODES];
  const noEmbeddings = embeddingUnavailable(ctx);
  const skipped: RetrievalEval['skipped'] = [];
  const withVectors: Mode[] = [];
  for (const mode of wanted.filter((m) => m !== 'bm25')) {
    if (noEmbeddings) skipped.push({ mode, reason: noEmbeddings });
    else withVectors.push(mode);
  }
  const defaults = { chunkChars: 1200, overlapChars: 150 };
  const variants: IndexVariant[] = [];
  if (wanted.includes('bm25') || withVectors.length > 0) {
    variants.push({ name: 'default chunks', chunking: defaults, modes: [...(wanted.includes('bm25') ? ['bm25' as const] : []), ...withVectors], embed: withVectors.length > 0 });
  }
  // A second BM25 index where each passage is one chunk: cheap, and separates chunking effects from ranking.
  if (wanted.includes('bm25')) variants.push({ name: 'one chunk per passage', chunking: { chunkChars: 8000, overlapChars: 0 }, modes: ['bm25'], embed: false });

  const runs: RetrievalRun[] = [];
  for (const v of variants) runs.push(...(await evaluateVariant(ctx, data, v)));
  return {
    dataset: { file, source: data.source ?? null, split: data.split ?? null, passages: data.passages.length, questions: data.questions.length },
    k: K,
    runs,
    skipped,
  };
}

const f3 = (x: number) => x.toFixed(3);

export function formatRetrievalEval(r: RetrievalEval): string {
  const title = `${r.dataset.source ?? path.basename(r.dataset.file)}${r.dataset.split ? ` ${r.dataset.split}` : ''}`;
  const rows = r.runs.map((run) => [
    run.mode,
    `${run.variant} (${run.chunking.chunkChars}/${run.chunking.overlapChars})`,
    f3(run.summary.recallAt5), f3(run.summary.recallAt10), f3(run.summary.mrr), f3(run.summary.ndcgAt10),
    run.msPerQuery.toFixed(1),
  ]);
  const table = formatTable(['mode', 'index (chunk chars/overlap)', 'recall@5', 'recall@10', 'MRR', 'nDCG@10', 'ms/query'], rows);
  const notes = [
    ...r.runs.filter((run) => run.degraded > 0).map((run) => `  note: ${run.mode} fell back to BM25 on ${run.degraded} question(s)`),
    ...r.skipped.map((s) => `  ${s.mode}: skipped — ${s.reason}`),
  ];
  return `Retrieval on ${title}: ${r.dataset.passages} passages, ${r.dataset.questions} questions, top ${r.k} chunks collapsed to passages\n${table}${notes.length ? `${notes.join('\n')}\n` : ''}`;
}

// ---------- router ----------

export interface RouterEval {
  dataset: string;
  router: 'lexical';
  note: string | null;
  score: RouterScore;
  baseline: RouterScore;
  questions: Array<RouterCase & { predicted: Perspective[]; exact: boolean }>;
}

/** Scores the lexical router (the model router is not built yet) beside "always all four". */
export function evaluateRouter(cases: RouterCase[], dataset: string, chatProvider = 'none'): RouterEval {
  const questions = cases.map((c) => {
    const predicted = routeToPerspectives(c.query).perspectives;
    const exact = predicted.length === c.expected.length && predicted.every((p) => c.expected.includes(p));
    return { ...c, predicted, exact };
  });
  const expected = cases.map((c) => c.expected);
  return {
    dataset,
    router: 'lexical',
    note: chatProvider === 'none' ? null : `a chat provider (${chatProvider}) is configured, but the model router is not built yet: scored the lexical router`,
    score: scoreRouter(questions.map((q) => q.predicted), expected),
    baseline: scoreRouter(cases.map(() => [...perspectives]), expected),
    questions,
  };
}

const LETTER: Record<Perspective, string> = { financial: 'F', customer: 'C', process: 'P', learning: 'L' };
const setLabel = (ps: Perspective[]) => (ps.length === 0 ? '(clarify)' : perspectives.filter((p) => ps.includes(p)).map((p) => LETTER[p]).join(''));

export function formatRouterEval(r: RouterEval): string {
  const perQuestion = formatTable(
    ['', 'id', 'expected', 'predicted', 'question'],
    r.questions.map((q) => [q.exact ? 'ok' : 'MISS', q.id, setLabel(q.expected), setLabel(q.predicted), q.query.length > 70 ? `${q.query.slice(0, 69)}…` : q.query]),
  );
  const row = (name: string, s: RouterScore) => [name, `${Math.round(s.exact * s.n)}/${s.n}`, f3(s.exact), f3(s.precision), f3(s.recall), f3(s.f1)];
  const scores = formatTable(['router', 'exact', 'exact rate', 'precision', 'recall', 'F1'], [row(r.router, r.score), row('always all four', r.baseline)]);
  return `Router on ${r.dataset} (F financial, C customer, P process, L learning)\n${perQuestion}${scores}${r.note ? `  note: ${r.note}\n` : ''}`;
}

// ---------- answers (issue 11) ----------

export interface AnswersEval {
  pages: Omit<PageAttribution, 'misses'> & { rate: number; misses: PageAttribution['misses'] };
  firstCitation: (FirstCitation & { rate: number; searchRate: number }) | null;
  abstention: AbstentionMeasure[];
  judge: JudgeMeasure & { caughtRate: number; falseFlagRate: number };
  /** The same judge on FaQuAD claims built from questions 60–120, never looked at while tuning. */
  judgeHeldout: JudgeMeasure & { caughtRate: number; falseFlagRate: number };
  samples: SampleAnswer[];
  skipped: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const share = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Page attribution, first citation vs search top-1, abstention, the judge and the sample questions (see eval-answers.ts). */
export async function evaluateAnswers(ctx: CliContext, root: string, faquadFile: string | null, only: Set<string> | null = null): Promise<AnswersEval> {
  const skipped: string[] = [];
  const want = (part: string) => only === null || only.has(part);
  const { judge: pageJudge, ...pages } = want('pages') || want('judge')
    ? await measurePageAttribution(ctx)
    : { questions: 0, citations: 0, correct: 0, spanning: 0, spanningCorrect: 0, tocQuoted: 0, misses: [], judge: { bad: 0, caught: 0, good: 0, falseFlags: 0, byKind: {}, errors: [] } };
  let firstCitation: AnswersEval['firstCitation'] = null;
  let faquadCases: ReturnType<typeof faquadJudgeCases> = [];
  let heldoutCases: ReturnType<typeof faquadJudgeCases> = [];
  let faquadTexts: string[] = [];
  if (faquadFile) {
    const raw = readJson(faquadFile);
    const data = parseRetrievalDataset(raw, faquadFile);
    if (want('first')) {
      const fc = await measureFirstCitation(ctx, data);
      firstCitation = { ...fc, rate: share(fc.firstIsGold, fc.questions), searchRate: share(fc.searchTop1, fc.questions) };
    }
    faquadCases = faquadJudgeCases(raw as Parameters<typeof faquadJudgeCases>[0], 0, 60);
    heldoutCases = faquadJudgeCases(raw as Parameters<typeof faquadJudgeCases>[0], 60, 120);
    faquadTexts = data.passages.map((p) => p.text);
  } else skipped.push('first citation and the FaQuAD part of the judge set: ../shared/eval/faquad-dev.json not found');
  const judgeM = want('judge') ? mergeJudge(measureJudge(faquadCases, faquadTexts), pageJudge) : pageJudge;
  const judge = { ...judgeM, caughtRate: share(judgeM.caught, judgeM.bad), falseFlagRate: share(judgeM.falseFlags, judgeM.good) };
  const h = measureJudge(want('judge') ? heldoutCases : [], faquadTexts);
  const judgeHeldout = { ...h, caughtRate: share(h.caught, h.bad), falseFlagRate: share(h.falseFlags, h.good) };
  const { abstention, samples } = !want('abstention') && !want('samples') ? { abstention: [], samples: [] } : await withTempLibrary(ctx, sampleLibraryFiles(path.join(root, 'resources/sample-library')), async (lib) => ({
    abstention: want('abstention') ? [await measureAbstention(lib, path.join(root, 'scripts/eval/abstention-set.json')), await measureAbstention(lib, path.join(root, 'scripts/eval/abstention-holdout.json'))] : [],
    samples: want('samples') ? await sampleAnswers(lib) : [],
  }));
  return { pages: { ...pages, rate: share(pages.correct, pages.citations) }, firstCitation, abstention, judge, judgeHeldout, samples, skipped };
}

export function formatAnswersEval(r: AnswersEval): string {
  const lines: string[] = ['Answers (issue 11), offline, through chat.ask on temporary libraries'];
  const p = r.pages;
  lines.push(`  page attribution (generated PDF, roman front matter, arabic body): ${p.correct}/${p.citations} citations = ${pct(p.rate)} (goal 100%); spanning a page break ${p.spanningCorrect}/${p.spanning}; table-of-contents quoted ${p.tocQuoted}; ${p.questions} questions`);
  for (const m of p.misses) lines.push(`    miss: "${m.excerpt}…" expected ${m.expected.join('–')} got ${m.got.join('–')}`);
  if (r.firstCitation) {
    const f = r.firstCitation;
    lines.push(`  first citation = gold passage (FaQuAD dev as a library): ${f.firstIsGold}/${f.questions} = ${pct(f.rate)}; search top-1 (bm25) ${f.searchTop1}/${f.questions} = ${pct(f.searchRate)}; answered "not covered" ${f.notCovered}, no citation ${f.noCitation}`);
    for (const m of f.misses) lines.push(`    search right, answer not (${m.kind}, first cited = search rank ${m.rankOfFirst ?? '—'}): ${m.question} → "${m.first ?? ''}"`);
  }
  for (const a of r.abstention) {
    lines.push(`  abstention (${a.set}, sample library): unanswerable abstained ${a.abstained}/${a.unanswerable} = ${pct(share(a.abstained, a.unanswerable))} (goal ≥90%); answerable answered ${a.answered}/${a.answerable} = ${pct(share(a.answered, a.answerable))} (goal ≥95%)`);
    for (const w of a.wrong) lines.push(`    wrong: ${w.id} ${w.kind} (coverage ${w.score ?? '—'}) ${w.query}`);
  }
  const j = r.judge;
  lines.push(`  judge (lexical) on ${j.bad + j.good} labelled claims: unsupported caught ${j.caught}/${j.bad} = ${pct(j.caughtRate)} (goal ≥80%); good flagged ${j.falseFlags}/${j.good} = ${pct(j.falseFlagRate)} (goal ≤10%)`);
  for (const [kind, k] of Object.entries(j.byKind)) lines.push(`    ${kind}: flagged ${k.flagged}/${k.n}`);
  for (const e of j.errors) lines.push(`    judged wrongly (${e.kind}, pp ${e.pages}): "${e.claim}" — ${e.reason}`);
  const h = r.judgeHeldout;
  if (h.bad + h.good > 0) {
    lines.push(`  judge, held-out FaQuAD claims (not used for tuning): caught ${h.caught}/${h.bad} = ${pct(h.caughtRate)}; good flagged ${h.falseFlags}/${h.good} = ${pct(h.falseFlagRate)}`);
    for (const [kind, k] of Object.entries(h.byKind)) lines.push(`    ${kind}: flagged ${k.flagged}/${k.n}`);
  }
  lines.push('  sample library, the issue\'s questions (first citation):');
  for (const s of r.samples) lines.push(`    ${s.question} → ${s.kind}; ${s.first ?? '(no citation)'}`);
  for (const s of r.skipped) lines.push(`  skipped: ${s}`);
  return `${lines.join('\n')}\n`;
}

// ---------- shared ----------

/** Left-aligned text columns, numbers right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d./]+$/.test(r[i] ?? '')));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].map((l) => `  ${l}`).join('\n')}\n`;
}

/** The repository: the first folder above this file (source or dist/main bundle) with a package.json. */
export function findRepoRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new BscError('NOT_FOUND', `No package.json above ${from}: cannot find the repository.`);
  }
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function parseMode(raw: unknown): Mode | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !(MODES as readonly string[]).includes(raw)) throw new UsageError('--mode must be bm25, dense or hybrid');
  return raw as Mode;
}

function datasetOption(ctx: CliContext, what: string): string {
  const raw = ctx.options.dataset;
  if (typeof raw !== 'string' || raw.length === 0) throw new UsageError(`eval ${what} needs --dataset FILE`);
  return path.resolve(raw);
}

/** Artifacts per mode, unless --out names one file for everything. */
function saveRetrieval(r: RetrievalEval, out: string | undefined, artifacts: string): string[] {
  if (out) {
    writeJson(out, r);
    return [out];
  }
  const at = new Date().toISOString();
  return [...new Set(r.runs.map((run) => run.mode))].map((mode) => {
    const file = path.join(artifacts, `eval-retrieval-${mode}.json`);
    writeJson(file, { at, dataset: r.dataset, k: r.k, mode, runs: r.runs.filter((run) => run.mode === mode) });
    return file;
  });
}

async function runRetrieval(ctx: CliContext, file: string, mode: Mode | undefined, out: string | undefined): Promise<RetrievalEval> {
  const r = await evaluateRetrieval(ctx, file, mode);
  const written = saveRetrieval(r, out, path.join(findRepoRoot(), 'test/artifacts'));
  if (!ctx.json) ctx.io.out(`${formatRetrievalEval(r)}  wrote ${written.join(', ')}\n\n`);
  return r;
}

function runRouter(ctx: CliContext, file: string, out: string | undefined): RouterEval {
  const r = evaluateRouter(parseRouterDataset(readJson(file), file), path.basename(file), ctx.engine.currentSettings().chat.provider);
  const target = out ?? path.join(findRepoRoot(), 'test/artifacts', `eval-router-${path.basename(file, '.json')}.json`);
  writeJson(target, r);
  if (!ctx.json) ctx.io.out(`${formatRouterEval(r)}  wrote ${target}\n\n`);
  return r;
}

export const evalCommands: CliCommand[] = [
  {
    name: 'eval',
    help: 'eval retrieval|router|answers|all  quality on a dataset [--dataset FILE] [--mode bm25|dense|hybrid] [--out FILE]',
    options: { dataset: { type: 'string' }, mode: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } },
    async run(ctx) {
      const [what, ...rest] = ctx.args;
      if (rest.length > 0) throw new UsageError(`eval takes one of retrieval, router, answers, all (got "${ctx.args.join(' ')}")`);
      const mode = parseMode(ctx.options.mode);
      const out = typeof ctx.options.out === 'string' ? path.resolve(ctx.options.out) : undefined;
      if (what === 'retrieval') {
        const r = await runRetrieval(ctx, datasetOption(ctx, 'retrieval'), mode, out);
        if (ctx.json) ctx.io.out(`${JSON.stringify(r, null, 2)}\n`);
        if (r.runs.length === 0) {
          ctx.io.err(`nothing was evaluated: ${r.skipped.map((s) => `${s.mode} skipped (${s.reason})`).join('; ')}\n`);
          return 1;
        }
        return 0;
      }
      if (what === 'router') {
        if (mode) throw new UsageError('--mode applies to eval retrieval');
        const r = runRouter(ctx, datasetOption(ctx, 'router'), out);
        if (ctx.json) ctx.io.out(`${JSON.stringify(r, null, 2)}\n`);
        return 0;
      }
      if (what === 'answers') {
        const root = findRepoRoot();
        const faquad = path.resolve(root, '../shared/eval/faquad-dev.json');
        const only = typeof ctx.options.only === 'string' ? new Set(ctx.options.only.split(',')) : null;
        const r = await evaluateAnswers(ctx, root, fs.existsSync(faquad) ? faquad : null, only);
        writeJson(out ?? path.join(root, 'test/artifacts/eval-answers.json'), r);
        ctx.io.out(ctx.json ? `${JSON.stringify(r, null, 2)}\n` : formatAnswersEval(r));
        return 0;
      }
      if (what === 'all') {
        if (ctx.options.dataset !== undefined || out) throw new UsageError('eval all uses the development sets; --dataset and --out apply to eval retrieval/router');
        const root = findRepoRoot();
        const shared = path.resolve(root, '../shared/eval');
        const faquad = path.join(shared, 'faquad-dev.json');
        const bscQueries = path.join(shared, 'bsc-queries-dev.json');
        const heldout = path.join(root, 'main/engine/agents/fixtures/router-heldout.json');
        const result: { retrieval: RetrievalEval | null; router: RouterEval[]; answers: AnswersEval | null; skipped: string[] } = { retrieval: null, router: [], answers: null, skipped: [] };
        const skip = (why: string) => {
          result.skipped.push(why);
          if (!ctx.json) ctx.io.out(`skipped: ${why}\n\n`);
        };
        if (fs.existsSync(faquad)) result.retrieval = await runRetrieval(ctx, faquad, mode, undefined);
        else skip(`retrieval on FaQuAD dev — ${faquad} not found (the development sets live in ../shared/eval beside the repository)`);
        if (fs.existsSync(bscQueries)) result.router.push(runRouter(ctx, bscQueries, undefined));
        else skip(`router on the dev set — ${bscQueries} not found`);
        result.router.push(runRouter(ctx, heldout, undefined));
        for (const own of ['router-dev.json', 'router-holdout.json']) result.router.push(runRouter(ctx, path.join(root, 'scripts/eval', own), undefined));
        result.answers = await evaluateAnswers(ctx, root, fs.existsSync(faquad) ? faquad : null);
        writeJson(path.join(root, 'test/artifacts/eval-answers.json'), result.answers);
        if (!ctx.json) ctx.io.out(formatAnswersEval(result.answers));
        if (ctx.json) ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      throw new UsageError(what ? `unknown evaluation "${what}": use retrieval, router, answers or all` : 'eval needs retrieval, router, answers or all');
    },
  },
];
