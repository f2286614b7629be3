// Worker-thread entry: extracts one document so a runaway PDF can be stopped (terminate) and
// cannot exhaust the engine's memory (resourceLimits) or block its event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { errorShape } from '../dispatch';
import { extractDocument } from './extract';

interface Job { bytes: Uint8Array; filename: string; password?: string; maxBytes?: number }
const job = workerData as Job;

extractDocument(job.bytes, job.filename, {
  password: job.password,
  maxBytes: job.maxBytes,
  onProgress: (p) => parentPort?.postMessage({ type: 'progress', ...p }),
}).then(
  (doc) => parentPort?.postMessage({ type: 'result', doc }),
  (err: unknown) => parentPort?.postMessage({ type: 'error', error: errorShape(err) }),
);
