import { describe, expect, it } from 'vitest';
import type { Answer, EngineEvent, ImportJob, Operation } from '../../../preload/contract';
import { createEngineMetrics, percentile95 } from './metrics';

const ids = { answerId: 'a1', conversationId: 'c1' };

function answer(over: Partial<Answer> = {}): Answer {
  return {
    id: 'a1', conversationId: 'c1', question: 'q', standaloneQuestion: 'q', language: 'en', kind: 'generated', status: 'complete', error: null,
    text: 't', sections: [], sources: [], judge: null, router: { method: 'lexical', perspectives: [], reason: '', needsClarification: false },
    retrieval: { mode: 'bm25', reranked: false, notes: [] }, timings: {}, usage: { inputTokens: 1, outputTokens: 1, calls: 3, costUsd: null },
    models: {}, cached: null, createdAt: new Date(0).toISOString(), ...over,
  };
}

function job(over: Partial<ImportJob>): ImportJob {
  return {
    id: 'j1', filename: 'f.pdf', state: 'running', stage: 'writing', page: 0, pages: 0, chunks: 0, etaMs: null, documentId: null, error: null, note: null,
    createdAt: '', updatedAt: '', ...over,
  };
}

function op(over: Partial<Operation>): Operation {
  return { id: 'o1', kind: 'backup', state: 'running', stage: '', done: 0, total: 0, etaMs: null, startedAt: '', finishedAt: null, error: null, result: null, ...over };
}

/** The value of one sample line in Prometheus text, e.g. value(text, 'bsc_import_pages_total'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('engine metrics from engine events', () => {
  it('counts questions, stage latency, provider calls and errors by code', async () => {
    let t = 1_000_000;
    const m = createEngineMetrics({ now: () => t });
    const send = (e: EngineEvent) => m.observe(e);
    send({ name: 'onAnswer', payload: { type: 'stage', ...ids, stage: 'retrieve', state: 'started' } });
    t += 1500;
    send({ name: 'onAnswer', payload: { type: 'stage', ...ids, stage: 'retrieve', state: 'finished', ms: 300 } });
    send({ name: 'onAnswer', payload: { type: 'stage', ...ids, stage: 'synthesize', state: 'finished', ms: 1200 } });
    send({ name: 'onAnswer', payload: { type: 'done', ...ids, answer: answer() } });
    send({ name: 'onAnswer', payload: { type: 'stage', answerId: 'a2', conversationId: 'c1', stage: 'route', state: 'started' } });
    send({ name: 'onAnswer', payload: { type: 'error', answerId: 'a2', conversationId: 'c1', error: { code: 'PROVIDER_RATE_LIMITED', message: 'slow down' }, partial: null } });
    const text = await m.prometheusText();
    expect(value(text, 'bsc_questions_total{outcome="complete"}')).toBe(1);
    expect(value(text, 'bsc_questions_total{outcome="failed"}')).toBe(1);
    expect(value(text, 'bsc_errors_total{area="chat",code="PROVIDER_RATE_LIMITED"}')).toBe(1);
    expect(value(text, 'bsc_provider_errors_total{code="PROVIDER_RATE_LIMITED"}')).toBe(1);
    expect(value(text, 'bsc_provider_calls_total{kind="chat"}')).toBe(3);
    expect(value(text, 'bsc_answer_stage_duration_seconds_count{stage="retrieve"}')).toBe(1);
    expect(value(text, 'bsc_answer_stage_duration_seconds_sum{stage="synthesize"}')).toBeCloseTo(1.2);
    expect(value(text, 'bsc_provider_call_duration_seconds_count{stage="synthesize"}')).toBe(1);
    // retrieve is not a model call
    expect(value(text, 'bsc_provider_call_duration_seconds_count{stage="retrieve"}')).toBeUndefined();
    expect(value(text, 'bsc_answer_duration_seconds_sum')).toBeCloseTo(1.5);
  });

  it('counts each finished import once, and the last successful backup time', async () => {
    const m = createEngineMetrics();
    m.observe({ name: 'onImportProgress', payload: job({ state: 'running', pages: 12 }) });
    m.observe({ name: 'onImportProgress', payload: job({ state: 'done', pages: 12 }) });
    m.observe({ name: 'onImportProgress', payload: job({ state: 'done', pages: 12 }) });
    m.observe({ name: 'onImportProgress', payload: job({ id: 'j2', state: 'failed', error: { code: 'DAMAGED_FILE', message: 'x' } }) });
    m.observe({ name: 'onOperation', payload: op({ state: 'done', finishedAt: '2026-01-02T03:04:05.000Z' }) });
    m.observe({ name: 'onOperation', payload: op({ id: 'o2', kind: 'restore', state: 'failed', error: { code: 'RESTORE_FAILED', message: 'x' } }) });
    m.observe({ name: 'onLibraryChanged', payload: { corpusVersion: 7, reason: 'added' } });
    const text = await m.prometheusText();
    expect(value(text, 'bsc_import_pages_total')).toBe(12);
    expect(value(text, 'bsc_import_documents_total{state="done"}')).toBe(1);
    expect(value(text, 'bsc_import_documents_total{state="failed"}')).toBe(1);
    expect(value(text, 'bsc_errors_total{area="import",code="DAMAGED_FILE"}')).toBe(1);
    expect(value(text, 'bsc_errors_total{area="restore",code="RESTORE_FAILED"}')).toBe(1);
    expect(value(text, 'bsc_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-01-02T03:04:05.000Z') / 1000);
    expect(value(text, 'bsc_library_corpus_version')).toBe(7);
  });

  it('keeps embedding-cache counters monotonic when the cache is reopened', async () => {
    let stats: { hits: number; misses: number } | null = { hits: 5, misses: 2 };
    const m = createEngineMetrics({ cacheStats: () => stats });
    expect(value(await m.prometheusText(), 'bsc_embedding_cache_hits_total')).toBe(5);
    stats = { hits: 1, misses: 0 }; // reopened: counts restart from zero
    const text = await m.prometheusText();
    expect(value(text, 'bsc_embedding_cache_hits_total')).toBe(6);
    expect(value(text, 'bsc_embedding_cache_misses_total')).toBe(2);
    stats = null;
    expect(value(await m.prometheusText(), 'bsc_embedding_cache_hits_total')).toBe(6);
  });

  it('samples one point per minute with deltas and p95, and keeps only the window', () => {
    let t = Date.parse('2026-03-01T10:00:00Z');
    let stats = { hits: 0, misses: 0 };
    const m = createEngineMetrics({ now: () => t, keepMs: 3 * 60_000, cacheStats: () => stats });
    for (let i = 1; i <= 20; i++) {
      const a = `a${i}`;
      m.observe({ name: 'onAnswer', payload: { type: 'stage', answerId: a, conversationId: 'c', stage: 'route', state: 'started' } });
      t += i * 10; // answer i takes i*10 ms
      m.observe({ name: 'onAnswer', payload: { type: 'done', answerId: a, conversationId: 'c', answer: answer({ id: a, kind: 'extractive' }) } });
    }
    m.observe({ name: 'onImportProgress', payload: job({ state: 'done', pages: 4 }) });
    stats = { hits: 10, misses: 3 };
    m.sample();
    const [first] = m.history();
    expect(first).toMatchObject({ questions: 20, errors: 0, answerP95Ms: 190, importedPages: 4, cacheHits: 10, cacheMisses: 3 });
    for (let i = 0; i < 5; i++) { t += 60_000; m.sample(); }
    const points = m.history();
    expect(points.length).toBe(4); // 3 minutes back plus the current one
    expect(points.at(-1)).toMatchObject({ questions: 0, answerP95Ms: null, cacheHits: 0 });
  });

  it('percentile95 is the nearest-rank p95', () => {
    expect(percentile95([])).toBeNull();
    expect(percentile95([7])).toBe(7);
    expect(percentile95(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(95);
  });
});
