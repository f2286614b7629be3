// Child-process entry: extracts one document (text layer, OCR) in a process of its own, so a
// hostile or huge file can exhaust only this process. A watchdog thread samples the process's
// resident memory and kills it past the ceiling (the heap limit alone does not bound buffers,
// WebAssembly or native memory); the parent then reports the file as too large to read.
import { Worker } from 'node:worker_threads';
import { errorShape } from '../dispatch';
import { extractDocument } from './extract';
import { type ExtractJob, memoryCeilingMarker } from './extract-job';

// Plain CommonJS evaluated in a worker thread: it keeps running while the main thread is stuck
// inside pdf.js or WebAssembly, which is exactly when memory runs away.
const watchdogSource = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const peak = new Float64Array(workerData.peak);
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peak[0]) peak[0] = rss;
  if (rss > workerData.limit) {
    try { fs.writeSync(2, '${memoryCeilingMarker} ' + Math.round(rss / 1048576) + '\\n'); } catch {}
    process.kill(process.pid, 'SIGKILL');
  }
}, 20);
`;

function startWatchdog(limitBytes: number): Float64Array {
  const peak = new SharedArrayBuffer(8);
  const worker = new Worker(watchdogSource, { eval: true, workerData: { limit: limitBytes, peak } });
  worker.unref();
  return new Float64Array(peak);
}

const limitMb = Number(process.argv[2] ?? '0');
const peak = limitMb > 0 ? startWatchdog(limitMb * 1048576) : null;
const peakMb = (): number => Math.round(Math.max(peak?.[0] ?? 0, process.memoryUsage.rss()) / 1048576);

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, undefined, () => resolve()) ?? resolve());
}

process.once('message', (job: ExtractJob) => {
  void extractDocument(job.bytes, job.filename, {
    password: job.password,
    maxBytes: job.maxBytes,
    ocr: job.ocr,
    maxDecodedStreamBytes: job.maxDecodedStreamBytes,
    onProgress: (p) => void send({ type: 'progress', ...p }),
  })
    .then(
      (doc) => send({ type: 'result', doc: { ...doc, stats: { ...(doc.stats ?? { ocrPages: 0, ocrMs: 0 }), peakRssMb: peakMb() } } }),
      (err: unknown) => send({ type: 'error', error: errorShape(err) }),
    )
    .finally(() => process.exit(0));
});
