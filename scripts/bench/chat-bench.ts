// Chat timings on the sample library through the built server, the model being the OpenAI-compatible
// stand-in adding a fixed latency per call: the specialists' parallelism, the engine's own time to
// the first token, and a cached answer. Skipped while chat.ask is not available.
import fs from 'node:fs';
import { pipelineMeasures } from '../../main/engine/agents/measure-pipeline';
import type { Answer, AnswerEvent, ImportJob } from '../../preload/contract';
import { addChatCompletionsRoute } from '../../test/standins/openai-chat-route';
import { startOpenAIStandin } from '../../test/standins/openai-standin';
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

const MODEL_LATENCY_MS = 150;

export async function measureChat(timeoutMs: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] } | { skipped: string }> {
  const apiKey = 'bench-local-key';
  const standin = await startOpenAIStandin({ apiKey });
  const route = addChatCompletionsRoute(standin);
  route.script.latencyMs = MODEL_LATENCY_MS;
  const server = await startServer({ dataDir: tempDataDir('bsc-bench-chat-'), env: { BSC_COMPATIBLE_API_KEY: apiKey } });
  const stop = () => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const probe = await callApi(server.url, 'chat.ask', { question: 'teste' });
    if (!probe.json?.ok && probe.json?.error?.code === 'INTERNAL') return { skipped: `chat engine not available (chat.ask: ${probe.json.error.message})` };
    await api(server.url, 'settings.set', { chat: { provider: 'openai-compatible', baseUrl: standin.url, models: { router: null, specialist: 'standin-chat', synthesizer: null, judge: null, contextualizer: null } } });
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
    await server.stop();
    await standin.close();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}
