import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BscErrorShape } from '../../../preload/contract';
import { BscError } from '../errors';
import { extractDocument } from './extract';
import type { ExtractOptions, ExtractedDocument } from './types';

export interface IsolatedExtractOptions extends ExtractOptions {
  /** No progress for this long means the extractor is stuck: it is stopped. */
  stallTimeoutMs?: number;
  /** Heap limit of the extraction worker. */
  maxHeapMb?: number;
}

/** The built worker next to the bundle; absent when running from TypeScript sources (tests). */
function workerPath(): string | null {
  const p = path.join(path.dirname(fileURLToPath(import.meta.url)), 'extract-worker.js');
  return fs.existsSync(p) ? p : null;
}

/**
 * Extracts in a worker thread when the built worker exists, in-process otherwise. The worker is
 * terminated on cancel, on a stall, and dies alone if a file needs more memory than allowed.
 */
export function extractIsolated(bytes: Uint8Array, filename: string, opts: IsolatedExtractOptions = {}): Promise<ExtractedDocument> {
  const entry = workerPath();
  if (!entry) return extractDocument(bytes, filename, opts);
  const stallMs = opts.stallTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new BscError('CANCELLED', 'Cancelled.'));
    const worker = new Worker(entry, {
      workerData: { bytes, filename, password: opts.password, maxBytes: opts.maxBytes },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 1536 },
    });
    let settled = false;
    let lastPage = 0;
    let stall: NodeJS.Timeout;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const armStall = () => {
      clearTimeout(stall);
      stall = setTimeout(() => finish(() => reject(new BscError('DAMAGED_FILE', `Reading ${filename} stopped making progress${lastPage ? ` at page ${lastPage + 1}` : ''}; the file may be damaged.`))), stallMs);
    };
    const onAbort = () => finish(() => reject(new BscError('CANCELLED', 'Cancelled.')));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    armStall();
    worker.on('message', (m: { type: 'progress'; page: number; pages: number } | { type: 'result'; doc: ExtractedDocument } | { type: 'error'; error: BscErrorShape }) => {
      if (m.type === 'progress') {
        lastPage = m.page;
        armStall();
        opts.onProgress?.({ page: m.page, pages: m.pages });
      } else if (m.type === 'result') {
        finish(() => resolve(m.doc));
      } else {
        finish(() => reject(new BscError(m.error.code, m.error.message, m.error.details)));
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      finish(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new BscError('TOO_LARGE', `${filename} needs more memory to read than the importer allows.`)
        : new BscError('DAMAGED_FILE', `Reading ${filename} failed: ${err.message}`)));
    });
    worker.on('exit', (code) => {
      finish(() => reject(new BscError('DAMAGED_FILE', `Reading ${filename} stopped unexpectedly (exit ${code}).`)));
    });
  });
}
