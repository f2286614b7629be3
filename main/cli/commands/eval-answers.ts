// Measures of the answers themselves (issue 11), each on a temporary library built through the
// real import and asked through chat.ask offline: page attribution on a generated PDF, first
// citation vs search top-1 on FaQuAD, abstention, the judge on a generated labelled set, and the
// issue's sample questions on the sample library.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Answer, AnswerEvent, AnswerSource, SearchHit } from '../../../preload/contract';
import { pageAttributionDoc } from '../../../scripts/eval/page-attribution-doc';
import { pageLabelAt, type PageLabelRange } from '../../../scripts/pdf-writer';
import { judgeLexically } from '../../engine/agents/judge-lexical';
import { excerptOnPages, pageReaderFor } from '../../engine/agents/page-map';
import { passageUnits } from '../../engine/agents/passage-units';
import { poolTermStats } from '../../engine/agents/evidence';
import { sourceLabel } from '../../engine/agents/sources';
import { dispatchCall } from '../../engine/dispatch';
import type { Engine } from '../../engine/engine';
import { engineHandlersFor } from '../../engine/engine-process-handlers';
import { BscError } from '../../engine/errors';
import type { CliContext } from '../command';
import type { RetrievalDataset } from './eval';
import { indexFiles } from './library';

/** A library in a temporary data folder, asked through the contract like the CLI does. */
export interface TempLibrary {
  engine: Engine;
  call<T>(method: string, input?: unknown): Promise<T>;
  ask(question: string): Promise<Answer>;
}

export async function withTempLibrary<T>(ctx: CliContext, files: Array<{ name: string; bytes: Uint8Array | string }>, use: (lib: TempLibrary) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-eval-answers-'));
  const dataDir = path.join(dir, 'data');
  const { engine, handlers } = engineHandlersFor({ dataDir, primary: false });
  try {
    const call = async <R>(method: string, input?: unknown): Promise<R> => {
      const reply = await dispatchCall(handlers, method, input, { signal: new AbortController().signal });
      if (!reply.ok) throw new BscError(reply.error.code, reply.error.message, reply.error.details);
      return reply.value as R;
    };
    const sub: CliContext = { ...ctx, engine, dataDir, call, onEvent: (listener) => engine.onEvent((e) => listener(e.name, e.payload)) };
    const folder = path.join(dir, 'docs');
    fs.mkdirSync(folder);
    for (const f of files) fs.writeFileSync(path.join(folder, f.name), f.bytes);
    const jobs = await indexFiles(sub, [folder], undefined, true);
    const failed = jobs.filter((j) => j.state !== 'done' && !/already/i.test(j.error?.message ?? ''));
    if (failed.length) throw new BscError('INTERNAL', `${failed.length} document(s) failed to import, e.g. ${failed[0]!.filename}: ${failed[0]!.error?.message ?? failed[0]!.state}`);
    const ask = async (question: string): Promise<Answer> => {
      let answerId: string | null = null;
      const early: AnswerEvent[] = [];
      let settle: (a: Answer) => void = () => {};
      const done = new Promise<Answer>((r) => { settle = r; });
      const take = (e: AnswerEvent) => {
        if (e.type === 'done') settle(e.answer);
        else if (e.type === 'error') settle(e.partial ?? ({ kind: 'extractive', sources: [], text: '', status: 'failed' } as unknown as Answer));
      };
      const off = engine.onEvent((e) => {
        if (e.name !== 'onAnswer') return;
        const ev = e.payload as AnswerEvent;
        if (answerId === null) early.push(ev);
        else if (ev.answerId === answerId) take(ev);
      });
      try {
        answerId = (await call<{ answerId: string }>('chat.ask', { question })).answerId;
        for (const ev of early) if (ev.answerId === answerId) take(ev);
        return await done;
      } finally {
        off();
      }
    };
    return await use({ engine, call, ask });
  } finally {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- page attribution ----------

export interface PageAttribution {
  questions: number;
  citations: number;
  correct: number;
  /** Citations whose excerpt runs over a page break, and how many of those are right. */
  spanning: number;
  spanningCorrect: number;
  /** Citations quoting the table of contents (never wanted). */
  tocQuoted: number;
  misses: Array<{ question: string; excerpt: string; expected: string[]; got: string[] }>;
}

const squash = (s: string) => s.replace(/[\s\u00ad-]+/g, '');

/** The truth: each page's text as pdf.js reads it page by page, squashed, with its printed label. */
async function pdfPageTexts(bytes: Uint8Array, labels: PageLabelRange[]): Promise<Array<{ label: string; text: string }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
  const doc = await pdfjs.getDocument({ data: bytes.slice(), standardFontDataUrl: fonts, isEvalSupported: false }).promise;
  const out: Array<{ label: string; text: string }> = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    out.push({ label: pageLabelAt(i - 1, labels), text: squash(content.items.map((it) => ('str' in it ? it.str : '')).join(' ')) });
  }
  await doc.destroy();
  return out;
}

/** Labels of the pages an excerpt lies on, found in the concatenated page texts. */
function truePages(excerpt: string, pages: Array<{ label: string; text: string }>): string[] | null {
  const all = pages.map((p) => p.text).join('');
  const at = all.indexOf(squash(excerpt.replace(/[*_`#>|]/g, '')));
  if (at < 0) return null;
  const end = at + squash(excerpt.replace(/[*_`#>|]/g, '')).length;
  const labels: string[] = [];
  let offset = 0;
  for (const p of pages) {
    if (offset < end && offset + p.text.length > at) labels.push(p.label);
    offset += p.text.length;
  }
  return labels;
}

/** Page attribution, and the judge on right and wrong pages of the same citations (checked while the library is open). */
export async function measurePageAttribution(ctx: CliContext): Promise<PageAttribution & { judge: JudgeMeasure }> {
  const doc = await pageAttributionDoc();
  const truth = await pdfPageTexts(doc.bytes, doc.labels);
  return withTempLibrary(ctx, [{ name: 'manual-de-indicadores.pdf', bytes: doc.bytes }], async (lib) => {
    const r: PageAttribution = { questions: doc.questions.length, citations: 0, correct: 0, spanning: 0, spanningCorrect: 0, tocQuoted: 0, misses: [] };
    const judgeCases: JudgeCase[] = [];
    const reader = pageReaderFor(lib.engine.database());
    for (const q of doc.questions) {
      const answer = await lib.ask(q);
      for (const s of answer.sources) {
        if (!s.excerpt) continue;
        r.citations++;
        const expected = truePages(s.excerpt, truth) ?? ['(not found in the PDF)'];
        const got = s.pageLabels ?? [s.pageLabel];
        const ok = expected.join('|') === got.join('|');
        if (expected.length > 1) r.spanning++;
        if (ok) r.correct++;
        if (ok && expected.length > 1) r.spanningCorrect++;
        if (!ok && r.misses.length < 10) r.misses.push({ question: q, excerpt: s.excerpt.slice(0, 90), expected, got });
        if (expected.includes('iii') || /\.{6,}/.test(s.excerpt)) r.tocQuoted++;
        if (ok) judgeCases.push(...pageCases(q, s, truth.map((p) => p.label), reader));
      }
    }
    return { ...r, judge: measureJudge(judgeCases, (lib.engine.database().prepare('SELECT text FROM chunks').all() as Array<{ text: string }>).map((c) => c.text)) };
  });
}

/** A right citation (good) and the same citation moved to the next page (bad), for the judge set. */
function pageCases(question: string, s: AnswerSource, labels: string[], reader: ReturnType<typeof pageReaderFor>): JudgeCase[] {
  const claim = s.excerpt!.replace(/\s+/g, ' ').trim();
  const next = labels[s.pageEnd];
  const check = (x: AnswerSource) => excerptOnPages(reader, x);
  const cases: JudgeCase[] = [{ kind: 'good: right page', good: true, question, claim, source: s, checkPages: check }];
  if (next) cases.push({ kind: 'bad: wrong page', good: false, question, claim, source: { ...s, pageStart: s.pageStart + 1, pageEnd: s.pageEnd + 1, pageLabel: labels[s.pageStart]!, pageLabels: s.pageLabels!.map((_, i) => labels[s.pageStart + i]!) }, checkPages: check });
  return cases;
}

// ---------- first citation on FaQuAD ----------

export interface FirstCitation {
  questions: number;
  firstIsGold: number;
  searchTop1: number;
  notCovered: number;
  noCitation: number;
  /** Questions whose first citation is not the gold passage although search's top-1 is. */
  misses: Array<{ question: string; kind: string; first: string | null; rankOfFirst: number | null }>;
}

const passageFile = (i: number) => `passage-${String(i + 1).padStart(5, '0')}.txt`;

export async function measureFirstCitation(ctx: CliContext, data: RetrievalDataset): Promise<FirstCitation> {
  const files = data.passages.map((p, i) => ({ name: passageFile(i), bytes: p.title ? `${p.title}\n\n${p.text}\n` : `${p.text}\n` }));
  const byFile = new Map(data.passages.map((p, i) => [passageFile(i), p.id]));
  // Identical passages are stored once: their questions are scored against the stored copy.
  const canonical = new Map<string, string>();
  const alias = new Map<string, string>();
  for (const p of data.passages) {
    const key = `${p.title}\n${p.text}`;
    const first = canonical.get(key);
    if (first) alias.set(p.id, first);
    else canonical.set(key, p.id);
  }
  return withTempLibrary(ctx, files, async (lib) => {
    const r: FirstCitation = { questions: data.questions.length, firstIsGold: 0, searchTop1: 0, notCovered: 0, noCitation: 0, misses: [] };
    for (const q of data.questions) {
      const gold = alias.get(q.passage_id) ?? q.passage_id;
      const search = await lib.call<{ hits: SearchHit[] }>('library.search', { query: q.question, k: 10, mode: 'bm25' });
      const ranked = search.hits.map((h) => byFile.get(h.filename));
      const searchRight = ranked[0] === gold;
      if (searchRight) r.searchTop1++;
      const answer = await lib.ask(q.question);
      if (answer.kind === 'not-covered') r.notCovered++;
      const first = answer.kind === 'not-covered' ? undefined : answer.sources[0];
      const right = first !== undefined && byFile.get(first.filename) === gold;
      if (!first) r.noCitation++;
      else if (right) r.firstIsGold++;
      if (!right && searchRight && r.misses.length < 12) {
        const at = first ? ranked.indexOf(byFile.get(first.filename)) : -1;
        r.misses.push({ question: q.question, kind: answer.router?.needsClarification ? 'clarify' : answer.kind, first: first ? (first.excerpt ?? '').slice(0, 80) : null, rankOfFirst: at < 0 ? null : at + 1 });
      }
    }
    return r;
  });
}

// ---------- judge ----------

export interface JudgeCase {
  kind: string;
  good: boolean;
  question: string;
  claim: string;
  source: AnswerSource;
  checkPages?: (s: AnswerSource) => boolean | null;
}

export interface JudgeMeasure {
  bad: number;
  caught: number;
  good: number;
  falseFlags: number;
  byKind: Record<string, { n: number; flagged: number }>;
  /** A few wrong decisions per kind, to read. */
  errors: Array<{ kind: string; question: string; claim: string; pages: string; reason: string }>;
}

function sentenceAround(text: string, offset: number): { start: number; end: number } | null {
  const u = passageUnits(text).find((x) => x.kind === 'sentence' && x.start <= offset && offset < x.end);
  return u ? { start: u.start, end: u.end } : null;
}

function sourceOf(n: number, id: string, text: string, span: { start: number; end: number }): AnswerSource {
  return {
    n, chunkId: n, documentId: id, filename: `${id}.txt`, title: null, pageStart: 1, pageEnd: 1, pageLabel: '1', pageLabels: ['1'],
    quote: text, excerpt: text.slice(span.start, span.end), excerptStart: span.start, excerptEnd: span.end, score: 1, store: 'embedded', perspective: null,
  };
}

const longestWords = (s: string, n: number) => [...new Set(s.match(/[\p{L}]{6,}/gu) ?? [])].sort((a, b) => b.length - a.length).slice(0, n);

/**
 * The labelled judge set built from FaQuAD: for each question, the sentence holding the gold answer
 * (good, verbatim and shortened), and four bad claims: the right sentence cited to another
 * passage's excerpt, another question's answer cited to its own excerpt (supported but off-topic),
 * another answer cited to this excerpt, and the right sentence with its key words swapped for others.
 */
export function faquadJudgeCases(data: Pick<RetrievalDataset, 'passages'> & { questions: Array<RetrievalDataset['questions'][number] & { answers?: Array<{ answer_start: number }> }> }, from: number, to: number): JudgeCase[] {
  const byId = new Map(data.passages.map((p) => [p.id, p]));
  const golds = data.questions
    .map((q) => {
      const p = byId.get(q.passage_id);
      const at = q.answers?.[0]?.answer_start;
      const span = p && at !== undefined ? sentenceAround(p.text, at) : null;
      return p && span ? { q, p, span, sentence: p.text.slice(span.start, span.end).replace(/\s+/g, ' ') } : null;
    })
    .filter((g): g is NonNullable<typeof g> => g !== null);
  const all = golds.filter((g, i) => golds.findIndex((x) => x.p.id === g.p.id) === i || i % 3 === 0);
  const picked = all.slice(from, to);
  // The wrong material comes from another article (ids are "ARTICLE::pNNN"), so "off-topic" is off-topic.
  const article = (id: string) => id.split('::')[0];
  const cases: JudgeCase[] = [];
  picked.forEach((g, i) => {
    const other = all.slice(from + i + 7).concat(all.slice(0, from + i)).find((x) => article(x.p.id) !== article(g.p.id))!;
    const gold = sourceOf(1, g.p.id, g.p.text, g.span);
    const theirs = sourceOf(1, other.p.id, other.p.text, other.span);
    const words = g.sentence.split(' ');
    const swapped = longestWords(g.sentence, 3).reduce((s, w, k) => s.replace(w, longestWords(other.sentence, 3)[k] ?? 'inexistente'), g.sentence);
    cases.push(
      { kind: 'good: verbatim', good: true, question: g.q.question, claim: g.sentence, source: gold },
      ...(words.length >= 12 ? [{ kind: 'good: shortened', good: true, question: g.q.question, claim: `${words.slice(0, Math.ceil(words.length * 0.7)).join(' ').replace(/[,;:]$/, '')}.`, source: gold }] : []),
      { kind: 'bad: wrong excerpt', good: false, question: g.q.question, claim: g.sentence, source: theirs },
      { kind: 'bad: off-topic (supported)', good: false, question: g.q.question, claim: other.sentence, source: theirs },
      { kind: 'bad: unsupported sentence', good: false, question: g.q.question, claim: other.sentence, source: gold },
      { kind: 'bad: key words swapped', good: false, question: g.q.question, claim: swapped, source: gold },
    );
  });
  return cases;
}

export function mergeJudge(a: JudgeMeasure, b: JudgeMeasure): JudgeMeasure {
  const byKind = { ...a.byKind };
  for (const [k, v] of Object.entries(b.byKind)) byKind[k] = { n: (byKind[k]?.n ?? 0) + v.n, flagged: (byKind[k]?.flagged ?? 0) + v.flagged };
  return { bad: a.bad + b.bad, caught: a.caught + b.caught, good: a.good + b.good, falseFlags: a.falseFlags + b.falseFlags, byKind, errors: [...a.errors, ...b.errors] };
}

export function measureJudge(cases: JudgeCase[], statsTexts: string[]): JudgeMeasure {
  const stats = poolTermStats(statsTexts);
  const m: JudgeMeasure = { bad: 0, caught: 0, good: 0, falseFlags: 0, byKind: {}, errors: [] };
  for (const c of cases) {
    const report = judgeLexically({
      question: c.question, claims: [{ sentence: c.claim, citations: [c.source.n] }], sources: [c.source], perspectives: [], threshold: 0.7, lang: 'pt', stats,
      ...(c.checkPages ? { checkPages: c.checkPages } : {}),
    });
    const flagged = !report.claims[0]!.supported;
    if (flagged === c.good && m.errors.filter((e) => e.kind === c.kind).length < 3) {
      m.errors.push({ kind: c.kind, question: c.question, claim: c.claim.slice(0, 140), pages: `${c.source.pageStart}-${c.source.pageEnd} ${(c.source.pageLabels ?? []).join('–')}`, reason: report.claims[0]!.reason });
    }
    const k = (m.byKind[c.kind] ??= { n: 0, flagged: 0 });
    k.n++;
    if (flagged) k.flagged++;
    if (c.good) {
      m.good++;
      if (flagged) m.falseFlags++;
    } else {
      m.bad++;
      if (flagged) m.caught++;
    }
  }
  return m;
}

// ---------- abstention and the sample questions ----------

export interface AbstentionMeasure {
  set: string;
  answerable: number;
  answered: number;
  unanswerable: number;
  abstained: number;
  wrong: Array<{ id: string; query: string; kind: string; score: number | null }>;
}

interface AbstentionSet { answerable: Array<{ id: string; query: string }>; unanswerable: Array<{ id: string; query: string }> }

export async function measureAbstention(lib: TempLibrary, file: string): Promise<AbstentionMeasure> {
  const set = JSON.parse(fs.readFileSync(file, 'utf8')) as AbstentionSet;
  const m: AbstentionMeasure = { set: path.basename(file), answerable: set.answerable.length, answered: 0, unanswerable: set.unanswerable.length, abstained: 0, wrong: [] };
  for (const [group, list] of [['answerable', set.answerable], ['unanswerable', set.unanswerable]] as const) {
    for (const q of list) {
      const a = await lib.ask(q.query);
      const abstained = a.kind === 'not-covered';
      if (group === 'answerable' && !abstained) m.answered++;
      if (group === 'unanswerable' && abstained) m.abstained++;
      if ((group === 'answerable') === abstained) m.wrong.push({ id: q.id, query: q.query, kind: a.kind, score: a.coverage?.score ?? null });
    }
  }
  return m;
}

export interface SampleAnswer {
  question: string;
  kind: Answer['kind'];
  first: string | null;
}

export const SAMPLE_QUESTIONS = [
  'O que é um mapa estratégico?',
  'Quais indicadores usar na perspectiva financeira?',
  'Como testar as setas de causa e efeito do mapa estratégico?',
  'What is the capital of France?',
];

export async function sampleAnswers(lib: TempLibrary): Promise<SampleAnswer[]> {
  const out: SampleAnswer[] = [];
  for (const question of SAMPLE_QUESTIONS) {
    const a = await lib.ask(question);
    const s = a.sources[0];
    out.push({ question, kind: a.kind, first: s ? `[${s.n}] ${sourceLabel(s)}: “${(s.excerpt ?? s.quote).replace(/\s+/g, ' ').slice(0, 110)}…”` : null });
  }
  return out;
}

/** The sample library's files, for a temporary library (README left out, as the app's loader does). */
export function sampleLibraryFiles(dir: string): Array<{ name: string; bytes: Uint8Array }> {
  return fs.readdirSync(dir).filter((f) => f !== 'README.md').map((f) => ({ name: f, bytes: fs.readFileSync(path.join(dir, f)) }));
}
