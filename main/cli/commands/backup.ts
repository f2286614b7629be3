import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Operation } from '../../../preload/contract';
import { type CliCommand, type CliContext, UsageError } from '../command';
import { formatBytes } from '../format';

/** Starts an operation and waits for its last onOperation event, printing progress lines to stderr. */
async function runOperation(ctx: CliContext, method: string, input: unknown): Promise<Operation> {
  // Events can arrive before the call returns the operation's id: keep them and replay them then,
  // so no stage goes unprinted (scripts and tests watch for each stage's line).
  const seen = new Map<string, Operation[]>();
  let waitingFor: string | null = null;
  let resolveDone: (op: Operation) => void = () => {};
  const done = new Promise<Operation>((r) => { resolveDone = r; });
  let lastLine = '';
  const show = (op: Operation) => {
    if (op.state !== 'running') { resolveDone(op); return; }
    if (ctx.json) return;
    const pct = op.total > 0 ? ` ${Math.floor((100 * op.done) / op.total)}%` : '';
    const eta = op.etaMs !== null ? `, about ${Math.ceil(op.etaMs / 1000)} s left` : '';
    const line = `  … ${op.stage}${pct}${eta}`;
    if (line !== lastLine) ctx.io.err(`${line}\n`);
    lastLine = line;
  };
  const off = ctx.onEvent((name, payload) => {
    if (name !== 'onOperation') return;
    const op = payload as Operation;
    seen.set(op.id, [...(seen.get(op.id) ?? []), op]);
    if (op.id === waitingFor) show(op);
  });
  try {
    const { operation } = await ctx.call<{ operation: Operation }>(method, input);
    waitingFor = operation.id;
    for (const op of seen.get(operation.id) ?? []) show(op);
    return await done;
  } finally {
    off();
  }
}

function describeFailure(op: Operation): string {
  return `${op.kind} ${op.state}${op.error ? `: [${op.error.code}] ${op.error.message}` : ''}`;
}

interface VerifyResult { path: string; ok: boolean; problems: string[]; checks: Array<{ name: string; ok: boolean; detail: string }>; manifest: { createdAt: string; appVersion: string; schemaVersion: number; hostName: string; counts: { documents: number; chunks: number; conversations: number } } | null }

export function formatVerifyReport(r: VerifyResult): string {
  const lines = [`${r.ok ? 'OK' : 'NOT RESTORABLE'}  ${r.path}`];
  if (r.manifest) {
    const m = r.manifest;
    lines.push(`  made ${m.createdAt} on ${m.hostName} by Agente BSC ${m.appVersion}, schema ${m.schemaVersion}: ${m.counts.documents} documents, ${m.counts.chunks} chunks, ${m.counts.conversations} conversations`);
  }
  for (const c of r.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.name.padEnd(15)} ${c.detail}`);
  const unlisted = r.problems.filter((p) => !r.checks.some((c) => c.detail.includes(p)));
  for (const p of unlisted) lines.push(`  ✗ ${p}`);
  return `${lines.join('\n')}\n`;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^(y|yes|s|sim)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const backupCommands: CliCommand[] = [
  {
    name: 'backup',
    help: 'backup                          back up the library [--out FILE] [--no-documents] [--no-cache]',
    options: { out: { type: 'string' }, 'no-documents': { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
    async run(ctx) {
      if (ctx.args.length > 0) throw new UsageError('backup takes no arguments (use --out FILE)');
      const out = ctx.options.out as string | undefined;
      const op = await runOperation(ctx, 'backup.create', {
        outPath: out ? path.resolve(out) : undefined,
        includeDocuments: ctx.options['no-documents'] ? false : undefined,
        includeEmbeddingCache: ctx.options['no-cache'] ? false : undefined,
      });
      if (ctx.json) ctx.io.out(`${JSON.stringify(op, null, 2)}\n`);
      if (op.state !== 'done') {
        if (!ctx.json) ctx.io.err(`${describeFailure(op)}\n`);
        return 1;
      }
      const r = op.result as { path: string; bytes: number; counts: { documents: number; chunks: number; conversations: number }; documents: number; includeEmbeddingCache: boolean; durationMs: number };
      if (!ctx.json) {
        ctx.io.out(`Backup written and verified: ${r.path}\n  ${formatBytes(r.bytes)}, ${r.counts.documents} documents (${r.documents} originals), ${r.counts.chunks} chunks, ${r.counts.conversations} conversations${r.includeEmbeddingCache ? ', embedding cache' : ''}; ${(r.durationMs / 1000).toFixed(1)} s\n`);
      }
      return 0;
    },
  },
  {
    name: 'verify',
    help: 'verify <backup-file>            check a backup: manifest, checksums, database integrity',
    async run(ctx) {
      const [file, ...rest] = ctx.args;
      if (!file || rest.length > 0) throw new UsageError('verify needs exactly one backup file');
      const op = await runOperation(ctx, 'backup.verify', { path: path.resolve(file) });
      if (op.state !== 'done') {
        if (ctx.json) ctx.io.out(`${JSON.stringify(op, null, 2)}\n`);
        else ctx.io.err(`${describeFailure(op)}\n`);
        return 1;
      }
      const report = op.result as VerifyResult;
      ctx.io.out(ctx.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      return report.ok ? 0 : 1;
    },
  },
  {
    name: 'restore',
    help: 'restore <backup-file>           replace the library with a backup (a safety backup is taken first) [--yes]',
    options: { yes: { type: 'boolean', short: 'y' } },
    async run(ctx) {
      const [file, ...rest] = ctx.args;
      if (!file || rest.length > 0) throw new UsageError('restore needs exactly one backup file');
      if (!ctx.options.yes) {
        if (!process.stdin.isTTY) throw new UsageError('restore replaces the library in the data folder; pass --yes to confirm when not at a terminal');
        const ok = await confirm(`Replace the library in ${ctx.dataDir} with ${path.resolve(file)}?\nA safety backup of the current data is taken first. [y/N] `);
        if (!ok) {
          ctx.io.err('restore cancelled; nothing was changed\n');
          return 1;
        }
      }
      const op = await runOperation(ctx, 'backup.restore', { path: path.resolve(file) });
      if (ctx.json) ctx.io.out(`${JSON.stringify(op, null, 2)}\n`);
      if (op.state !== 'done') {
        if (!ctx.json) {
          ctx.io.err(`${describeFailure(op)}\n`);
          const problems = (op.error?.details as { problems?: string[] } | undefined)?.problems ?? [];
          for (const p of problems) if (!op.error?.message.includes(p)) ctx.io.err(`  ✗ ${p}\n`);
        }
        return 1;
      }
      const r = op.result as { counts: { documents: number; chunks: number; conversations: number }; createdAt: string; safetyBackup: string | null; previousKeptAt: string | null; vectorIndex: string; notes: string[]; durationMs: number };
      if (!ctx.json) {
        ctx.io.out([
          `Restored the backup of ${r.createdAt}: ${r.counts.documents} documents, ${r.counts.chunks} chunks, ${r.counts.conversations} conversations (${(r.durationMs / 1000).toFixed(1)} s).`,
          r.safetyBackup ? `  safety backup of the previous data: ${r.safetyBackup}` : `  previous data kept in: ${r.previousKeptAt ?? '(none)'}`,
          `  vector index: ${r.vectorIndex}`,
          ...r.notes.map((n) => `  note: ${n}`),
          '',
        ].join('\n'));
      }
      return 0;
    },
  },
];
