import { describe, expect, it } from 'vitest';
import type { Answer, AnswerEvent, AnswerSource } from '../../../../preload/contract';
import { type AnswerStream, type StreamInput, applyAnswerEvent, createAnswerStreamStore, isRefining } from './answer-stream';

const ids = { answerId: 'a1', conversationId: 'c1' };
const source = (n: number, chunkId = n * 10): AnswerSource => ({
  n, chunkId, documentId: 'd1', filename: 'guia.pdf', title: 'Guia', pageStart: n, pageEnd: n, pageLabel: String(n),
  quote: `trecho ${n}`, score: 1 / n, store: 'embedded', perspective: 'financial',
});
const answer = (over: Partial<Answer> = {}): Answer => ({
  id: 'a1', conversationId: 'c1', question: 'Quais indicadores?', standaloneQuestion: 'Quais indicadores?', language: 'pt', kind: 'extractive',
  status: 'complete', error: null, text: 'Final [1]', sections: [{ perspective: 'financial', heading: 'Financeira', text: 'Final [1]' }],
  sources: [source(1)], judge: null, router: { method: 'lexical', perspectives: ['financial'], reason: 'financeira', needsClarification: false },
  retrieval: { mode: 'bm25', reranked: false, notes: [] }, timings: { total: 120 }, usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: null },
  models: {}, cached: null, createdAt: '2025-01-01T00:00:00Z', ...over,
});
const fold = (events: StreamInput[], start: AnswerStream | null = null) => events.reduce<AnswerStream | null>(applyAnswerEvent, start) as AnswerStream;
const token = (text: string, restart?: boolean): AnswerEvent => ({ type: 'token', ...ids, text, ...(restart ? { restart } : {}) });

describe('applyAnswerEvent', () => {
  it('follows stages in place: a finished stage replaces its started entry, per perspective', () => {
    const s = fold([
      { type: 'stage', ...ids, stage: 'route', state: 'started' },
      { type: 'stage', ...ids, stage: 'specialist', perspective: 'financial', state: 'started' },
      { type: 'stage', ...ids, stage: 'specialist', perspective: 'customer', state: 'started' },
      { type: 'stage', ...ids, stage: 'route', state: 'finished', ms: 4 },
      { type: 'stage', ...ids, stage: 'specialist', perspective: 'financial', state: 'finished', ms: 30, detail: '3 passages' },
    ]);
    expect(s.steps.map((x) => [x.stage, x.perspective, x.state])).toEqual([
      ['route', null, 'finished'], ['specialist', 'financial', 'finished'], ['specialist', 'customer', 'started'],
    ]);
    expect(s.steps[1]).toMatchObject({ ms: 30, detail: '3 passages' });
    expect(s.phase).toBe('running');
  });

  it('appends tokens, and on a restart clears the text and counts a refinement round', () => {
    const s = fold([token('Primeira '), token('versão'), { type: 'judge', ...ids, judge: { method: 'model', verdict: 'fail', completeness: 0.4, grounding: 0.5, citationQuality: 0.6, threshold: 0.7, claims: [], feedback: 'cite mais', refined: false } }]);
    expect(s.text).toBe('Primeira versão');
    expect(isRefining(s)).toBe(false);
    const r = fold([token('Nova', true), token(' versão')], s);
    expect(r.text).toBe('Nova versão');
    expect(r.rounds).toBe(1);
    expect(isRefining(r)).toBe(true);
    expect(r.judge?.verdict).toBe('fail');
  });

  it('keeps the question asked here whether the ask reply comes before or after the first events', () => {
    const asked: StreamInput = { type: 'asked', ...ids, userMessageId: 'u1', question: 'Quais indicadores?' };
    const early = fold([token('x'), asked]);
    const late = fold([asked, token('x')]);
    for (const s of [early, late]) expect(s).toMatchObject({ question: 'Quais indicadores?', userMessageId: 'u1', text: 'x' });
  });

  it('merges sources by number and ends with the stored answer on done; later events change nothing', () => {
    const s = fold([
      { type: 'sources', ...ids, sources: [source(2), source(1)] },
      { type: 'sources', ...ids, sources: [source(3)] },
    ]);
    expect(s.sources.map((x) => x.n)).toEqual([1, 2, 3]);
    const done = fold([{ type: 'done', ...ids, answer: answer() }, token(' tarde')], s);
    expect(done.phase).toBe('done');
    expect(done.text).toBe('Final [1]');
    expect(done.sources.map((x) => x.n)).toEqual([1]);
    expect(done.question).toBe('Quais indicadores?');
  });

  it('on error keeps the partial answer when there is one, else the text streamed so far', () => {
    const error = { code: 'PROVIDER_UNAVAILABLE' as const, message: 'the provider stopped answering' };
    const withPartial = fold([token('Parte'), { type: 'error', ...ids, error, partial: answer({ status: 'partial', text: 'Parte guardada' }) }]);
    expect(withPartial).toMatchObject({ phase: 'failed', text: 'Parte guardada', error });
    expect(withPartial.answer?.status).toBe('partial');
    const without = fold([token('Parte'), { type: 'error', ...ids, error, partial: null }]);
    expect(without).toMatchObject({ phase: 'failed', text: 'Parte', answer: null });
  });
});

describe('createAnswerStreamStore', () => {
  it('folds a burst of tokens into one update per scheduled frame', () => {
    const frames: Array<() => void> = [];
    const store = createAnswerStreamStore((f) => frames.push(f));
    let updates = 0;
    store.subscribe(() => updates++);
    for (let i = 0; i < 2000; i++) store.push(token(`t${i} `));
    expect(frames).toHaveLength(1);
    expect(updates).toBe(0);
    frames[0]?.();
    expect(updates).toBe(1);
    expect(store.getSnapshot().get('a1')?.text.split(' ').length).toBe(2001);
    store.push(token('mais'));
    expect(frames).toHaveLength(2);
  });

  it('gives a new map on each update (so React sees the change) and keeps streams apart by answer', () => {
    const frames: Array<() => void> = [];
    const store = createAnswerStreamStore((f) => frames.push(f));
    const before = store.getSnapshot();
    store.push(token('a'));
    store.push({ type: 'token', answerId: 'a2', conversationId: 'c2', text: 'b' });
    store.flush();
    expect(store.getSnapshot()).not.toBe(before);
    expect(store.getSnapshot().get('a2')).toMatchObject({ conversationId: 'c2', text: 'b' });
    frames[0]?.(); // the frame that was scheduled finds nothing left to do
    expect(store.getSnapshot().size).toBe(2);
  });
});
