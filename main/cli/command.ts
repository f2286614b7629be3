import type { ImportJob } from '../../preload/contract';
import type { Engine } from '../engine/engine';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

export interface CliContext {
  args: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  io: CliIO;
  dataDir: string;
  engine: Engine;
  /** Calls a contract method in-process; throws an Error with `code` on a failed reply. */
  call<T>(method: string, input?: unknown): Promise<T>;
  /** Subscribe to engine events for the duration of the command. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

export interface CliCommand {
  name: string;
  /** One line for the help: "index <file|folder>...   import documents". */
  help: string;
  options?: Record<string, OptionSpec>;
  run(ctx: CliContext): Promise<number>;
}

/** Bad usage: exit code 2 with the help. */
export class UsageError extends Error {}

export type { ImportJob };
