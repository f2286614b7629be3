// Extraction in a child process under a memory ceiling: a file can take down only its own
// process, the engine's memory returns to idle when the job ends, and cancel is a kill.
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BscErrorShape } from '../../../preload/contract';
import { BscError } from '../errors';
import { extractDocument } from './extract';
import { type ExtractJob, memoryCeilingMarker } from './extract-job';
import type { ExtractOptions, ExtractProgress, ExtractedDocument } from './types';

/** Resident memory allowed to the extracting process: room for a 300-dpi page, tesseract and pdf.js. */
export const defaultMaxRssMb = 768;

export interface IsolatedExtractOptions extends ExtractOptions {
  /** No progress for this long means the extractor is stuck: it is stopped. */
  stallTimeoutMs?: number;
  /** Resident memory ceiling of the extracting process, MB. */
  maxRssMb?: number;
  /** 'process' (the default when the built worker exists) or 'inline' (in this process, for tests). */
  isolation?: 'process' | 'inline';
}

type ChildMessage = ({ type: 'progress' } & ExtractProgress) | { type: 'result'; doc: ExtractedDocument } | { type: 'error'; error: BscErrorShape };

/** The child's entry: the built bundle next to us, else the TypeScript source run through tsx. */
function childEntry(): { file: string; execArgv: string[] } | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, 'extract-worker.js');
  if (fs.existsSync(built)) return { file: built, execArgv: [] };
  const source = path.join(here, 'extract-worker.ts');
  return fs.existsSync(source) ? { file: source, execArgv: ['--import', 'tsx'] } : null;
}

/** Whether extraction runs in a child process by default here (built app) or inline (sources). */
export function isolatesByDefault(): boolean {
  return childEntry()?.file.endsWith('.js') === true;
}

/**
 * Extracts in a child process (killed on cancel, on a stall, and past the memory ceiling), or in
 * this process when asked to or when no built worker exists (tests running from sources).
 */
export function extractIsolated(bytes: Uint8Array, filename: string, opts: IsolatedExtractOptions = {}): Promise<ExtractedDocument> {
  const entry = childEntry();
  const isolation = opts.isolation ?? (isolatesByDefault() ? 'process' : 'inline');
  if (isolation === 'inline' || !entry) return extractDocument(bytes, filename, opts);
  return extractInChild(entry, bytes, filename, opts);
}

function extractInChild(entry: { file: string; execArgv: string[] }, bytes: Uint8Array, filename: string, opts: IsolatedExtractOptions): Promise<ExtractedDocument> {
  // Longer than one OCR page may take (180 s): a slow page is skipped by the child before the child is killed.
  const stallMs = opts.stallTimeoutMs ?? 240_000;
  const maxRssMb = opts.maxRssMb ?? defaultMaxRssMb;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new BscError('CANCELLED', 'Cancelled.'));
    const child: ChildProcess = fork(entry.file, [String(maxRssMb)], {
      // The heap limit catches JS objects early; the watchdog catches everything else.
      execArgv: [...entry.execArgv, `--max-old-space-size=${Math.max(128, Math.floor(maxRssMb * 0.75))}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4096);
    });
    let settled = false;
    let lastPage = 0;
    let stall: NodeJS.Timeout;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      opts.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fn();
    };
    const armStall = (): void => {
      clearTimeout(stall);
      stall = setTimeout(() => finish(() => reject(new BscError('DAMAGED_FILE', `Reading ${filename} stopped making progress${lastPage ? ` at page ${lastPage + 1}` : ''}; the file may be damaged.`))), stallMs);
    };
    const onAbort = (): void => finish(() => reject(new BscError('CANCELLED', 'Cancelled.')));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    armStall();
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') {
        lastPage = m.page;
        armStall();
        opts.onProgress?.({ page: m.page, pages: m.pages, ...(m.ocr ? { ocr: true } : {}) });
      } else if (m.type === 'result') {
        finish(() => resolve(m.doc));
      } else {
        finish(() => reject(new BscError(m.error.code, m.error.message, m.error.details)));
      }
    });
    child.on('error', (err) => finish(() => reject(new BscError('INTERNAL', `The extraction process could not run: ${err.message}`))));
    child.on('exit', (code, signal) => {
      // Wait for stderr to drain: the watchdog's last words say why the process died.
      const explain = (): void => finish(() => reject(exitError(filename, code, signal, stderr, maxRssMb)));
      if (child.stderr && !child.stderr.readableEnded) child.stderr.once('end', explain);
      else explain();
      setTimeout(explain, 200).unref();
    });
    const job: ExtractJob = { bytes, filename, password: opts.password, maxBytes: opts.maxBytes, ocr: opts.ocr, maxDecodedStreamBytes: opts.maxDecodedStreamBytes };
    child.send(job);
  });
}

function exitError(filename: string, code: number | null, signal: NodeJS.Signals | null, stderr: string, maxRssMb: number): BscError {
  const ceiling = stderr.includes(memoryCeilingMarker) || /heap out of memory|Allocation failed/i.test(stderr);
  if (ceiling || signal === 'SIGKILL') {
    const rss = /BSC_MEMORY_CEILING (\d+)/.exec(stderr)?.[1];
    return new BscError('TOO_LARGE', `Reading ${filename} needs more memory than the importer allows (${maxRssMb} MB); it was not imported.`, {
      reason: 'memory', maxRssMb, ...(rss ? { rssMb: Number(rss) } : {}),
    });
  }
  return new BscError('DAMAGED_FILE', `Reading ${filename} stopped unexpectedly (${signal ?? `exit ${code}`}).`);
}
