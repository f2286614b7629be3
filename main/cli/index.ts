// `npm run bsc -- <command>`: the command line over the same engine, in this process.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Reply } from '../../preload/contract';
import { dispatchCall } from '../engine/dispatch';
import { engineHandlersFor } from '../engine/engine-process-handlers';
import { defaultDataDir } from '../engine/settings/data-dir';
import { formatStatus } from './format';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = `usage: bsc <command> [options]

commands:
  status                 engine, database, vector store and providers

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
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
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
  const { engine, handlers } = engineHandlersFor({ dataDir });
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

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}
