import type { EngineEvent, Reply, SecretName } from '../../preload/contract';
import type { LogRecord } from './observability/log';

// Messages between a host (server, Electron main) and the engine process.
export type ToEngine =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'cancel'; id: number }
  /**
   * The desktop shell's keys, decrypted with safeStorage: sent after each 'ready', never through
   * the env. `entered`: the key the user just typed, bound to the endpoints the settings use now.
   */
  | { type: 'secrets'; values: Partial<Record<SecretName, string>>; entered?: SecretName }
  | { type: 'shutdown' };

export type FromEngine =
  | { type: 'ready'; pid: number }
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'event'; event: EngineEvent }
  /** A log line: the host is the one writer of the data folder's log (engine and workers forward theirs). */
  | { type: 'log'; record: LogRecord };

/** The two ways a parent talks to its engine process: Node's fork IPC and Electron's parentPort. */
export interface ParentChannel {
  send(message: FromEngine): void;
  onMessage(listener: (message: ToEngine) => void): void;
}
