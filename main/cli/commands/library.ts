import path from 'node:path';
import type { ImportJob, LibraryDocument, SearchHit } from '../../../preload/contract';
import { type CliCommand, type CliContext, UsageError } from '../command';
import { formatDocuments, formatImportSummary, formatJobProgress, formatSearch } from '../format';

const TERMINAL: ReadonlySet<ImportJob['state']> = new Set(['done', 'failed', 'cancelled', 'needs-password']);

/** Queues the files and waits for every job to end, printing progress lines to stderr. */
export async function indexFiles(ctx: CliContext, paths: string[], password: string | undefined, quiet: boolean): Promise<ImportJob[]> {
  const finished = new Map<string, ImportJob>();
  let expected: Set<string> | null = null;
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((r) => { resolveAll = r; });
  const check = () => { if (expected && [...expected].every((id) => finished.has(id))) resolveAll(); };
  const off = ctx.onEvent((name, payload) => {
    if (name !== 'onImportProgress') return;
    const job = payload as ImportJob;
    if (TERMINAL.has(job.state)) {
      finished.set(job.id, job);
      check();
    } else if (job.stage !== 'queued' && !quiet) {
      ctx.io.err(`${formatJobProgress(job)}\n`);
    }
  });
  const { jobs } = await ctx.call<{ jobs: ImportJob[] }>('library.import', { sources: paths.map((p) => ({ path: path.resolve(p) })), password });
  expected = new Set(jobs.map((j) => j.id));
  check();
  await allDone;
  off();
  return jobs.map((j) => finished.get(j.id) ?? j);
}

export const libraryCommands: CliCommand[] = [
  {
    name: 'index',
    help: 'index <file|folder>...          import documents (folders recursively) [--password P]',
    options: { password: { type: 'string' } },
    async run(ctx) {
      if (ctx.args.length === 0) throw new UsageError('index needs at least one file or folder');
      const jobs = await indexFiles(ctx, ctx.args, ctx.options.password as string | undefined, ctx.json);
      ctx.io.out(ctx.json ? `${JSON.stringify({ jobs }, null, 2)}\n` : formatImportSummary(jobs));
      return jobs.every((j) => j.state === 'done') ? 0 : 1;
    },
  },
  {
    name: 'search',
    help: 'search <query>                  ranked passages [--k 10] [--mode bm25|dense|hybrid]',
    options: { k: { type: 'string' }, mode: { type: 'string' } },
    async run(ctx) {
      const query = ctx.args.join(' ').trim();
      if (!query) throw new UsageError('search needs a query');
      const kRaw = ctx.options.k as string | undefined;
      const k = kRaw === undefined ? undefined : Number(kRaw);
      if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 100)) throw new UsageError('--k must be a whole number from 1 to 100');
      const mode = ctx.options.mode as string | undefined;
      if (mode !== undefined && !['bm25', 'dense', 'hybrid'].includes(mode)) throw new UsageError('--mode must be bm25, dense or hybrid');
      const result = await ctx.call<{ hits: SearchHit[]; mode: string; tookMs: number }>('library.search', { query, k, mode });
      ctx.io.out(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : formatSearch(query, result));
      return 0;
    },
  },
  {
    name: 'list',
    help: 'list                            the documents in the library',
    async run(ctx) {
      const result = await ctx.call<{ documents: LibraryDocument[] }>('library.list');
      ctx.io.out(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : formatDocuments(result.documents));
      return 0;
    },
  },
];
