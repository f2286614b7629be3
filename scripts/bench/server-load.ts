// Server load test (`npm run bench`, or `npx tsx scripts/bench/server-load.ts [--quick]`):
// 50 concurrent chat sessions against the built server on 127.0.0.1, the language model being
// the OpenAI-compatible stand-in with added latency, while a PDF import runs. Bounded in count
// (sessions × questions) and time (an overall deadline). Reports answer latency and errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnswerEvent, ImportJob } from '../../preload/contract';
import { authHeaders } from '../../test/run-server';
import { makeBenchPdf } from '../make-bench-pdf';
import { api, openEventStream, startChatBench, watchImportJobs } from './bench-server';
import type { BenchMetric } from './report';

export interface ServerLoadOptions {
  quick?: boolean;
  signal?: AbortSignal;
  sessions?: number;
  questionsPerSession?: number;
  modelLatencyMs?: number;
  importPages?: number;
}

const TOPICS = [
  'Quais indicadores da perspectiva financeira',
  'Como medir a satisfação dos clientes',
  'Que processos internos priorizar',
  'Como desenvolver competências de aprendizado e crescimento',
  'What financial measures fit',
  'How should the strategy map link customer outcomes',
];

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}

/** All onAnswer ends from one /events stream, by answer id (ends may arrive before chat.ask's reply). */
async function watchAnswers(url: string, signal: AbortSignal) {
  const events = await openEventStream(url, signal);
  const ended = new Map<string, AnswerEvent>();
  const waiting = new Map<string, (e: AnswerEvent) => void>();
  void (async () => {
    try {
      for await (const { event, data } of events) {
        if (event !== 'onAnswer') continue;
        const e = JSON.parse(data) as AnswerEvent;
        if (e.type !== 'done' && e.type !== 'error') continue;
        const w = waiting.get(e.answerId);
        if (w) { waiting.delete(e.answerId); w(e); } else ended.set(e.answerId, e);
      }
    } catch { /* aborted */ }
  })();
  return {
    end(answerId: string): Promise<AnswerEvent> {
      const seen = ended.get(answerId);
      if (seen) { ended.delete(answerId); return Promise.resolve(seen); }
      return new Promise((resolve, reject) => {
        waiting.set(answerId, resolve);
        signal.addEventListener('abort', () => reject(new Error('deadline reached before the answer ended')), { once: true });
      });
    },
  };
}

export async function runServerLoad(opts: ServerLoadOptions = {}): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const quick = opts.quick === true;
  const sessions = opts.sessions ?? 50;
  const perSession = opts.questionsPerSession ?? (quick ? 1 : 3);
  const latencyMs = opts.modelLatencyMs ?? 150;
  const pages = opts.importPages ?? (quick ? 100 : 400);
  const deadline = AbortSignal.any([AbortSignal.timeout(quick ? 100_000 : 200_000), ...(opts.signal ? [opts.signal] : [])]);

  const bench = await startChatBench({
    latencyMs,
    dataDirPrefix: 'bsc-load-data-',
    // The load comes from one address: lift the per-client limits so they measure the engine, not the limiter.
    env: { BSC_CHAT_RATE_PER_MINUTE: '1000000', BSC_CHAT_RATE_PER_HOUR: '1000000', BSC_API_RATE_PER_MINUTE: '1000000', BSC_IMPORT_ROOTS: os.tmpdir() },
  });
  const { server, route: chat } = bench;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-load-'));
  const stopAll = () => void server.stop();
  deadline.addEventListener('abort', stopAll, { once: true });
  try {
    await bench.useStandinForChat();
    const jobs = await watchImportJobs(server.url);
    const sample = await api<{ jobs: ImportJob[] }>(server.url, 'library.loadSample');
    await jobs.until(sample.jobs.map((j) => j.id), deadline);

    const pdf = path.join(work, `load-${pages}.pdf`);
    fs.writeFileSync(pdf, await makeBenchPdf(pages));
    const answers = await watchAnswers(server.url, deadline);
    const importStarted = performance.now();
    const { jobs: importJobs } = await api<{ jobs: ImportJob[] }>(server.url, 'library.import', { sources: [{ path: pdf }] });
    let importMs: number | null = null;
    const importDone = jobs.until(importJobs.map((j) => j.id), deadline).then((ended) => {
      importMs = performance.now() - importStarted;
      return ended;
    });

    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let answeredDuringImport = 0;
    const session = async (s: number) => {
      let conversationId: string | undefined;
      for (let q = 0; q < perSession; q++) {
        // A different question each time, so the answer cache does not serve it.
        const question = `${TOPICS[(s + q) % TOPICS.length]} para a unidade ${s}-${q}?`;
        const started = performance.now();
        const asked = await fetch(`${server.url}/api/chat.ask`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', ...authHeaders(server.url) }, body: JSON.stringify({ question, conversationId }), signal: deadline,
        }).then((r) => r.json() as Promise<{ ok: boolean; value?: { answerId: string; conversationId: string }; error?: { code: string } }>);
        if (!asked.ok || !asked.value) {
          errors.set(asked.error?.code ?? 'HTTP', (errors.get(asked.error?.code ?? 'HTTP') ?? 0) + 1);
          continue;
        }
        conversationId = asked.value.conversationId;
        const end = await answers.end(asked.value.answerId);
        if (end.type === 'error') errors.set(end.error.code, (errors.get(end.error.code) ?? 0) + 1);
        else {
          latencies.push(performance.now() - started);
          if (importMs === null) answeredDuringImport += 1;
        }
      }
    };
    const loadStarted = performance.now();
    await Promise.all(Array.from({ length: sessions }, (_, s) => session(s)));
    const loadMs = performance.now() - loadStarted;
    const imported = await importDone;
    const sorted = [...latencies].sort((a, b) => a - b);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    return {
      metrics: [
        { key: 'serverLoad.answerP50Ms', label: `${sessions} sessions: answer latency p50`, value: percentile(sorted, 0.5), unit: 'ms' },
        { key: 'serverLoad.answerP95Ms', label: `${sessions} sessions: answer latency p95`, value: percentile(sorted, 0.95), unit: 'ms' },
        { key: 'serverLoad.answerMaxMs', label: `${sessions} sessions: slowest answer`, value: sorted.at(-1) ?? null, unit: 'ms' },
        { key: 'serverLoad.answersPerSecond', label: 'answers per second under load', value: latencies.length / (loadMs / 1000), unit: '/s' },
        { key: 'serverLoad.errors', label: 'failed questions', value: errorCount, unit: '', goal: { op: '<=', target: 0 } },
        { key: 'serverLoad.importMs', label: `import of ${pages} pages alongside`, value: importMs, unit: 'ms' },
      ],
      notes: [
        `${sessions} sessions × ${perSession} questions; model = OpenAI-compatible stand-in on 127.0.0.1 adding ${latencyMs} ms per call (${chat.calls} calls); not a real model`,
        `${answeredDuringImport} of ${latencies.length} answers finished while the ${pages}-page import was running; import ${imported.map((j) => j.state).join(', ')}`,
        ...(errorCount ? [`errors by code: ${JSON.stringify(Object.fromEntries(errors))}`] : []),
      ],
    };
  } finally {
    deadline.removeEventListener('abort', stopAll);
    await bench.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runServerLoad({ quick: process.argv.includes('--quick') }).then(
    (r) => {
      for (const m of r.metrics) console.log(`${m.label.padEnd(48)} ${m.value === null ? '—' : Math.round(m.value * 100) / 100} ${m.unit}`);
      for (const n of r.notes) console.log(`  · ${n}`);
    },
    (err: unknown) => { console.error(err); process.exitCode = 1; },
  );
}
