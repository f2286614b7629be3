// `npm run bench [-- --quick] [--save-baseline] [--no-build] [--only a,b]`: the measures the issues
// set goals for, each bounded in time, printed beside the committed baseline and written to
// test/artifacts/bench.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeBenchPdf } from '../make-bench-pdf';
import { measureChat } from './chat-bench';
import { measureImportPeakMemory, measureImportThroughput } from './import-bench';
import { measureFlateBomb, measureOcr } from './ocr-bench';
import { measureRendererDuringImport, rendererUnavailable } from './renderer-bench';
import { type Baseline, type BenchMetric, type BenchSection, baselineFrom, formatBenchTable, parseBaseline } from './report';
import { measureStoreLatency, measureVectorLibrary } from './retrieval-bench';
import { findServerLoad, metricsFromLoadResult } from './server-load-section';
import { measureBackupSpeed, measureSearchConcurrency } from './store-bench';
import { measureStrategy } from './strategy-bench';
import { measureTitles } from './titles-bench';
import { measureWatchLatency } from './watch-bench';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const baselineFile = path.join(import.meta.dirname, 'baseline.json');
const outFile = path.join(repoRoot, 'test/artifacts/bench.json');

type Outcome = { metrics: BenchMetric[]; notes?: string[] } | { skipped: string };
interface SectionPlan {
  name: string;
  limitMs: number;
  run(signal: AbortSignal): Promise<Outcome>;
}

/** Runs one section within its time limit; a timeout aborts it (its child processes are killed). */
async function runSection(plan: SectionPlan): Promise<BenchSection> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`ran out of time (${Math.round(plan.limitMs / 1000)} s)`));
    }, plan.limitMs);
  });
  process.stderr.write(`… ${plan.name}\n`);
  try {
    const out = await Promise.race([plan.run(controller.signal), timeout]);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    if ('skipped' in out) return { name: plan.name, metrics: [], skipped: out.skipped, seconds };
    return { name: plan.name, metrics: out.metrics, notes: out.notes, seconds };
  } catch (err) {
    return { name: plan.name, metrics: [], error: err instanceof Error ? err.message : String(err), seconds: Math.round((performance.now() - started) / 100) / 10 };
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: 'boolean' }, 'save-baseline': { type: 'boolean' }, 'no-build': { type: 'boolean' }, only: { type: 'string' } },
  });
  const quick = values.quick === true;
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const t0 = performance.now();

  if (!values['no-build']) {
    process.stderr.write('… building (server, engine, renderer)\n');
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--quiet'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-bench-'));
  const pdfs = new Map<number, string>();
  const benchPdf = async (pages: number) => {
    let file = pdfs.get(pages);
    if (!file) {
      file = path.join(work, `bench-${pages}.pdf`);
      fs.writeFileSync(file, await makeBenchPdf(pages));
      pdfs.set(pages, file);
    }
    return file;
  };

  const plans: SectionPlan[] = [
    { name: 'import', limitMs: 180_000, run: async (s) => measureImportThroughput(await benchPdf(300), 300, s) },
    { name: 'import-memory', limitMs: 240_000, run: async (s) => measureImportPeakMemory(await benchPdf(1000), 1000, s) },
    { name: 'latency-10k', limitMs: 120_000, run: (s) => measureStoreLatency(10_000, 100, 110_000, s) },
    { name: 'latency-10k-384', limitMs: 120_000, run: (s) => measureStoreLatency(10_000, 100, 110_000, s, 384) },
    { name: 'retrieve-10k', limitMs: 120_000, run: (s) => measureVectorLibrary(10_000, 60, 110_000, s) },
    { name: 'backup-speed', limitMs: 300_000, run: (s) => measureBackupSpeed(quick ? 200 : 1024, s) },
    ...(quick ? [] : [
      // At 100k the exact float KNN baseline reads every vector (about 1.3 s each here): few queries, long limits.
      { name: 'latency-100k', limitMs: 300_000, run: (s: AbortSignal) => measureStoreLatency(100_000, 20, 290_000, s) },
      { name: 'latency-100k-384', limitMs: 240_000, run: (s: AbortSignal) => measureStoreLatency(100_000, 40, 230_000, s, 384) },
      { name: 'retrieve-100k', limitMs: 240_000, run: (s: AbortSignal) => measureVectorLibrary(100_000, 12, 230_000, s) },
      { name: 'search-readers-100k', limitMs: 300_000, run: (s: AbortSignal) => measureSearchConcurrency(100_000, 384, 10, s) },
    ]),
    {
      name: 'renderer', limitMs: 180_000,
      run: async (s) => {
        const why = rendererUnavailable();
        return why ? { skipped: why } : measureRendererDuringImport(await benchPdf(300), 300, 150_000, s);
      },
    },
    { name: 'chat', limitMs: 180_000, run: (s) => measureChat(120_000, s) },
    { name: 'ocr', limitMs: 240_000, run: (s) => measureOcr(work, s) },
    { name: 'flate-bomb', limitMs: 120_000, run: (s) => measureFlateBomb(work, s) },
    { name: 'titles', limitMs: 120_000, run: (s) => measureTitles(path.resolve(repoRoot, '../shared/corpus/pdfs'), s) },
    { name: 'watch', limitMs: 120_000, run: (s) => measureWatchLatency(s) },
    { name: 'strategy', limitMs: 240_000, run: (s) => measureStrategy(s) },
    {
      name: 'server-load', limitMs: 240_000,
      run: async (signal) => {
        const found = await findServerLoad();
        if ('skipped' in found) return { skipped: found.skipped };
        const result = await found.run({ quick, signal });
        const theirs = (result as { notes?: unknown } | null)?.notes;
        return { metrics: metricsFromLoadResult(result), notes: [`ran ${found.name}() from server-load.ts`, ...(Array.isArray(theirs) ? theirs.map(String) : [])] };
      },
    },
  ];

  const sections: BenchSection[] = [];
  try {
    for (const plan of plans) {
      if (only && !only.has(plan.name)) continue;
      sections.push(await runSection(plan));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const baseline: Baseline | null = fs.existsSync(baselineFile) ? parseBaseline(fs.readFileSync(baselineFile, 'utf8')) : null;
  const seconds = Math.round((performance.now() - t0) / 1000);
  process.stdout.write(`\nAgente BSC bench${quick ? ' (quick: no 100k-chunk runs)' : ''}, ${os.cpus().length} cores, node ${process.versions.node}, ${seconds} s\n`);
  process.stdout.write(formatBenchTable(sections, baseline));

  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify({ at: new Date().toISOString(), quick, seconds, cores: os.cpus().length, node: process.versions.node, sections, baseline }, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(repoRoot, outFile)}\n`);
  if (values['save-baseline']) {
    // Keep figures of sections not run this time (a quick run keeps the 100k ones).
    const next = baselineFrom(sections, quick);
    if (baseline) next.metrics = { ...baseline.metrics, ...next.metrics };
    fs.writeFileSync(baselineFile, `${JSON.stringify(next, null, 2)}\n`);
    process.stdout.write(`saved the baseline to ${path.relative(repoRoot, baselineFile)}\n`);
  }
}

main().then(
  () => { process.exit(0); },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
