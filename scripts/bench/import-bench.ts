// Import through the real server and engine process (BM25 only: a fresh data folder has no
// embedding provider), against raw pdfjs-dist text extraction of the same file in this process.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startServer, tempDataDir } from '../../test/run-server';
import type { ImportJob } from '../../preload/contract';
import { api, enginePid, processMemoryMb, watchImportJobs } from './bench-server';
import type { BenchMetric } from './report';

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** Every page's text content with pdfjs-dist and nothing else: the floor under our extraction. */
export async function rawPdfjsExtractMs(file: string): Promise<{ ms: number; pages: number; chars: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(fs.readFileSync(file));
  const started = performance.now();
  const doc = await pdfjs.getDocument({
    data,
    standardFontDataUrl: path.join(pdfjsRoot, 'standard_fonts') + path.sep,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  let chars = 0;
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    for (const item of content.items) if ('str' in item) chars += item.str.length;
    page.cleanup();
  }
  const ms = performance.now() - started;
  const pages = doc.numPages;
  await doc.destroy();
  return { ms, pages, chars };
}

async function importOnce(url: string, file: string, signal: AbortSignal): Promise<{ ms: number; job: ImportJob }> {
  const watcher = await watchImportJobs(url);
  try {
    const started = performance.now();
    const { jobs } = await api<{ jobs: ImportJob[] }>(url, 'library.import', { sources: [{ path: file }] });
    const [job] = await watcher.until(jobs.map((j) => j.id), signal);
    const ms = performance.now() - started;
    if (!job || job.state !== 'done') throw new Error(`import of ${path.basename(file)} ended ${job?.state}: ${job?.error?.message ?? ''}`);
    return { ms, job };
  } finally {
    watcher.close();
  }
}

/**
 * Pages/s of the whole pipeline (queue, worker extraction, chunking, BM25 index, one transaction)
 * ÷ pages/s of raw pdfjs extraction; then the same file again (unchanged) ÷ the first import.
 */
export async function measureImportThroughput(pdf: string, pages: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const raw = await rawPdfjsExtractMs(pdf);
  if (raw.pages !== pages) throw new Error(`bench PDF has ${raw.pages} pages, expected ${pages}`);
  const server = await startServer({ dataDir: tempDataDir('bsc-bench-import-'), env: { BSC_IMPORT_ROOTS: path.dirname(pdf) } });
  const stop = () => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const first = await importOnce(server.url, pdf, signal);
    const again = await importOnce(server.url, pdf, signal);
    if (again.job.note !== 'already in the library') throw new Error(`re-import was not recognised as unchanged (note: ${again.job.note})`);
    const rawRate = (raw.pages / raw.ms) * 1000;
    const pipelineRate = (first.job.pages / first.ms) * 1000;
    return {
      metrics: [
        { key: 'import.pipelinePagesPerSec', label: `import ${pages}-page PDF, pipeline`, value: pipelineRate, unit: 'pages/s' },
        { key: 'import.rawPagesPerSec', label: `raw pdfjs text extraction, same PDF`, value: rawRate, unit: 'pages/s' },
        { key: 'import.throughputRatio', label: 'import ÷ raw extraction (pages/s)', value: pipelineRate / rawRate, unit: '×', goal: { op: '>=', target: 0.5 } },
        { key: 'import.firstMs', label: `first import, ${pages} pages`, value: first.ms, unit: 'ms' },
        { key: 'import.reimportMs', label: 're-import unchanged', value: again.ms, unit: 'ms' },
        { key: 'import.reimportRatio', label: 're-import ÷ first import', value: again.ms / first.ms, unit: '×', goal: { op: '<=', target: 0.05 } },
      ],
      notes: [`${first.job.chunks} chunks; raw extraction ${Math.round(raw.ms)} ms for ${raw.chars} characters`],
    };
  } finally {
    signal.removeEventListener('abort', stop);
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** Peak RSS (VmHWM: the engine process and its extraction worker thread) while importing `pdf`. */
export async function measureImportPeakMemory(pdf: string, pages: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const server = await startServer({ dataDir: tempDataDir('bsc-bench-memory-'), env: { BSC_IMPORT_ROOTS: path.dirname(pdf) } });
  const stop = () => void server.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const pid = await enginePid(server.url);
    const idle = processMemoryMb(pid);
    if (!idle) throw new Error(`cannot read /proc/${pid}/status`);
    let sampledMax = idle.rss;
    const sampler = setInterval(() => {
      const m = processMemoryMb(pid);
      if (m) sampledMax = Math.max(sampledMax, m.rss);
    }, 50);
    let imported: { ms: number; job: ImportJob };
    let peak: number;
    try {
      imported = await importOnce(server.url, pdf, signal);
      const after = processMemoryMb(pid);
      if (!after) throw new Error('the engine process went away during the import');
      if ((await enginePid(server.url)) !== pid) throw new Error('the engine restarted during the import (crashed?)');
      peak = after.peak;
    } finally {
      clearInterval(sampler);
    }
    return {
      metrics: [{ key: 'memory.importPeakRssMb', label: `engine peak RSS importing ${pages} pages`, value: peak, unit: 'MB', goal: { op: '<', target: 600 } }],
      notes: [`engine idle RSS ${Math.round(idle.rss)} MB, largest sampled RSS ${Math.round(sampledMax)} MB; import took ${Math.round(imported.ms)} ms, ${imported.job.chunks} chunks`],
    };
  } finally {
    signal.removeEventListener('abort', stop);
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}
