import { describe, expect, it } from 'vitest';
import type { Answer, ChatMessage } from '../../../../preload/contract';
import { type AnswerStream, emptyStream } from './answer-stream';
import { stepsFromTimings, threadItems, viewOfStream } from './thread-items';

const answer = (id: string, over: Partial<Answer> = {}): Answer => ({
  id, conversationId: 'c1', question: 'Q?', standaloneQuestion: 'Q?', language: 'pt', kind: 'extractive', status: 'complete', error: null,
  text: `texto ${id}`, sections: [], sources: [], judge: null, router: { method: 'lexical', perspectives: ['financial'], reason: '', needsClarification: false },
  retrieval: { mode: 'bm25', reranked: false, notes: [] }, timings: {}, usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: null },
  models: {}, cached: null, createdAt: '2025-01-01T00:00:00Z', ...over,
});
const msg = (id: string, role: 'user' | 'assistant', text: string, a: Answer | null = null, status: ChatMessage['status'] = 'complete'): ChatMessage =>
  ({ id, conversationId: 'c1', role, text, answer: a, status, createdAt: '2025-01-01T00:00:00Z' });
const stream = (over: Partial<AnswerStream>): AnswerStream => ({ ...emptyStream('a2', 'c1'), ...over });

const shape = (items: ReturnType<typeof threadItems>) => items.map((i) => (i.kind === 'question' ? `Q:${i.text}` : `A:${i.view.status}:${i.view.text}`));

describe('threadItems', () => {
  const stored = [msg('u1', 'user', 'Primeira?'), msg('m1', 'assistant', 'texto a1', answer('a1'))];

  it('shows stored messages in order, then a live answer with the question asked here', () => {
    const live = stream({ question: 'Segunda?', userMessageId: 'u2', text: 'escrevendo' });
    expect(shape(threadItems(stored, [live], 'c1'))).toEqual(['Q:Primeira?', 'A:complete:texto a1', 'Q:Segunda?', 'A:running:escrevendo']);
  });

  it('does not repeat a question already stored, nor an answer once the store has it', () => {
    const withQuestion = [...stored, msg('u2', 'user', 'Segunda?')];
    const live = stream({ question: 'Segunda?', userMessageId: 'u2', text: 'escrevendo' });
    expect(shape(threadItems(withQuestion, [live], 'c1'))).toEqual(['Q:Primeira?', 'A:complete:texto a1', 'Q:Segunda?', 'A:running:escrevendo']);
    const done = stream({ phase: 'done', question: 'Segunda?', userMessageId: 'u2', text: 'texto a2', answer: answer('a2') });
    const all = [...withQuestion, msg('m2', 'assistant', 'texto a2', answer('a2'))];
    expect(shape(threadItems(all, [done], 'c1'))).toEqual(['Q:Primeira?', 'A:complete:texto a1', 'Q:Segunda?', 'A:complete:texto a2']);
  });

  it('ignores streams of other conversations, and all streams when no conversation is open', () => {
    const other = stream({ conversationId: 'c9', question: 'Outra?' });
    expect(shape(threadItems(stored, [other], 'c1'))).toHaveLength(2);
    expect(threadItems([], [stream({ question: 'x' })], null)).toEqual([]);
  });

  it('prefers the live stream while a stored answer is still running, and trusts the stored status of a cut answer', () => {
    const running = [msg('u2', 'user', 'Q2'), msg('m2', 'assistant', '', answer('a2', { status: 'partial' }), 'partial')];
    expect(shape(threadItems(running, [stream({ text: 'ao vivo' })], 'c1'))).toEqual(['Q:Q2', 'A:running:ao vivo']);
    expect(shape(threadItems(running, [], 'c1'))).toEqual(['Q:Q2', 'A:partial:texto a2']);
    expect(shape(threadItems([msg('m3', 'assistant', 'só texto', null, 'failed')], [], 'c1'))).toEqual(['A:failed:só texto']);
  });
});

describe('threadItems with the engine\'s placeholder', () => {
  // chat.ask stores the question and an empty 'partial' assistant message whose id is the answer's id.
  const placeholder = [msg('u2', 'user', 'Q2'), msg('a2', 'assistant', '', null, 'partial')];

  it('shows the live stream in the placeholder\'s place, once', () => {
    const live = stream({ question: 'Q2', userMessageId: 'u2', text: 'ao vivo' });
    expect(shape(threadItems(placeholder, [live], 'c1'))).toEqual(['Q:Q2', 'A:running:ao vivo']);
  });

  it('keeps showing the finished stream until the stored answer is read again', () => {
    const done = stream({ phase: 'done', question: 'Q2', userMessageId: 'u2', text: 'texto a2', answer: answer('a2') });
    expect(shape(threadItems(placeholder, [done], 'c1'))).toEqual(['Q:Q2', 'A:complete:texto a2']);
  });

  it('shows a placeholder left by a crash (no stream here) as a partial answer with no text', () => {
    const items = threadItems(placeholder, [], 'c1');
    expect(shape(items)).toEqual(['Q:Q2', 'A:partial:']);
    expect(items[1]).toMatchObject({ view: { answer: null, error: null } });
  });
});

describe('threadItems identity', () => {
  it('gives a stored answer the same view object on every rebuild, so its card is not redrawn while another streams', () => {
    const stored = [msg('u1', 'user', 'Q1'), msg('m1', 'assistant', 'texto a1', answer('a1'))];
    const first = threadItems(stored, [stream({ text: 'a', question: 'Q2' })], 'c1');
    const second = threadItems(stored, [stream({ text: 'ab', question: 'Q2' })], 'c1');
    expect(first[1]).toMatchObject({ kind: 'answer' });
    expect((second[1] as { view: unknown }).view).toBe((first[1] as { view: unknown }).view);
    expect((second[3] as { view: unknown }).view).not.toBe((first[3] as { view: unknown }).view);
  });
});

describe('viewOfStream', () => {
  it('marks an error with a kept partial answer as partial, and one without as failed', () => {
    const error = { code: 'CANCELLED' as const, message: 'stopped' };
    expect(viewOfStream(stream({ phase: 'failed', error, answer: answer('a2', { status: 'partial' }) })).status).toBe('partial');
    expect(viewOfStream(stream({ phase: 'failed', error, answer: null })).status).toBe('failed');
    expect(viewOfStream(stream({ phase: 'done', answer: answer('a2', { kind: 'extractive', cached: { at: '2025-02-01T00:00:00Z' } }) }))).toMatchObject({ status: 'complete', kind: 'extractive', cached: { at: '2025-02-01T00:00:00Z' } });
  });
});

describe('stepsFromTimings', () => {
  it('turns a stored answer\'s timings into finished steps in pipeline order, skipping totals', () => {
    const steps = stepsFromTimings({ total: 900, synthesize: 300, 'specialist:customer': 80, route: 4, firstToken: 120, specialists: 90, 'specialist:financial': 70, 'specialist:bogus': 1 });
    expect(steps.map((s) => `${s.stage}${s.perspective ? `:${s.perspective}` : ''}=${s.ms}`)).toEqual(['route=4', 'specialist:customer=80', 'specialist:financial=70', 'synthesize=300']);
    expect(steps.every((s) => s.state === 'finished')).toBe(true);
  });
});
