// `npm run bsc -- <command>`: the command line over the same engine, in this process.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ImportJob, LibraryDocument, Reply, SearchHit } from '../../preload/contract';
import { dispatchCall } from '../engine/dispatch';
import { engineHandlersFor } from '../engine/engine-process-handlers';
import { defaultDataDir } from '../engine/settings/data-dir';
import { formatDocuments, formatImportSummary, formatJobProgress, formatSearch, formatStatus } from './format';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = `usage: bsc <command> [options]

commands:
  status                          engine, database, vector store and providers
  index <file|folder>...          import documents (folders recursively) [--password P]
  search <query>                  ranked passages [--k 10] [--mode bm25|dense|hybrid]
  list                            the documents in the library

common options:
  --data-dir DIR         the data folder (default: $BSC_DATA_DIR or the OS's per-user data folder)
  --json                 print the contract's output type as JSON
  -h, --help             this help`;

class UsageError extends Error {}

/** Runs one command; returns the exit code (0 ok, 1 error, 2 bad usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
        password: { type: 'string' }, k: { type: 'string' }, mode: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const jobListeners = new Set<(job: ImportJob) => void>();
  const { engine, handlers } = engineHandlersFor({
    dataDir,
    emit: (event) => { if (event.name === 'onImportProgress') for (const l of jobListeners) l(event.payload); },
  });
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const reply = (await dispatchCall(handlers, method, input, { signal: new AbortController().signal })) as Reply<T>;
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.value;
  };
  try {
    switch (command) {
      case 'status': {
        if (rest.length) throw new UsageError('status takes no arguments');
        const status = await call<Parameters<typeof formatStatus>[0]>('status');
        io.out(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
        return status.healthy ? 0 : 1;
      }
      case 'index': {
        if (rest.length === 0) throw new UsageError('index needs at least one file or folder');
        const jobs = await indexFiles(call, jobListeners, rest, values.password, values.json ? () => {} : io.err);
        if (values.json) io.out(`${JSON.stringify({ jobs }, null, 2)}\n`);
        else io.out(formatImportSummary(jobs));
        return jobs.every((j) => j.state === 'done') ? 0 : 1;
      }
      case 'search': {
        const query = rest.join(' ').trim();
        if (!query) throw new UsageError('search needs a query');
        const k = values.k === undefined ? undefined : Number(values.k);
        if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 100)) throw new UsageError('--k must be a whole number from 1 to 100');
        if (values.mode !== undefined && !['bm25', 'dense', 'hybrid'].includes(values.mode)) throw new UsageError('--mode must be bm25, dense or hybrid');
        const result = await call<{ hits: SearchHit[]; mode: string; tookMs: number }>('library.search', { query, k, mode: values.mode });
        io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatSearch(query, result));
        return 0;
      }
      case 'list': {
        const result = await call<{ documents: LibraryDocument[] }>('library.list');
        io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatDocuments(result.documents));
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    io.err(`error${code ? ` [${code}]` : ''}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    engine.close();
  }
}

const TERMINAL: ReadonlySet<ImportJob['state']> = new Set(['done', 'failed', 'cancelled', 'needs-password']);

/** Queues the files and waits for every job to end, printing progress lines to stderr. */
async function indexFiles(
  call: <T>(method: string, input?: unknown) => Promise<T>,
  listeners: Set<(job: ImportJob) => void>,
  paths: string[],
  password: string | undefined,
  progress: (line: string) => void,
): Promise<ImportJob[]> {
  const finished = new Map<string, ImportJob>();
  let expected: Set<string> | null = null;
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((r) => { resolveAll = r; });
  const check = () => { if (expected && [...expected].every((id) => finished.has(id))) resolveAll(); };
  const onJob = (job: ImportJob) => {
    if (TERMINAL.has(job.state)) {
      finished.set(job.id, job);
      check();
    } else if (job.stage !== 'queued') {
      progress(formatJobProgress(job));
    }
  };
  listeners.add(onJob);
  const { jobs } = await call<{ jobs: ImportJob[] }>('library.import', { sources: paths.map((p) => ({ path: path.resolve(p) })), password });
  expected = new Set(jobs.map((j) => j.id));
  check();
  await allDone;
  listeners.delete(onJob);
  return jobs.map((j) => finished.get(j.id) ?? j);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}
