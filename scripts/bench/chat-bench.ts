// Chat timings on the sample library, once chat.ask exists: first streamed token, the specialists'
// parallelism (wall time ÷ the slowest one), and a cached answer. Without a provider configured it
// times the offline (extractive) pipeline; the stand-in-latency variant of the issue needs the chat
// engine's provider settings and is left to it.
import fs from 'node:fs';
import type { AnswerEvent, ImportJob } from '../../preload/contract';
import { callApi, startServer, tempDataDir } from '../../test/run-server';
import { api, watchImportJobs } from './bench-server';
import type { BenchMetric } from './report';

const QUESTION = 'Quais indicadores da perspectiva financeira e do cliente o mapa estratégico recomenda?';

/** Follows one answer's onAnswer events from /events: time to first token and to done. */
async function askAndTime(url: string, question: string, timeoutMs: number): Promise<{ firstTokenMs: number | null; doneMs: number; events: TimedEvent[] }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/events`, { signal: abort.signal });
  if (!res.body) throw new Error('no event stream');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: TimedEvent[] = [];
  let answerId: string | null = null;
  let buffer = '';
  let firstTokenMs: number | null = null;
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    // Wait for the stream to be connected before asking, so the first events are not missed.
    while (!buffer.includes(': connected')) buffer += (await reader.read()).value ?? '';
    const started = performance.now();
    const asked = await callApi(url, 'chat.ask', { question });
    if (!asked.json?.ok) throw new ChatUnavailable(`${asked.json?.error?.code}: ${asked.json?.error?.message}`);
    answerId = asked.json.value.answerId as string;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended before the answer did');
      buffer += value;
      let at: number;
      while ((at = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (!/^event: onAnswer$/m.test(frame)) continue;
        const e = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as AnswerEvent;
        if (e.answerId !== answerId) continue;
        events.push({ at: performance.now(), event: e });
        if (e.type === 'token' && firstTokenMs === null) firstTokenMs = performance.now() - started;
        if (e.type === 'error') throw new Error(`answer failed: ${e.error.code} ${e.error.message}`);
        if (e.type === 'done') return { firstTokenMs, doneMs: performance.now() - started, events };
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

export class ChatUnavailable extends Error {}

export interface TimedEvent { at: number; event: AnswerEvent }

/**
 * Wall time from the first specialist starting to the last finishing ÷ the slowest specialist's
 * own time (its `ms`, else its span between events). 1.0 is perfectly parallel; 4 is serial.
 */
export function specialistParallelRatio(events: TimedEvent[]): number | null {
  const spans = new Map<string, { start?: number; end?: number; ms?: number }>();
  for (const { at, event: e } of events) {
    if (e.type !== 'stage' || e.stage !== 'specialist' || !e.perspective) continue;
    const span = spans.get(e.perspective) ?? {};
    if (e.state === 'started') span.start = at;
    else { span.end = at; span.ms = e.ms; }
    spans.set(e.perspective, span);
  }
  const complete = [...spans.values()].filter((s): s is { start: number; end: number; ms?: number } => s.start !== undefined && s.end !== undefined);
  if (complete.length === 0) return null;
  const wall = Math.max(...complete.map((s) => s.end)) - Math.min(...complete.map((s) => s.start));
  const slowest = Math.max(...complete.map((s) => s.ms ?? s.end - s.start));
  return slowest > 0 ? wall / slowest : null;
}

export async function measureChat(timeoutMs: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] } | { skipped: string }> {
  const server = await startServer({ dataDir: tempDataDir('bsc-bench-chat-') });
  const stop = () => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const probe = await callApi(server.url, 'chat.ask', { question: 'teste' });
    if (!probe.json?.ok) return { skipped: `chat engine not available (chat.ask: ${probe.json?.error?.code} ${probe.json?.error?.message})` };
    const watcher = await watchImportJobs(server.url);
    const { jobs } = await api<{ jobs: ImportJob[] }>(server.url, 'library.loadSample');
    await watcher.until(jobs.map((j) => j.id), signal);
    watcher.close();
    const first = await askAndTime(server.url, QUESTION, timeoutMs);
    const cached = await askAndTime(server.url, QUESTION, timeoutMs);
    const done = cached.events.find((t) => t.event.type === 'done')?.event;
    const parallel = specialistParallelRatio(first.events);
    return {
      metrics: [
        { key: 'chat.firstTokenMs', label: 'question → first streamed token', value: first.firstTokenMs, unit: 'ms', goal: { op: '<', target: 300 } },
        { key: 'chat.answerMs', label: 'question → complete answer', value: first.doneMs, unit: 'ms' },
        { key: 'chat.parallelRatio', label: '4 specialists wall ÷ slowest one', value: parallel, unit: '×', goal: { op: '<=', target: 1.3 } },
        { key: 'chat.cachedMs', label: 'same question again (cached)', value: cached.doneMs, unit: 'ms', goal: { op: '<', target: 50 } },
      ],
      notes: [
        'no provider configured: the offline (extractive) pipeline, no model latency',
        ...(done?.type === 'done' && !done.answer.cached ? ['the repeated question was NOT served from the answer cache'] : []),
        ...(parallel === null ? ['no per-specialist stage timings in the events: parallel ratio not measured'] : []),
      ],
    };
  } catch (err) {
    if (err instanceof ChatUnavailable) return { skipped: `chat engine not available (${err.message})` };
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}
