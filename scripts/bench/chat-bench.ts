// Chat timings on the sample library through the built server, the model being the OpenAI-compatible
// stand-in adding a fixed latency per call: the specialists' parallelism, the engine's own time to
// the first token, and a cached answer. Skipped while chat.ask is not available.
import { pipelineMeasures } from '../../main/engine/agents/measure-pipeline';
import type { Answer, AnswerEvent, ImportJob } from '../../preload/contract';
import { callApi } from '../../test/run-server';
import { api, openEventStream, startChatBench, watchImportJobs } from './bench-server';
import type { BenchMetric } from './report';

const QUESTION = 'Quais indicadores da perspectiva financeira e do cliente o mapa estratégico recomenda?';

/** Follows one answer's onAnswer events from /events: time to first token and to done. */
async function askAndTime(url: string, question: string, timeoutMs: number): Promise<{ firstTokenMs: number | null; doneMs: number; events: TimedEvent[] }> {
  const abort = new AbortController();
  const events: TimedEvent[] = [];
  let firstTokenMs: number | null = null;
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    // Connected before asking, so the first events are not missed.
    const stream = await openEventStream(url, abort.signal);
    const started = performance.now();
    const asked = await callApi(url, 'chat.ask', { question });
    if (!asked.json?.ok) throw new ChatUnavailable(`${asked.json?.error?.code}: ${asked.json?.error?.message}`);
    const answerId = asked.json.value.answerId as string;
    for await (const { event, data } of stream) {
      if (event !== 'onAnswer') continue;
      const e = JSON.parse(data) as AnswerEvent;
      if (e.answerId !== answerId) continue;
      events.push({ at: performance.now(), event: e });
      if (e.type === 'token' && firstTokenMs === null) firstTokenMs = performance.now() - started;
      if (e.type === 'error') throw new Error(`answer failed: ${e.error.code} ${e.error.message}`);
      if (e.type === 'done') return { firstTokenMs, doneMs: performance.now() - started, events };
    }
    throw new Error('event stream ended before the answer did');
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

export class ChatUnavailable extends Error {}

export interface TimedEvent { at: number; event: AnswerEvent }

const MODEL_LATENCY_MS = 150;

export async function measureChat(timeoutMs: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] } | { skipped: string }> {
  const bench = await startChatBench({ latencyMs: MODEL_LATENCY_MS, dataDirPrefix: 'bsc-bench-chat-' });
  const { server, route } = bench;
  const stop = () => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const probe = await callApi(server.url, 'chat.ask', { question: 'teste' });
    if (!probe.json?.ok && probe.json?.error?.code === 'INTERNAL') return { skipped: `chat engine not available (chat.ask: ${probe.json.error.message})` };
    await bench.useStandinForChat();
    const watcher = await watchImportJobs(server.url);
    const { jobs } = await api<{ jobs: ImportJob[] }>(server.url, 'library.loadSample');
    await watcher.until(jobs.map((j) => j.id), signal);
    watcher.close();
    const first = await askAndTime(server.url, QUESTION, timeoutMs);
    const again = await askAndTime(server.url, QUESTION, timeoutMs);
    const answerOf = (r: typeof first) => (r.events.find((t) => t.event.type === 'done')?.event as { answer: Answer } | undefined)?.answer;
    const answer = answerOf(first);
    const cached = answerOf(again);
    if (!answer) throw new Error('no done event for the first answer');
    const m = pipelineMeasures(answer);
    return {
      metrics: [
        { key: 'chat.parallelRatio', label: 'specialists wall ÷ slowest specialist', value: m.parallelRatio, unit: '×', goal: { op: '<=', target: 1.3 } },
        { key: 'chat.engineToFirstTokenMs', label: 'engine time to first token (model excluded)', value: m.engineToFirstTokenMs, unit: 'ms', goal: { op: '<', target: 300 } },
        { key: 'chat.firstTokenMs', label: 'question → first token, as seen over HTTP', value: first.firstTokenMs, unit: 'ms' },
        { key: 'chat.answerMs', label: 'question → complete answer', value: first.doneMs, unit: 'ms' },
        { key: 'chat.cachedMs', label: 'same question again (cached), ask → done', value: again.doneMs, unit: 'ms', goal: { op: '<', target: 50 } },
      ],
      notes: [
        `model = OpenAI-compatible stand-in on 127.0.0.1 adding ${MODEL_LATENCY_MS} ms per call (${route.calls} calls); ${answer.kind} answer, ${answer.status}, router ${answer.router.perspectives.join('+') || 'none'}`,
        ...(cached?.cached ? [] : ['the repeated question was NOT served from the answer cache']),
      ],
    };
  } catch (err) {
    if (err instanceof ChatUnavailable) return { skipped: `chat engine not available (${err.message})` };
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    await bench.close();
  }
}
