// The engine's Prometheus metrics and the per-minute history behind the Status charts, both fed
// only by the events the engine already sends (answers, imports, operations, library changes).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvent, EventPayload } from '../../../preload/contract';

export interface HistoryPoint {
  /** The end of the minute the figures cover (ISO time). */
  at: string;
  questions: number;
  errors: number;
  answerP95Ms: number | null;
  importedPages: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface EngineMetricsOptions {
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /** How long history is kept (default 24 h of one-minute points). */
  keepMs?: number;
  /** Cumulative embedding-cache counters of the open cache, or null when there is none. */
  cacheStats?: () => { hits: number; misses: number } | null;
}

export interface EngineMetrics {
  readonly registry: Registry;
  observe(event: EngineEvent): void;
  /** Closes the current minute: appends one history point and starts the next. */
  sample(): void;
  history(): HistoryPoint[];
  prometheusText(): Promise<string>;
}

// Stages that are a call to the language model when the answer is generated (not extractive).
const MODEL_STAGES = new Set(['condense', 'route', 'specialist', 'synthesize', 'judge', 'refine']);
// Bounds on what we remember per answer and per job, so a flood of events cannot grow memory.
const MAX_TRACKED = 5_000;
const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** p95 of a list of numbers (nearest rank), null when empty. */
export function percentile95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? null;
}

function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_TRACKED) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

export function createEngineMetrics(opts: EngineMetricsOptions = {}): EngineMetrics {
  const now = opts.now ?? Date.now;
  const keepMs = opts.keepMs ?? 24 * 60 * 60 * 1000;
  const registry = new Registry();
  const registers = [registry];

  const questions = new Counter({ name: 'bsc_questions_total', help: 'Questions answered (or failed), by outcome.', labelNames: ['outcome'], registers });
  const errors = new Counter({ name: 'bsc_errors_total', help: 'Errors by area and contract error code.', labelNames: ['area', 'code'], registers });
  const answerSeconds = new Histogram({ name: 'bsc_answer_duration_seconds', help: 'Time from the first event of an answer to its end.', buckets: SECONDS_BUCKETS, registers });
  const stageSeconds = new Histogram({ name: 'bsc_answer_stage_duration_seconds', help: 'Answer pipeline stage durations.', labelNames: ['stage'], buckets: SECONDS_BUCKETS, registers });
  const importPages = new Counter({ name: 'bsc_import_pages_total', help: 'Pages of documents imported.', registers });
  const importDocuments = new Counter({ name: 'bsc_import_documents_total', help: 'Import jobs finished, by state.', labelNames: ['state'], registers });
  const providerCalls = new Counter({ name: 'bsc_provider_calls_total', help: 'Language-model calls made for answers.', labelNames: ['kind'], registers });
  const providerSeconds = new Histogram({ name: 'bsc_provider_call_duration_seconds', help: 'Duration of answer stages that call the language model.', labelNames: ['stage'], buckets: SECONDS_BUCKETS, registers });
  const providerErrors = new Counter({ name: 'bsc_provider_errors_total', help: 'Provider failures, by contract error code.', labelNames: ['code'], registers });
  const backupLastSuccess = new Gauge({ name: 'bsc_backup_last_success_timestamp_seconds', help: 'When the last backup finished successfully (0: none since the engine started).', registers });
  const operations = new Counter({ name: 'bsc_operations_total', help: 'Long operations finished, by kind and state.', labelNames: ['kind', 'state'], registers });
  const corpusVersion = new Gauge({ name: 'bsc_library_corpus_version', help: 'The library\'s corpus version.', registers });

  // The cache counts hits and misses since it was opened; keep ours monotonic across reopenings.
  let cacheSeen = { hits: 0, misses: 0 };
  let cacheTotals = { hits: 0, misses: 0 };
  const pullCacheStats = () => {
    const s = opts.cacheStats?.() ?? null;
    if (!s) return;
    const dh = s.hits >= cacheSeen.hits ? s.hits - cacheSeen.hits : s.hits;
    const dm = s.misses >= cacheSeen.misses ? s.misses - cacheSeen.misses : s.misses;
    cacheSeen = { hits: s.hits, misses: s.misses };
    cacheTotals = { hits: cacheTotals.hits + dh, misses: cacheTotals.misses + dm };
  };
  new Counter({
    name: 'bsc_embedding_cache_hits_total', help: 'Embedding-cache lookups that found a stored vector.', registers,
    collect() { pullCacheStats(); this.reset(); this.inc(cacheTotals.hits); },
  });
  new Counter({
    name: 'bsc_embedding_cache_misses_total', help: 'Embedding-cache lookups that had to call the provider.', registers,
    collect() { pullCacheStats(); this.reset(); this.inc(cacheTotals.misses); },
  });
  backupLastSuccess.set(0);

  const answers = new Map<string, { startedAt: number; modelStages: Array<{ stage: string; ms: number }> }>();
  const finishedJobs = new Map<string, true>();
  const finishedOps = new Map<string, true>();

  // The minute being accumulated for the history.
  let minute = { questions: 0, errors: 0, latencies: [] as number[], importedPages: 0 };
  let minuteCacheBase = { ...cacheTotals };
  const points: HistoryPoint[] = [];

  const countError = (area: string, code: string) => {
    errors.inc({ area, code });
    if (code.startsWith('PROVIDER_')) providerErrors.inc({ code });
    minute.errors += 1;
  };

  const onAnswer = (e: EventPayload<'onAnswer'>) => {
    let tracked = answers.get(e.answerId);
    if (!tracked) {
      tracked = { startedAt: now(), modelStages: [] };
      rememberBounded(answers, e.answerId, tracked);
    }
    if (e.type === 'stage' && e.state === 'finished' && e.ms !== undefined) {
      stageSeconds.observe({ stage: e.stage }, e.ms / 1000);
      if (MODEL_STAGES.has(e.stage) && tracked.modelStages.length < 64) tracked.modelStages.push({ stage: e.stage, ms: e.ms });
      return;
    }
    if (e.type !== 'done' && e.type !== 'error') return;
    answers.delete(e.answerId);
    const elapsedMs = now() - tracked.startedAt;
    answerSeconds.observe(elapsedMs / 1000);
    minute.questions += 1;
    if (minute.latencies.length < 10_000) minute.latencies.push(elapsedMs);
    const answer = e.type === 'done' ? e.answer : e.partial;
    if (e.type === 'done') questions.inc({ outcome: e.answer.status });
    else {
      questions.inc({ outcome: 'failed' });
      if (e.error.code !== 'CANCELLED') countError('chat', e.error.code);
    }
    if (answer?.kind === 'generated') {
      providerCalls.inc({ kind: 'chat' }, answer.usage.calls);
      for (const s of tracked.modelStages) providerSeconds.observe({ stage: s.stage }, s.ms / 1000);
    }
  };

  const onImport = (job: EventPayload<'onImportProgress'>) => {
    if (job.state !== 'done' && job.state !== 'failed') return;
    if (finishedJobs.has(job.id)) return;
    rememberBounded(finishedJobs, job.id, true);
    importDocuments.inc({ state: job.state });
    if (job.state === 'done') {
      importPages.inc(job.pages);
      minute.importedPages += job.pages;
    } else if (job.error) countError('import', job.error.code);
  };

  const onOperation = (op: EventPayload<'onOperation'>) => {
    if (op.state === 'running' || finishedOps.has(op.id)) return;
    rememberBounded(finishedOps, op.id, true);
    operations.inc({ kind: op.kind, state: op.state });
    if (op.kind === 'backup' && op.state === 'done') {
      const at = Date.parse(op.finishedAt ?? '') || now();
      backupLastSuccess.set(at / 1000);
    }
    if (op.state === 'failed') countError(op.kind, op.error?.code ?? 'INTERNAL');
  };

  return {
    registry,
    observe(event) {
      switch (event.name) {
        case 'onAnswer': return onAnswer(event.payload);
        case 'onImportProgress': return onImport(event.payload);
        case 'onOperation': return onOperation(event.payload);
        case 'onLibraryChanged': corpusVersion.set(event.payload.corpusVersion); return;
        default: return;
      }
    },
    sample() {
      pullCacheStats();
      const at = now();
      points.push({
        at: new Date(at).toISOString(),
        questions: minute.questions,
        errors: minute.errors,
        answerP95Ms: percentile95(minute.latencies),
        importedPages: minute.importedPages,
        cacheHits: cacheTotals.hits - minuteCacheBase.hits,
        cacheMisses: cacheTotals.misses - minuteCacheBase.misses,
      });
      minute = { questions: 0, errors: 0, latencies: [], importedPages: 0 };
      minuteCacheBase = { ...cacheTotals };
      while (points.length > 0 && Date.parse(points[0]!.at) < at - keepMs) points.shift();
    },
    history: () => points.slice(),
    prometheusText: () => registry.metrics(),
  };
}
