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

/** The engine's Prometheus instruments. */
function instruments(registers: Registry[]) {
  return {
    questions: new Counter({ name: 'bsc_questions_total', help: 'Questions answered (or failed), by outcome.', labelNames: ['outcome'], registers }),
    errors: new Counter({ name: 'bsc_errors_total', help: 'Errors by area and contract error code.', labelNames: ['area', 'code'], registers }),
    answerSeconds: new Histogram({ name: 'bsc_answer_duration_seconds', help: 'Time from the first event of an answer to its end.', buckets: SECONDS_BUCKETS, registers }),
    stageSeconds: new Histogram({ name: 'bsc_answer_stage_duration_seconds', help: 'Answer pipeline stage durations.', labelNames: ['stage'], buckets: SECONDS_BUCKETS, registers }),
    importPages: new Counter({ name: 'bsc_import_pages_total', help: 'Pages of documents imported.', registers }),
    importDocuments: new Counter({ name: 'bsc_import_documents_total', help: 'Import jobs finished, by state.', labelNames: ['state'], registers }),
    providerCalls: new Counter({ name: 'bsc_provider_calls_total', help: 'Language-model calls made for answers.', labelNames: ['kind'], registers }),
    providerSeconds: new Histogram({ name: 'bsc_provider_call_duration_seconds', help: 'Duration of answer stages that call the language model.', labelNames: ['stage'], buckets: SECONDS_BUCKETS, registers }),
    providerErrors: new Counter({ name: 'bsc_provider_errors_total', help: 'Provider failures, by contract error code.', labelNames: ['code'], registers }),
    backupLastSuccess: new Gauge({ name: 'bsc_backup_last_success_timestamp_seconds', help: 'When the last backup finished successfully (0: none since the engine started).', registers }),
    operations: new Counter({ name: 'bsc_operations_total', help: 'Long operations finished, by kind and state.', labelNames: ['kind', 'state'], registers }),
    corpusVersion: new Gauge({ name: 'bsc_library_corpus_version', help: 'The library\'s corpus version.', registers }),
  };
}

/** Embedding-cache hits and misses as monotonic counters: the cache counts since it was opened, so reopenings are bridged. */
function embeddingCacheCounters(registers: Registry[], cacheStats: EngineMetricsOptions['cacheStats']) {
  let seen = { hits: 0, misses: 0 };
  const state = { totals: { hits: 0, misses: 0 } };
  const pull = () => {
    const s = cacheStats?.() ?? null;
    if (!s) return;
    const dh = s.hits >= seen.hits ? s.hits - seen.hits : s.hits;
    const dm = s.misses >= seen.misses ? s.misses - seen.misses : s.misses;
    seen = { hits: s.hits, misses: s.misses };
    state.totals = { hits: state.totals.hits + dh, misses: state.totals.misses + dm };
  };
  new Counter({
    name: 'bsc_embedding_cache_hits_total', help: 'Embedding-cache lookups that found a stored vector.', registers,
    collect() { pull(); this.reset(); this.inc(state.totals.hits); },
  });
  new Counter({
    name: 'bsc_embedding_cache_misses_total', help: 'Embedding-cache lookups that had to call the provider.', registers,
    collect() { pull(); this.reset(); this.inc(state.totals.misses); },
  });
  return { pull, get totals() { return state.totals; } };
}

/** Per-minute figures for the Status charts: the minute being counted, and the points kept for `keepMs`. */
function minuteHistory(now: () => number, keepMs: number, cache: { pull(): void; readonly totals: { hits: number; misses: number } }) {
  // Mutated in place, so observers keep counting into the same object across samples.
  const minute = { questions: 0, errors: 0, latencies: [] as number[], importedPages: 0 };
  let cacheBase = { ...cache.totals };
  const points: HistoryPoint[] = [];
  return {
    minute,
    points: () => points.slice(),
    sample() {
      cache.pull();
      const at = now();
      points.push({
        at: new Date(at).toISOString(),
        questions: minute.questions,
        errors: minute.errors,
        answerP95Ms: percentile95(minute.latencies),
        importedPages: minute.importedPages,
        cacheHits: cache.totals.hits - cacheBase.hits,
        cacheMisses: cache.totals.misses - cacheBase.misses,
      });
      Object.assign(minute, { questions: 0, errors: 0, latencies: [], importedPages: 0 });
      cacheBase = { ...cache.totals };
      while (points.length > 0 && Date.parse(points[0]!.at) < at - keepMs) points.shift();
    },
  };
}

export function createEngineMetrics(opts: EngineMetricsOptions = {}): EngineMetrics {
  const now = opts.now ?? Date.now;
  const keepMs = opts.keepMs ?? 24 * 60 * 60 * 1000;
  const registry = new Registry();
  const registers = [registry];

  const { questions, errors, answerSeconds, stageSeconds, importPages, importDocuments, providerCalls, providerSeconds, providerErrors, backupLastSuccess, operations, corpusVersion } = instruments(registers);
  const cache = embeddingCacheCounters(registers, opts.cacheStats);
  backupLastSuccess.set(0);

  const answers = new Map<string, { startedAt: number; modelStages: Array<{ stage: string; ms: number }> }>();
  const finishedJobs = new Map<string, true>();
  const finishedOps = new Map<string, true>();

  const timeline = minuteHistory(now, keepMs, cache);
  const minute = timeline.minute;

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
    sample: () => timeline.sample(),
    history: () => timeline.points(),
    prometheusText: () => registry.metrics(),
  };
}
