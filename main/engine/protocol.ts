import type { EngineEvent, Reply } from '../../preload/contract';

// Messages between a host (server, Electron main) and the engine process.
export type ToEngine =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'cancel'; id: number }
  | { type: 'shutdown' };

export type FromEngine =
  | { type: 'ready'; pid: number }
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'event'; event: EngineEvent };

/** The two ways a parent talks to its engine process: Node's fork IPC and Electron's parentPort. */
export interface ParentChannel {
  send(message: FromEngine): void;
  onMessage(listener: (message: ToEngine) => void): void;
}
