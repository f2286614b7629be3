// OCR and bounded extraction through the real server, engine process and extraction child:
// character error rate on generated scans, pages/s, and the memory of engine + child while OCR
// runs and while a 2 GiB Flate bomb is refused.
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentPage, ImportJob } from '../../preload/contract';
import { flateBombPdf } from '../../main/engine/ingest/extract-bomb-fixture';
import { characterErrorRate } from '../../main/engine/ingest/ocr/cer';
import { type ScanOptions, scannedPdf, scanTexts } from '../../main/engine/ingest/ocr/scan-fixtures';
import { startServer, tempDataDir } from '../../test/run-server';
import { api, enginePid, processMemoryMb, watchImportJobs } from './bench-server';
import type { BenchMetric } from './report';

/** The process and its descendants (the extraction child, tesseract runs inside it as a thread). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`, { withFileTypes: false }) as string[]) {
    try {
      const kids = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) out.push(...processTree(Number(k)));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** Samples RSS of the engine and of engine + children every 50 ms until stopped. */
function sampleMemory(pid: number): { stop(): { engineMax: number; treeMax: number } } {
  let engineMax = 0;
  let treeMax = 0;
  const tick = (): void => {
    try {
      // A child that just exited (a zombie) has no VmRSS: it counts as 0.
      const tree = processTree(pid).map((p) => processMemoryMb(p)?.rss ?? 0).map((mb) => (Number.isFinite(mb) ? mb : 0));
      engineMax = Math.max(engineMax, tree[0] ?? 0);
      treeMax = Math.max(treeMax, tree.reduce((a, b) => a + b, 0));
    } catch {
      // Process gone between listing and reading.
    }
  };
  tick();
  const timer = setInterval(tick, 50);
  return { stop: () => (clearInterval(timer), tick(), { engineMax, treeMax }) };
}

async function importFile(url: string, file: string, signal: AbortSignal): Promise<{ ms: number; job: ImportJob }> {
  const watcher = await watchImportJobs(url);
  try {
    const started = performance.now();
    const { jobs } = await api<{ jobs: ImportJob[] }>(url, 'library.import', { sources: [{ path: file }] });
    const [job] = await watcher.until(jobs.map((j) => j.id), signal);
    if (!job) throw new Error(`no job for ${file}`);
    return { ms: performance.now() - started, job };
  } finally {
    watcher.close();
  }
}

async function withServer<T>(prefix: string, work: string, signal: AbortSignal, run: (url: string, pid: number) => Promise<T>): Promise<T> {
  // Server mode imports only from listed roots (issue 13.2): the bench's folder is one.
  const server = await startServer({ dataDir: tempDataDir(prefix), env: { BSC_IMPORT_ROOTS: work } });
  const stop = (): void => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await run(server.url, await enginePid(server.url));
  } finally {
    signal.removeEventListener('abort', stop);
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

const noisy: ScanOptions = { noise: 0.03, rotateDeg: 2, faded: true };

/** Four scanned pages (pt and en, clean and noisy + 2°) imported with OCR; CER per kind, pages/s, memory. */
export async function measureOcr(work: string, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const plan = [
    { lines: scanTexts.pt, scan: {} }, { lines: scanTexts.en, scan: {} },
    { lines: scanTexts.pt, scan: noisy }, { lines: scanTexts.en, scan: noisy },
  ];
  const file = path.join(work, 'ocr-scan.pdf');
  fs.writeFileSync(file, await scannedPdf(plan));
  return withServer('bsc-bench-ocr-', work, signal, async (url, pid) => {
    const idle = processMemoryMb(pid)?.rss ?? 0;
    const memory = sampleMemory(pid);
    const { ms, job } = await importFile(url, file, signal);
    const peak = memory.stop();
    if (job.state !== 'done' || !job.documentId) throw new Error(`OCR import ended ${job.state}: ${job.error?.message ?? ''}`);
    const { pages } = await api<{ pages: DocumentPage[] }>(url, 'library.document', { documentId: job.documentId });
    await new Promise((r) => setTimeout(r, 1000));
    const after = processTree(pid).map((p) => processMemoryMb(p)?.rss ?? 0).filter(Number.isFinite).reduce((a, b) => a + b, 0);
    const cer = plan.map((p, i) => characterErrorRate(pages[i]?.text ?? '', p.lines.join('\n')));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      metrics: [
        { key: 'ocr.cerClean', label: 'OCR CER, clean 300-dpi scans (pt, en)', value: mean(cer.slice(0, 2)) * 100, unit: '%', goal: { op: '<=', target: 3 } },
        { key: 'ocr.cerNoisy', label: 'OCR CER, noise + 2° rotation (pt, en)', value: mean(cer.slice(2)) * 100, unit: '%', goal: { op: '<=', target: 8 } },
        { key: 'ocr.pagesPerSec', label: `OCR import, ${plan.length} scanned pages`, value: (plan.length / ms) * 1000, unit: 'pages/s' },
        { key: 'ocr.enginePeakRssMb', label: 'engine peak RSS during OCR', value: peak.engineMax, unit: 'MB', goal: { op: '<', target: 800 } },
        { key: 'ocr.treePeakRssMb', label: 'engine + extraction child peak RSS during OCR', value: peak.treeMax, unit: 'MB', goal: { op: '<', target: 800 } },
        { key: 'ocr.afterOverIdle', label: 'engine + children RSS 1 s after OCR ÷ idle', value: after / idle, unit: '×', goal: { op: '<=', target: 1.2 } },
      ],
      notes: [`CER per page ${cer.map((c) => `${(c * 100).toFixed(2)}%`).join(', ')}; OCR pages marked: ${pages.filter((p) => p.ocr).length}/${pages.length}; engine idle ${Math.round(idle)} MB; import ${Math.round(ms)} ms`],
    };
  });
}

/** A 2 MB PDF whose stream expands to 2 GiB: the job must fail with TOO_LARGE, the engine survive, memory stay low. */
export async function measureFlateBomb(work: string, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const file = path.join(work, 'flate-bomb.pdf');
  fs.writeFileSync(file, await flateBombPdf());
  return withServer('bsc-bench-bomb-', work, signal, async (url, pid) => {
    const idle = processMemoryMb(pid)?.rss ?? 0;
    const memory = sampleMemory(pid);
    const { ms, job } = await importFile(url, file, signal);
    const peak = memory.stop();
    if (job.state !== 'failed' || job.error?.code !== 'TOO_LARGE') throw new Error(`bomb import ended ${job.state} ${job.error?.code ?? ''}`);
    if ((await enginePid(url)) !== pid) throw new Error('the engine restarted (crashed) during the bomb import');
    await new Promise((r) => setTimeout(r, 1000));
    const after = processMemoryMb(pid)?.rss ?? 0;
    return {
      metrics: [
        { key: 'bomb.treePeakRssMb', label: 'engine + child peak RSS, 2 GiB Flate PDF', value: peak.treeMax, unit: 'MB', goal: { op: '<', target: 1024 } },
        { key: 'bomb.afterOverIdle', label: 'engine RSS 1 s after the job ÷ idle', value: after / idle, unit: '×', goal: { op: '<=', target: 1.2 } },
      ],
      notes: [`${(fs.statSync(file).size / 1048576).toFixed(1)} MB file refused in ${Math.round(ms)} ms: ${job.error.message}; engine idle ${Math.round(idle)} MB, peak ${Math.round(peak.engineMax)} MB, after ${Math.round(after)} MB`],
    };
  });
}
