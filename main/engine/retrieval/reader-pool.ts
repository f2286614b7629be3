import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BscError, isAbortError, throwIfCancelled } from '../errors';
import type { Logger } from '../observability/log';
import type { IndexLanguage } from './analyze';
import { type RetrieveDeps, type RetrieveQuery, type RetrieveResult, retrieve } from './retrieve';

/**
 * Searches in a pool of reader threads, each with its own read-only connection to the library over
 * SQLite's WAL, so concurrent searches (a team on the server, parallel perspectives of an answer)
 * use every core while the single writer stays in the engine thread. The question is embedded here
 * (the provider and its cache live in this thread); the threads run retrieve() on the embedded
 * store. Other stores (Qdrant) and a pool of size 0 run in this thread, as before.
 */

export type ReaderRequest = {
  id: number;
  dbFile: string;
  query: Omit<RetrieveQuery, 'signal'>;
  libraryLangs: IndexLanguage[];
  hasEmbedder: boolean;
  vector?: Float32Array;
  embedError?: string;
};

export type ReaderReply =
  | { id: number; ok: true; result: RetrieveResult }
  | { id: number; ok: false; error: { code: string; message: string; details?: unknown } };

/** The default size: one thread per core beyond the engine's own, at least one. */
export function defaultReaderThreads(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

interface Reader {
  worker: Worker;
  busy: number;
}

export interface ReaderPool {
  readonly size: number;
  /** A RetrieveExecutor (retrieval/search-service.ts). */
  execute(deps: RetrieveDeps, query: RetrieveQuery): Promise<RetrieveResult>;
  close(): Promise<void>;
}

/** The worker's entry: the built bundle next to us, else the TypeScript source through tsx. */
function workerSource(): { code: string; eval: true } | { file: string } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, 'reader-pool-worker.js');
  if (fs.existsSync(built)) return { file: built };
  // Running from the TypeScript sources (tests, `tsx`): tsx is a dev dependency, never in the
  // packaged app, which always has the built worker; so its name is not a static import here.
  const source = pathToFileURL(path.join(here, 'reader-pool-worker.ts')).href;
  const devLoader = JSON.stringify(['tsx', 'esm', 'api'].join('/'));
  return { eval: true, code: `import(${devLoader}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); })` };
}

/** The embedding outcome already reached (vector or failure), replayed for retrieve(). */
function embedOutcome(deps: RetrieveDeps, req: ReaderRequest): RetrieveDeps['embed'] {
  if (!deps.embed) return null;
  return async () => {
    if (req.vector) return [req.vector];
    throw new Error(req.embedError ?? 'the question was not embedded');
  };
}

/**
 * 'exit' follows 'error', and also comes alone (process.exit, a native crash): either way the
 * reader's searches must fail at once rather than wait forever, and its slot be freed.
 */
function onReaderEnd(reader: { worker: Worker }, log: { error(m: string, f?: Record<string, unknown>): void }, ended: (why: unknown) => void): void {
  let failure: unknown = null;
  reader.worker.on('error', (err) => {
    failure = err;
    log.error('search reader thread failed; starting another', { error: err });
  });
  reader.worker.on('exit', (code) => ended(failure ?? new BscError('INTERNAL', `A search reader thread stopped (exit code ${code}).`)));
}

/** A search waiting for a reader (or the engine thread), oldest first. */
interface Job {
  req: ReaderRequest;
  deps: RetrieveDeps;
  query: RetrieveQuery;
  resolve(r: RetrieveResult): void;
  reject(e: unknown): void;
  reader: Reader | null;
}

export function createReaderPool(opts: { size: number; log: Logger }): ReaderPool {
  const size = Math.max(0, Math.floor(opts.size));
  const readers: Reader[] = [];
  const queue: Job[] = [];
  const sent = new Map<number, Job>();
  let nextId = 1;
  let closed = false;
  let inThread = 0;

  const spawn = (): Reader => {
    const src = workerSource();
    const worker = 'file' in src ? new Worker(src.file) : new Worker(src.code, { eval: true });
    const reader: Reader = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (reply: ReaderReply) => {
      reader.busy--;
      const job = sent.get(reply.id);
      sent.delete(reply.id);
      if (job && reply.ok) job.resolve(reply.result);
      else if (job && !reply.ok) job.reject(new BscError(reply.error.code as never, reply.error.message, reply.error.details));
      pump();
    });
    onReaderEnd(reader, opts.log, (why) => {
      for (const [id, job] of sent) if (job.reader === reader) { sent.delete(id); job.reject(why); }
      const at = readers.indexOf(reader);
      if (at !== -1) readers.splice(at, 1);
      if (!closed) pump();
    });
    readers.push(reader);
    return reader;
  };

  /**
   * Hands the oldest waiting searches to idle readers (started up to `size`), else one at a time
   * to the engine thread, so on two cores (one reader by default) both serve searches under load,
   * and every search waits its turn (first come, first served).
   */
  function pump(): void {
    while (queue.length > 0) {
      const reader = readers.find((r) => r.busy === 0) ?? (readers.length < size ? spawn() : null);
      if (reader) {
        const job = queue.shift()!;
        job.reader = reader;
        reader.busy++;
        sent.set(job.req.id, job);
        reader.worker.postMessage(job.req);
      } else if (inThread === 0) {
        const job = queue.shift()!;
        inThread++;
        retrieve({ ...job.deps, embed: embedOutcome(job.deps, job.req) }, job.query).then(job.resolve, job.reject).finally(() => {
          inThread--;
          pump();
        });
      } else {
        return;
      }
    }
  }

  async function execute(deps: RetrieveDeps, query: RetrieveQuery): Promise<RetrieveResult> {
    if (closed || size === 0 || deps.store.kind !== 'embedded' || !deps.db.name || deps.db.memory) return retrieve(deps, query);
    const { signal, ...plain } = query;
    const req: ReaderRequest = { id: nextId++, dbFile: deps.db.name, query: plain, libraryLangs: deps.libraryLangs, hasEmbedder: deps.embed !== null };
    if (deps.embed && query.mode !== 'bm25') {
      try {
        [req.vector] = await deps.embed([query.query], signal);
      } catch (err) {
        if (isAbortError(err) || signal?.aborted) throw err;
        req.embedError = err instanceof Error ? err.message : String(err);
      }
    }
    throwIfCancelled(signal);
    return new Promise<RetrieveResult>((resolve, reject) => {
      // A cancelled search leaves the queue, or stops waiting for its thread (whose answer is dropped).
      const onAbort = () => {
        const queued = queue.indexOf(job);
        if (queued >= 0) queue.splice(queued, 1);
        else if (!sent.delete(req.id)) return;
        reject(new BscError('CANCELLED', 'Cancelled.'));
      };
      // The listener goes when the search ends: one answer's signal serves many searches.
      const settle = <T>(fn: (v: T) => void) => (v: T) => { signal?.removeEventListener('abort', onAbort); fn(v); };
      const job: Job = { req, deps, query, resolve: settle(resolve), reject: settle(reject), reader: null };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(job);
      pump();
    });
  }

  return {
    size,
    execute,
    async close() {
      closed = true;
      for (const job of [...queue.splice(0), ...sent.values()]) job.reject(new BscError('CANCELLED', 'The engine is closing.'));
      sent.clear();
      await Promise.all(readers.splice(0).map((r) => r.worker.terminate()));
    },
  };
}
