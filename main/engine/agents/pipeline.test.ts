import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Answer, AnswerEvent, type EngineEvent, type ImportJob, type Perspective } from '../../../preload/contract';
import { startAnthropicStandin, type AnthropicStandin, type ChatRequestRecord } from '../../../test/standins/anthropic-standin';
import { conversationsOf } from '../db/conversations';
import { dispatchCall } from '../dispatch';
import { Engine, chatDepsOf, engineHandlers } from '../engine';
import { silentLog } from '../observability/log';
import { envSecretStore } from '../settings/secrets';
import { createChatRuntime, type ChatRuntime } from './chat-runtime';
import { pipelineMeasures } from './measure-pipeline';
import { perspectiveNames } from './perspectives';
import { headingFor, perspectiveOfHeading } from './sections';
import { sourceLabel } from './sources';

const apiKey = 'sk-ant-pipeline-test-0123456789';
const TERMINAL = new Set(['done', 'failed', 'cancelled', 'needs-password']);

let dir: string;
let engine: Engine;
let standin: AnthropicStandin;
let runtime: ChatRuntime;
const events: EngineEvent[] = [];

async function importSample(): Promise<ImportJob[]> {
  const jobs = engine.importFiles([{ path: engine.sampleLibraryDir() }]);
  const ids = new Set(jobs.map((j) => j.id));
  const until = Date.now() + 120_000;
  for (;;) {
    const all = engine.lib().queue.jobs().filter((j) => ids.has(j.id));
    if (all.length === ids.size && all.every((j) => TERMINAL.has(j.state))) return all;
    if (Date.now() > until) throw new Error('sample import did not finish');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-pipeline-'));
  engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, emit: (e) => events.push(e) });
  engine.useSecretStore(envSecretStore({ ANTHROPIC_API_KEY: apiKey }));
  const jobs = await importSample();
  expect(jobs.every((j) => j.state === 'done')).toBe(true);
  standin = await startAnthropicStandin({ apiKey });
  runtime = createChatRuntime(chatDepsOf(engine.services), { chatTuning: { retry: { baseDelayMs: 5, maxDelayMs: 20 } } });
}, 180_000);

afterAll(async () => {
  runtime?.close();
  engine?.close();
  await standin?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  standin.script.clear();
  standin.script.latencyMs = 0;
  standin.requests.length = 0;
  events.length = 0;
  engine.database().prepare('DELETE FROM answer_cache').run();
  engine.updateSettings({ chat: { provider: 'none', baseUrl: null } });
});

function useStandin() {
  engine.updateSettings({ chat: { provider: 'anthropic', baseUrl: standin.url } });
  // Keys are bound to the endpoint they were entered for: enter it again for the stand-in.
  engine.useSecretStore(engine.secrets(), 'anthropicApiKey');
}

function answerEvents(answerId: string): AnswerEvent[] {
  return events.filter((e) => e.name === 'onAnswer').map((e) => AnswerEvent.parse(e.payload)).filter((e) => e.answerId === answerId);
}

const roleOf = (r: ChatRequestRecord): string => {
  const p = r.promptText;
  if (p.includes('You rewrite a follow-up question')) return 'condense';
  if (p.includes('You route questions')) return 'router';
  if (p.includes('You are the specialist for the')) return 'specialist';
  if (p.includes('You write the final answer')) return 'synthesizer';
  if (p.includes('You are the judge')) return 'judge';
  if (p.includes("Translate the user's search question")) return 'translate';
  return 'unknown';
};

const englishName = (p: Perspective) => perspectiveNames[p].en;

/** A scripted model that answers each role as the real one would, from what its prompt holds. */
function scriptedModel(opts: { route?: Perspective[]; judge?: (r: ChatRequestRecord, nth: number) => string } = {}) {
  let judged = 0;
  return (r: ChatRequestRecord): string => {
    switch (roleOf(r)) {
      case 'condense':
        return 'Quais indicadores usar na perspectiva dos clientes?';
      case 'translate':
        // The sample library mixes Portuguese and English: the question is also searched in English.
        return 'Which indicators should be used in the balanced scorecard?';
      case 'router':
        return JSON.stringify({ perspectives: opts.route ?? ['financial', 'customer', 'process', 'learning'], reason: 'Pergunta geral sobre o BSC.', needsClarification: false, clarifyingQuestion: null });
      case 'specialist': {
        const name = /specialist for the (.+?) perspective/.exec(r.promptText)![1]!;
        const allowed = [...(/You may cite only ([\d\[\], ]+)\./.exec(r.promptText)![1]!.matchAll(/\d+/g))].map((m) => Number(m[0]));
        return `Para a perspectiva ${name}, os trechos tratam de objetivos e indicadores [${allowed[0]}]. Também citam metas [${allowed[1] ?? allowed[0]}] e um número que não é meu [99].`;
      }
      case 'synthesizer': {
        const drafts = [...r.promptText.matchAll(/### Draft for the (.+?) perspective\n(.+)/g)];
        const body = drafts.map(([, name, draft]) => `## ${headingFor(perspectiveOfHeading(name!)!, 'pt')}\n\n${draft}`).join('\n\n');
        const revised = r.promptText.includes('Reviewer feedback:');
        return `${revised ? 'Resposta revisada.' : 'Resposta direta.'} O BSC traduz a estratégia em objetivos e indicadores [1].\n\n${body}`;
      }
      case 'judge': {
        judged++;
        if (opts.judge) return opts.judge(r, judged);
        return JSON.stringify({ completeness: 0.9, grounding: 0.9, citationQuality: 0.9, verdict: 'pass', feedback: 'Bom.', claims: [] });
      }
      default:
        return 'unexpected request';
    }
  };
}

function queue(n: number, respond: (r: ChatRequestRecord) => string, chunkSize = 12) {
  for (let i = 0; i < n; i++) standin.script.reply(respond, { chunkSize });
}

describe('answer pipeline with a language model (Anthropic stand-in)', () => {
  it('streams a four-perspective answer, refines it once with the judge\'s feedback, and stores it', async () => {
    useStandin();
    const feedback = 'FEEDBACK-7Q: a frase sobre metas não é sustentada pelo trecho citado; cite o trecho certo.';
    const respond = scriptedModel({
      judge: (r, nth) => nth === 1
        ? JSON.stringify({ completeness: 0.8, grounding: 0.4, citationQuality: 0.5, verdict: 'fail', feedback, claims: [{ sentence: 'Resposta direta.', citations: [], supported: false, reason: 'sem citação' }] })
        : JSON.stringify({ completeness: 0.9, grounding: 0.85, citationQuality: 0.9, verdict: 'pass', feedback: 'Agora está sustentada.', claims: [{ sentence: 'Resposta revisada.', citations: [], supported: false, reason: 'frase sem citação' }] }),
    });
    queue(13, respond);

    const receipt = runtime.ask({ question: 'Como montar um Balanced Scorecard completo para uma cooperativa?' });
    const answer = (await receipt.finished)!;
    expect(answer.error).toBeNull();
    expect(answer.status).toBe('complete');
    expect(Answer.parse(answer)).toBeTruthy();

    // One router, four specialists, synthesizer, judge, refined synthesizer, judge again.
    expect(standin.requests.map(roleOf)).toEqual(['router', 'translate', 'specialist', 'specialist', 'specialist', 'specialist', 'synthesizer', 'judge', 'synthesizer', 'judge']);
    expect(answer.retrieval.notes.join(' ')).toMatch(/Also searched in English: “Which indicators/);
    const specialistPrompts = standin.requests.filter((r) => roleOf(r) === 'specialist').map((r) => /specialist for the (.+?) perspective/.exec(r.promptText)![1]);
    expect(new Set(specialistPrompts)).toEqual(new Set((['financial', 'customer', 'process', 'learning'] as const).map(englishName)));

    // The refinement round saw the judge's feedback and the previous answer.
    const [firstSynth, secondSynth] = standin.requests.filter((r) => roleOf(r) === 'synthesizer');
    expect(firstSynth!.promptText).not.toContain(feedback);
    expect(secondSynth!.promptText).toContain(feedback);
    expect(secondSynth!.promptText).toContain('Resposta direta.');

    // The judge read the cited passages themselves.
    const judgeReq = standin.requests.find((r) => roleOf(r) === 'judge')!;
    const cited = answer.sources.filter((s) => [1].includes(s.n));
    for (const s of cited) expect(judgeReq.promptText).toContain(s.quote.trim().slice(0, 120));

    // Sources are numbered 1..N with page labels and the passage as quote; specialists' stray [99] is gone.
    expect(answer.sources.map((s) => s.n)).toEqual(answer.sources.map((_, i) => i + 1));
    expect(new Set(answer.sources.map((s) => s.perspective))).toEqual(new Set(['financial', 'customer', 'process', 'learning']));
    expect(answer.sources.every((s) => s.pageLabel !== '' && s.quote.length > 40)).toBe(true);
    expect(answer.text).not.toContain('[99]');

    // Final answer: the refined text, by perspective, with the unverified claim marked.
    expect(answer.kind).toBe('generated');
    expect(answer.text.startsWith('Resposta revisada. (não verificado)')).toBe(true);
    expect(answer.sections.map((s) => s.perspective)).toEqual(['financial', 'customer', 'process', 'learning']);
    expect(answer.judge).toMatchObject({ method: 'model', refined: true, verdict: 'pass', grounding: 0.85 });
    expect(answer.router).toMatchObject({ method: 'model', perspectives: ['financial', 'customer', 'process', 'learning'] });
    expect(answer.usage.calls).toBe(9);
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.usage.costUsd).toBeGreaterThan(0);
    expect(answer.models).toMatchObject({ router: 'claude-haiku-4-5', specialist: 'claude-sonnet-4-6', synthesizer: 'claude-sonnet-4-6', judge: 'claude-sonnet-4-6' });
    for (const k of ['condense', 'route', 'retrieve', 'specialist:financial', 'specialists', 'synthesize', 'judge', 'refine', 'total', 'firstToken']) expect(answer.timings[k]).toBeTypeOf('number');

    // Events: stages, router, sources, many tokens, a restart before the refined text, two judge reports, done.
    const ev = answerEvents(receipt.answerId);
    const tokens = ev.filter((e) => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(10);
    const restartAt = tokens.findIndex((e) => e.type === 'token' && e.restart);
    expect(restartAt).toBeGreaterThan(0);
    expect(tokens.slice(restartAt + 1).map((e) => (e.type === 'token' ? e.text : '')).join('')).toContain('Resposta revisada.');
    expect(ev.filter((e) => e.type === 'judge')).toHaveLength(2);
    expect(ev.filter((e) => e.type === 'stage' && e.stage === 'specialist' && e.state === 'finished').map((e) => (e.type === 'stage' ? e.perspective : null)).sort())
      .toEqual(['customer', 'financial', 'learning', 'process']);
    const order = ev.map((e) => e.type);
    expect(order.indexOf('router')).toBeLessThan(order.indexOf('sources'));
    expect(order.indexOf('sources')).toBeLessThan(order.indexOf('token'));
    expect(order.at(-1)).toBe('done');

    // Stored whole with its message.
    const stored = conversationsOf(engine.database()).message(receipt.answerId)!;
    expect(stored.status).toBe('complete');
    expect(stored.answer?.judge?.refined).toBe(true);
    expect(stored.text).toBe(answer.text);
  });

  it('retries a 429 before the first token and answers', async () => {
    useStandin();
    standin.script.fail(429, { retryAfter: 0 });
    queue(9, scriptedModel({ route: ['financial'] }));
    const answer = (await runtime.ask({ question: 'Quais indicadores financeiros usar no BSC?' }).finished)!;
    expect(answer.status).toBe('complete');
    expect(answer.kind).toBe('generated');
    expect(standin.requests.map(roleOf).slice(0, 2)).toEqual(['router', 'router']);
    expect(answer.router.method).toBe('model');
    expect(answer.sources.every((s) => s.perspective === 'financial')).toBe(true);
  });

  it('stores an answer whose provider died mid-stream as partial, with a clear error event', async () => {
    useStandin();
    const respond = scriptedModel({ route: ['customer'] });
    queue(3, respond); // router, the English translation, one specialist
    standin.script.dropAfterChars(40, 'Resposta direta. O NPS mede a lealdade dos clientes [1]. E mais texto que nunca chega ao cliente.', { chunkSize: 10 });
    const receipt = runtime.ask({ question: 'Como medir a satisfação dos clientes?' });
    const answer = (await receipt.finished)!;
    expect(answer.status).toBe('partial');
    expect(answer.error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(answer.error?.message).toMatch(/stopped mid-answer/);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.text.length).toBeLessThanOrEqual(40);
    const error = answerEvents(receipt.answerId).find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.partial?.status).toBe('partial');
    const stored = conversationsOf(engine.database()).message(receipt.answerId)!;
    expect(stored.status).toBe('partial');
    expect(stored.answer?.status).toBe('partial');
    // never cached
    expect(conversationsOf(engine.database()).cacheSize()).toBe(0);
  });

  it('cancel stops the answer mid-stream and closes the provider connection', async () => {
    useStandin();
    queue(3, scriptedModel({ route: ['process'] }));
    standin.script.reply('Resposta direta. '.repeat(60), { chunkSize: 6, delayMs: 20 });
    const receipt = runtime.ask({ question: 'Como reduzir o lead time dos processos internos?' });
    const until = Date.now() + 10_000;
    while (!answerEvents(receipt.answerId).some((e) => e.type === 'token') && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(runtime.cancel(receipt.answerId)).toBe(true);
    const answer = (await receipt.finished)!;
    expect(answer.status).not.toBe('complete');
    expect(answer.error?.code).toBe('CANCELLED');
    const synth = standin.requests.find((r) => roleOf(r) === 'synthesizer')!;
    const closedBy = Date.now() + 2_000;
    while (synth.clientClosedAt === null && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 5));
    expect(synth.clientClosedAt).not.toBeNull();
    expect(synth.finished).toBe(false);
    expect(conversationsOf(engine.database()).message(receipt.answerId)!.status).not.toBe('complete');
    expect(runtime.cancel(receipt.answerId)).toBe(false);
  });

  it('falls back to the extractive answer, saying so, when the provider cannot be reached', async () => {
    engine.updateSettings({ chat: { provider: 'anthropic', baseUrl: 'http://127.0.0.1:9' } });
    engine.useSecretStore(engine.secrets(), 'anthropicApiKey');
    const answer = (await runtime.ask({ question: 'O que mede a perspectiva financeira?' }).finished)!;
    expect(answer.status).toBe('complete');
    expect(answer.kind).toBe('extractive');
    expect(answer.retrieval.notes.join(' ')).toMatch(/não respondeu.*Cannot reach/);
    // Honest label: a model is configured, it failed, and the answer says so (never "no model configured").
    expect(answer.modelFailure?.reason).toMatch(/Cannot reach/);
    expect(answer.text).toMatch(/^_O modelo de linguagem não respondeu \(.*Cannot reach.*\) — resposta extrativa/);
    expect(answer.text).not.toMatch(/nenhum modelo de linguagem configurado/);
    // a degraded answer is not cached for these settings
    expect(conversationsOf(engine.database()).cacheSize()).toBe(0);
  });

  it('condenses a follow-up with the conversation\'s history before routing', async () => {
    useStandin();
    queue(22, scriptedModel());
    const first = (await runtime.ask({ question: 'Quais indicadores usar na perspectiva financeira?' }).finished)!;
    standin.requests.length = 0;
    const follow = (await runtime.ask({ question: 'E para clientes?', conversationId: first.conversationId }).finished)!;
    const condense = standin.requests.find((r) => roleOf(r) === 'condense')!;
    expect(condense.promptText).toContain('Quais indicadores usar na perspectiva financeira?');
    expect(condense.promptText).toContain('E para clientes?');
    expect(follow.standaloneQuestion).toBe('Quais indicadores usar na perspectiva dos clientes?');
    const router = standin.requests.find((r) => roleOf(r) === 'router')!;
    expect(router.promptText).toContain('Quais indicadores usar na perspectiva dos clientes?');
  });

  it('answers "not covered" for an off-topic question without calling a specialist, synthesizer or judge', async () => {
    useStandin();
    queue(4, scriptedModel({ route: ['financial'] }));
    const answer = (await runtime.ask({ question: 'What is the capital of France?' }).finished)!;
    expect(answer.status).toBe('complete');
    expect(answer.kind).toBe('not-covered');
    expect(answer.coverage).toMatchObject({ covered: false });
    expect(answer.text).toMatch(/^\*\*Your library does not cover this\.\*\*/);
    expect(answer.text).toMatch(/Nearest material \(not an answer\)/);
    expect(standin.requests.map(roleOf).filter((r) => ['specialist', 'synthesizer', 'judge'].includes(r))).toEqual([]);
    expect(answer.judge).toBeNull();
  });

  it('a sentence naming a page its excerpt is not on fails the judge even when the model judge passes it, and triggers the refinement', async () => {
    useStandin();
    let synthesized = 0;
    const base = scriptedModel({ route: ['financial'] });
    queue(8, (r) => {
      if (roleOf(r) !== 'synthesizer') return base(r);
      synthesized++;
      // The first draft cites [1] with a page that is not the excerpt's; the refined one drops it.
      return synthesized === 1
        ? '## Perspectiva Financeira\n\nA perspectiva financeira mostra se a estratégia melhora o resultado (p. 99) [1].'
        : '## Perspectiva Financeira\n\nA perspectiva financeira mostra se a estratégia melhora o resultado [1].';
    });
    const answer = (await runtime.ask({ question: 'O que mede a perspectiva financeira?' }).finished)!;
    expect(answer.status).toBe('complete');
    expect(standin.requests.map(roleOf).filter((r) => r === 'synthesizer' || r === 'judge')).toEqual(['synthesizer', 'judge', 'synthesizer', 'judge']);
    const firstJudge = answerEvents(answer.id).find((e) => e.type === 'judge');
    expect(firstJudge?.type === 'judge' && firstJudge.judge.verdict).toBe('fail');
    expect(firstJudge?.type === 'judge' && firstJudge.judge.claims.some((c) => c.pageCorrect === false && !c.supported)).toBe(true);
    expect(answer.judge).toMatchObject({ refined: true });
    // The judge prompt carried the excerpt shown and its printed page label.
    const judgeReq = standin.requests.find((r) => roleOf(r) === 'judge')!;
    const cited = answer.sources.find((s) => s.n === 1)!;
    expect(judgeReq.promptText).toContain(`cited as page ${cited.pageLabels!.join('–')}`);
  });

  it('measures the specialists running in parallel', async () => {
    useStandin();
    standin.script.latencyMs = 150;
    queue(11, scriptedModel());
    const answer = (await runtime.ask({ question: 'Como o BSC equilibra as quatro perspectivas numa empresa de transporte?' }).finished)!;
    const m = pipelineMeasures(answer);
    console.log(`[measure] 4 specialists at 150 ms each: phase ${m.specialistsWallMs} ms, slowest ${m.slowestSpecialistMs} ms, ratio ${m.parallelRatio}; wall ${m.wallMs} ms; engine time to first token ${m.engineToFirstTokenMs} ms (first token at ${m.firstTokenMs} ms)`);
    expect(m.parallelRatio).not.toBeNull();
    // Sequential specialists would take 4× as long; this is a correctness check, not a timing goal.
    expect(m.specialistsWallMs!).toBeLessThan(4 * 150);
  });
});

describe('answer pipeline offline (no language model) over the sample library', () => {
  it('answers a Portuguese question extractively, by perspective, cited to the page, with a lexical judge', async () => {
    const receipt = runtime.ask({ question: 'Quais indicadores usar para medir a satisfação dos clientes e a rentabilidade?' });
    const answer = (await receipt.finished)!;
    expect(answer.status).toBe('complete');
    expect(answer.kind).toBe('extractive');
    expect(answer.language).toBe('pt');
    expect(answer.router.method).toBe('lexical');
    expect(answer.router.perspectives).toEqual(expect.arrayContaining(['financial', 'customer']));
    expect(answer.text.startsWith('_Resposta extrativa (nenhum modelo de linguagem configurado)')).toBe(true);
    expect(answer.modelFailure).toBeNull();
    expect(answer.kind).toBe('extractive');
    expect(answer.coverage).toMatchObject({ covered: true });
    // Perspective headings only over quotes about that perspective, and only after the best quote.
    for (const s of answer.sections) expect(answer.router.perspectives.concat(['financial', 'customer', 'process', 'learning'])).toContain(s.perspective);
    expect(answer.text.indexOf('> ')).toBeLessThan(answer.text.search(/^## /m) === -1 ? Infinity : answer.text.search(/^## /m));
    expect(answer.sources.length).toBeGreaterThanOrEqual(2);
    for (const s of answer.sources) {
      expect(answer.text).toContain(`— ${sourceLabel(s)} [${s.n}]`);
      // Each citation carries the excerpt shown: a verbatim substring of the passage, with its offsets.
      expect(s.excerpt).toBeTruthy();
      expect(s.quote.slice(s.excerptStart, s.excerptEnd)).toBe(s.excerpt);
      expect(s.pageLabels?.length).toBeGreaterThanOrEqual(1);
    }
    expect(answer.text).toMatch(/^> .+/m);
    expect(answer.judge).toMatchObject({ method: 'lexical', refined: false });
    expect(answer.judge!.claims.length).toBe(answer.sources.length);
    expect(answer.usage).toEqual({ inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0 });
    expect(answer.timings.engineToFirstToken).toBe(answer.timings.firstToken);
    console.log(`[measure] offline engine time to first token: ${answer.timings.firstToken} ms (total ${answer.timings.total} ms)`);

    const ev = answerEvents(receipt.answerId);
    expect(ev.some((e) => e.type === 'stage' && e.stage === 'route' && e.state === 'finished')).toBe(true);
    expect(ev.filter((e) => e.type === 'token').length).toBeGreaterThan(2);
    expect(ev.at(-1)?.type).toBe('done');
  });

  it('cites a PDF passage with its printed page label, and chat.source opens that page', async () => {
    const answer = (await runtime.ask({ question: 'Como testar as setas de causa e efeito do mapa estratégico?' }).finished)!;
    const pdf = answer.sources.find((s) => s.filename.endsWith('.pdf'));
    expect(pdf).toBeDefined();
    const handlers = engineHandlers(engine);
    const reply = await dispatchCall(handlers, 'chat.source', { chunkId: pdf!.chunkId }, { signal: new AbortController().signal });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const out = reply.value as { page: { pageNo: number; label: string; text: string; chunks: Array<{ chunkId: number }> }; chunkText: string };
    // chat.source opens the chunk's first page; the citation names the page(s) of the excerpt itself.
    expect(out.chunkText).toBe(pdf!.quote);
    expect(out.page.pageNo).toBeLessThanOrEqual(pdf!.pageStart);
    expect(out.page.chunks.map((c) => c.chunkId)).toContain(pdf!.chunkId);
    const pages = engine.database().prepare('SELECT page_no, label, text FROM pages WHERE document_id = ? AND page_no BETWEEN ? AND ?').all(pdf!.documentId, pdf!.pageStart, pdf!.pageEnd) as Array<{ page_no: number; label: string; text: string }>;
    expect(pages.map((p) => p.label)).toEqual(pdf!.pageLabels);
    const squash = (t: string) => t.replace(/\s+/g, ' ');
    expect(squash(pages.map((p) => p.text).join(' '))).toContain(squash(pdf!.excerpt!).slice(0, 40));
  });

  it('chat.source opens the page of the excerpt, not the page where its passage starts', async () => {
    // Found in a walkthrough: a .txt citation labelled "p. 2" opened page 1 (where the passage starts).
    const answer = (await runtime.ask({ question: 'Como desdobrar o BSC para as unidades de negócio e equipes?' }).finished)!;
    const chunkStart = (chunkId: number) => (engine.database().prepare('SELECT page_start FROM chunks WHERE id = ?').get(chunkId) as { page_start: number }).page_start;
    const later = answer.sources.find((s) => s.excerpt && s.pageStart > chunkStart(s.chunkId));
    expect(later, 'a citation whose excerpt sits on a later page than its passage starts').toBeDefined();
    const reply = await dispatchCall(engineHandlers(engine), 'chat.source', { chunkId: later!.chunkId, page: later!.pageStart }, { signal: new AbortController().signal });
    if (!reply.ok) throw new Error(reply.error.message);
    const page = (reply.value as { page: { pageNo: number; label: string; text: string } }).page;
    expect(page.pageNo).toBe(later!.pageStart);
    expect(later!.pageLabels).toContain(page.label);
    const squash = (t: string) => t.replace(/\s+/g, ' ');
    expect(squash(page.text)).toContain(squash(later!.excerpt!).slice(0, 40));
    // A page outside the passage is not honoured: the passage's first page instead.
    const outside = await dispatchCall(engineHandlers(engine), 'chat.source', { chunkId: later!.chunkId, page: 999 }, { signal: new AbortController().signal });
    expect(outside.ok && (outside.value as { page: { pageNo: number } }).page.pageNo).toBe(chunkStart(later!.chunkId));
  });

  it('leads with the passage that best answers each of the issue\'s sample questions, and says when the library does not cover one', async () => {
    const map = (await runtime.ask({ question: 'O que é um mapa estratégico?' }).finished)!;
    expect(map.sources[0]!.excerpt).toMatch(/^O mapa estratégico é a representação da estratégia/);
    expect(map.sources[0]!.pageLabels).toEqual(['1']);
    const kpis = (await runtime.ask({ question: 'Quais indicadores usar na perspectiva financeira?' }).finished)!;
    // A list question gets the library's list of indicators, first.
    expect(kpis.text).toMatch(/> - Retorno sobre o investimento \(ROI\)\n> - Retorno sobre o patrimônio líquido \(ROE\)/);
    expect(kpis.sources[0]!.excerpt).toContain('Margem EBITDA');
    const pdf = (await runtime.ask({ question: 'Como testar as setas de causa e efeito do mapa estratégico?' }).finished)!;
    expect(pdf.sources[0]!.excerpt!.replace(/\s+/g, ' ')).toMatch(/testes simples das setas do mapa/);
    expect(pdf.sources.map((s) => s.n)).toEqual(pdf.sources.map((_, i) => i + 1));
    // Numbers in the text appear in order: the best quote is [1], and no heading pushes it down.
    const cited = [...pdf.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(cited).toEqual([...cited].sort((a, b) => a - b));
    const france = (await runtime.ask({ question: 'Qual é a capital da França?' }).finished)!;
    expect(france.kind).toBe('not-covered');
    expect(france.text).toMatch(/^\*\*Sua biblioteca não cobre isto\.\*\*/);
    expect(france.coverage!.missingTerms).toContain('franca');
  });

  it('refuses a question over the length limit with a clear message, never cutting it', async () => {
    const handlers = engineHandlers(engine);
    const reply = await dispatchCall(handlers, 'chat.ask', { question: `${'indicadores '.repeat(900)}?` }, { signal: new AbortController().signal });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('BAD_INPUT');
    expect(JSON.stringify(reply.error)).toMatch(/longer than 4000 characters/);
  });

  it('asks for clarification when the question is too vague, without failing', async () => {
    const answer = (await runtime.ask({ question: 'BSC?' }).finished)!;
    expect(answer.status).toBe('complete');
    expect(answer.router.needsClarification).toBe(true);
    expect(answer.sources).toEqual([]);
    expect(answer.text).toMatch(/vaga|diga/);
  });

  it('answers a repeated question from the cache, and a library change invalidates it', async () => {
    const q = 'Como calcular o ROI e a margem EBITDA?';
    const first = (await runtime.ask({ question: q }).finished)!;
    expect(first.cached).toBeNull();
    const started = performance.now();
    const receipt = runtime.ask({ question: '  como calcular o ROI e a margem  EBITDA ' });
    const second = (await receipt.finished)!;
    const cachedMs = performance.now() - started;
    console.log(`[measure] cached answer: ${cachedMs.toFixed(1)} ms from ask to done`);
    expect(second.cached?.at).toBeTypeOf('string');
    expect(second.id).toBe(receipt.answerId);
    expect(second.text).toBe(first.text);
    const ev = answerEvents(receipt.answerId);
    expect(ev.find((e) => e.type === 'stage' && e.stage === 'cache' && e.state === 'finished')).toMatchObject({ detail: 'hit' });
    expect(ev.filter((e) => e.type === 'token')).toHaveLength(1);
    expect(ev.at(-1)?.type).toBe('done');
    expect(conversationsOf(engine.database()).message(receipt.answerId)?.answer?.cached).not.toBeNull();

    // Any library change: the entry is pruned and the next answer is computed again.
    const doc = engine.lib().repo.list().find((d) => d.filename.startsWith('06-'))!;
    expect(engine.deleteDocument(doc.id)).toBe(true);
    expect(conversationsOf(engine.database()).cacheSize()).toBe(0);
    const third = (await runtime.ask({ question: q }).finished)!;
    expect(third.cached).toBeNull();
    await importSample();
  });

  it('serves the chat.* methods through the contract: ask, conversations, rename, export, delete', async () => {
    const handlers = engineHandlers(engine);
    const call = async <T,>(m: string, input?: unknown): Promise<T> => {
      const r = await dispatchCall(handlers, m, input, { signal: new AbortController().signal });
      if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
      return r.value as T;
    };
    const ids = await call<{ conversationId: string; answerId: string }>('chat.ask', { question: 'O que é o Balanced Scorecard e quais são as suas perspectivas?' });
    const until = Date.now() + 20_000;
    while (!answerEvents(ids.answerId).some((e) => e.type === 'done' || e.type === 'error') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const conv = await call<{ messages: Array<{ role: string; status: string; answer: unknown }> }>('chat.conversation', { conversationId: ids.conversationId });
    expect(conv.messages.map((m) => [m.role, m.status])).toEqual([['user', 'complete'], ['assistant', 'complete']]);
    await call('chat.rename', { conversationId: ids.conversationId, title: 'Perspectivas do BSC' });
    const list = await call<{ conversations: Array<{ id: string; title: string }> }>('chat.conversations', { query: 'perspectivas do bsc' });
    expect(list.conversations.map((c) => c.id)).toContain(ids.conversationId);
    const md = await call<{ filename: string; content: string }>('chat.export', { conversationId: ids.conversationId, format: 'markdown' });
    expect(md.filename).toBe('perspectivas-do-bsc.md');
    expect(md.content).toMatch(/^# Perspectivas do BSC/);
    expect(md.content).toMatch(/\*\*Fontes\*\*\n\n1\. [^\n]+ — “/);
    expect(md.content).toMatch(/^### /m);
    expect(md.content).not.toMatch(/^## Perspectiva/m);
    expect(md.content).toMatch(/\*\*Avaliação\*\* \(lexical\)/);
    const json = await call<{ content: string }>('chat.export', { conversationId: ids.conversationId, format: 'json' });
    expect(JSON.parse(json.content).messages).toHaveLength(2);
    expect(await call('chat.delete', { conversationId: ids.conversationId })).toEqual({ deleted: true });
    const missing = await dispatchCall(handlers, 'chat.conversation', { conversationId: ids.conversationId }, { signal: new AbortController().signal });
    expect(missing.ok ? null : missing.error.code).toBe('NOT_FOUND');
    const cancel = await call('chat.cancel', { answerId: 'nope' });
    expect(cancel).toEqual({ cancelled: false });
  });
});
