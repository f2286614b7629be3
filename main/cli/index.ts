// `npm run bsc -- <command>`: the command line over the same engine, in this process.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Reply } from '../../preload/contract';
import { dispatchCall } from '../engine/dispatch';
import { engineHandlersFor } from '../engine/engine-process-handlers';
import { defaultDataDir } from '../engine/settings/data-dir';
import { acquireWriterLock, describeHolder } from '../engine/settings/writer-lock';
import { type CliCommand, type CliIO, type OptionSpec, UsageError } from './command';
import { backupCommands } from './commands/backup';
import { chatCommands } from './commands/chat';
import { evalCommands } from './commands/eval';
import { libraryCommands } from './commands/library';
import { mapCommands } from './commands/map';
import { serverCommands } from './commands/server';
import { statusCommands } from './commands/status';
import { watchCommands } from './commands/watch';

export type { CliIO };

/**
 * Commands that never change the library: they run beside the app or the server. Every other
 * command takes the data folder's writer lock (a running app or server holds it).
 */
const READ_ONLY_COMMANDS = new Set(['status', 'search', 'list', 'verify', 'eval', 'set-password']);

const COMMANDS: CliCommand[] = [...statusCommands, ...libraryCommands, ...chatCommands, ...backupCommands, ...evalCommands, ...serverCommands, ...mapCommands, ...watchCommands];

const COMMON: Record<string, OptionSpec> = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function usage(): string {
  return `usage: bsc <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.help}`).join('\n')}

common options:
  --data-dir DIR                  the data folder (default: $BSC_DATA_DIR or the OS's per-user data folder)
  --json                          print the contract's output type as JSON
  -h, --help                      this help`;
}

/** Runs one command; returns the exit code (0 ok, 1 error, 2 bad usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const options: Record<string, OptionSpec> = { ...COMMON };
  for (const c of COMMANDS) Object.assign(options, c.options);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || !name) {
    (values.help ? io.out : io.err)(`${usage()}\n`);
    return values.help ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const allowed = new Set([...Object.keys(COMMON), ...Object.keys(command.options ?? {})]);
  const stray = Object.keys(values).find((k) => !allowed.has(k));
  if (stray) {
    io.err(`--${stray} does not apply to ${name}\n\n${usage()}\n`);
    return 2;
  }
  const dataDir = path.resolve((values['data-dir'] as string | undefined) ?? defaultDataDir());
  const lock = READ_ONLY_COMMANDS.has(name) ? null : acquireWriterLock(dataDir, 'cli', { command: `bsc ${name}` });
  if (lock && !lock.ok) {
    io.err(`error [DB_BUSY]: ${describeHolder(lock.holder, dataDir)}.\n`
      + `  bsc ${name} changes the library, and only one program may write it at a time. Do it in the app (or the server's web page), or stop that program first.\n`);
    return 1;
  }
  const listeners = new Set<(name: string, payload: unknown) => void>();
  // Not primary: a CLI run may share the folder with a running app, which owns crash recovery.
  const { engine, handlers } = engineHandlersFor({ dataDir, primary: false, emit: (e) => { for (const l of listeners) l(e.name, e.payload); } });
  try {
    return await command.run({
      args,
      options: values as Record<string, string | boolean | string[] | undefined>,
      json: values.json === true,
      io,
      dataDir,
      engine,
      async call<T>(method: string, input?: unknown): Promise<T> {
        const reply = (await dispatchCall(handlers, method, input, { signal: new AbortController().signal })) as Reply<T>;
        if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
        return reply.value;
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${usage()}\n`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    io.err(`error${code ? ` [${code}]` : ''}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    engine.close();
    if (lock?.ok) lock.release();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}
