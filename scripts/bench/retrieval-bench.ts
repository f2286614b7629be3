// Retrieval latency and the memory of a library of vectors, each measured in a child process
// (bounded in time, killed on timeout, its memory its own).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedLatencyReport } from '../../main/engine/vectorstore/embedded-latency';
import type { LatencyStats } from './latency-stats';
import type { BenchMetric } from './report';

const CHILD = path.join(import.meta.dirname, 'vector-library-child.ts');
const DIMS = 1536;

type Memory = { rss: number; peak: number };

/** Runs the child script with tsx; resolves with the JSON of its last stdout line. */
export function runBenchChild<T>(args: string[], timeoutMs: number, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let why: string | null = null;
    const stop = (reason: string) => {
      why = reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`timed out after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onAbort = () => stop('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (why) return reject(new Error(`${args[0]} ${args.slice(1).join(' ')}: ${why}`));
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${args[0]} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${args[0]} printed no result: ${last.slice(0, 200)}`));
      }
    });
  });
}

const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

/**
 * measureEmbeddedLatency: the store's quantised dense and hybrid queries and retrieve() hybrid,
 * against exact float KNN (sqlite-vec) on the same vectors, and the quantised search's recall@10.
 */
export async function measureStoreLatency(chunks: number, queries: number, timeoutMs: number, signal: AbortSignal, dims = DIMS): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const r = await runBenchChild<EmbeddedLatencyReport & { memory: Memory }>(['embedded-latency', String(chunks), String(queries), String(dims)], timeoutMs, signal);
  const n = `${label(chunks)}${dims === DIMS ? '' : `.${dims}d`}`;
  const goal = chunks <= 10_000 ? 25 : 100;
  const metrics: BenchMetric[] = [
    { key: `latency.${n}.retrieveHybridP50`, label: `retrieve() hybrid p50, ${label(chunks)} × ${dims}-d`, value: r.retrieveHybrid.p50, unit: 'ms' },
    { key: `latency.${n}.retrieveHybridP95`, label: `retrieve() hybrid p95, ${label(chunks)} × ${dims}-d`, value: r.retrieveHybrid.p95, unit: 'ms', goal: { op: '<', target: goal } },
    { key: `latency.${n}.storeDenseP95`, label: `quantised dense p95, ${label(chunks)} × ${dims}-d`, value: r.dense.p95, unit: 'ms' },
    { key: `latency.${n}.storeHybridP95`, label: `store hybrid p95, ${label(chunks)} × ${dims}-d`, value: r.hybrid.p95, unit: 'ms' },
    { key: `latency.${n}.rawKnnP95`, label: `exact float KNN (sqlite-vec) p95, ${label(chunks)} × ${dims}-d`, value: r.rawKnn.p95, unit: 'ms' },
    { key: `latency.${n}.retrieveRatioP95`, label: `retrieve() hybrid ÷ float KNN p95, ${label(chunks)} × ${dims}-d`, value: r.retrieveHybrid.p95 / r.rawKnn.p95, unit: '×' },
    { key: `latency.${n}.codeLoadMs`, label: `first dense search after open (loads the int8 codes), ${label(chunks)} × ${dims}-d`, value: r.codeLoadMs, unit: 'ms' },
    { key: `latency.${n}.recallAt10`, label: `recall@10 quantised vs exact float, ${label(chunks)} × ${dims}-d`, value: r.recallAtK, unit: '', goal: { op: '>=', target: 0.98 } },
  ];
  const fmt = (s: LatencyStats) => `${s.p50}/${s.p95}`;
  return { metrics, notes: [`${n}: ${r.queries} queries, built in ${r.buildMs} ms; p50/p95 ms — bm25 ${fmt(r.bm25)}, dense ${fmt(r.dense)}, store hybrid ${fmt(r.hybrid)}, retrieve() hybrid ${fmt(r.retrieveHybrid)}, float KNN ${fmt(r.rawKnn)}, retrieve() bm25 ${fmt(r.retrieveBm25)}; recall@10 ${r.recallAtK}`] };
}

/**
 * A library of `chunks` vectors built by one process, then opened by another as the engine opens
 * it: retrieve() hybrid (joins and snippets included) ÷ raw KNN, and that process's memory ÷ the
 * raw vector bytes.
 */
export async function measureVectorLibrary(chunks: number, queries: number, timeoutMs: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-bench-vectors-'));
  const deadline = Date.now() + timeoutMs;
  try {
    const built = await runBenchChild<{ buildMs: number; diskBytes: number; memory: Memory }>(['build', dir, String(chunks), String(DIMS)], timeoutMs, signal);
    const q = await runBenchChild<{ retrieveHybrid: LatencyStats; rawKnn: LatencyStats; idle: Memory; memory: Memory }>(['query', dir, String(DIMS), String(queries)], Math.max(1000, deadline - Date.now()), signal);
    const rawMb = (chunks * DIMS * 4) / 1024 / 1024;
    const n = label(chunks);
    return {
      metrics: [
        { key: `latency.${n}.retrieveHybridP50`, label: `retrieve() hybrid p50, ${n}`, value: q.retrieveHybrid.p50, unit: 'ms' },
        { key: `latency.${n}.retrieveHybridP95`, label: `retrieve() hybrid p95, ${n}`, value: q.retrieveHybrid.p95, unit: 'ms', ...(chunks <= 10_000 ? { goal: { op: '<', target: 50 } as const } : {}) },
        { key: `latency.${n}.retrieveRatioP50`, label: `retrieve() hybrid ÷ raw KNN p50, ${n}`, value: q.retrieveHybrid.p50 / q.rawKnn.p50, unit: '×', goal: { op: '<=', target: 2 } },
        { key: `latency.${n}.retrieveRatioP95`, label: `retrieve() hybrid ÷ raw KNN p95, ${n}`, value: q.retrieveHybrid.p95 / q.rawKnn.p95, unit: '×', goal: { op: '<=', target: 2 } },
        { key: `memory.${n}.queryPeakRssMb`, label: `peak RSS searching ${n} vectors`, value: q.memory.peak, unit: 'MB' },
        { key: `memory.${n}.rssRatio`, label: `that RSS ÷ raw vector bytes, ${n}`, value: q.memory.peak / rawMb, unit: '×', ...(chunks >= 100_000 ? { goal: { op: '<=', target: 1.5 } as const } : {}) },
        { key: `memory.${n}.diskRatio`, label: `database on disk ÷ raw vector bytes, ${n}`, value: built.diskBytes / 1024 / 1024 / rawMb, unit: '×' },
      ],
      notes: [
        `${n}: raw vectors ${Math.round(rawMb)} MB; built in ${Math.round(built.buildMs / 1000)} s (builder peak RSS ${Math.round(built.memory.peak)} MB); searching process idle ${Math.round(q.idle.rss)} MB before opening; ${queries} queries, raw KNN p50/p95 ${q.rawKnn.p50}/${q.rawKnn.p95} ms`,
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
