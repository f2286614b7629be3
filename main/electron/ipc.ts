import { EVENT_CHANNEL, channelFor, methodNames, type EngineEvent, type MethodName, type Reply } from '../../preload/contract';
import { parseInput } from '../engine/dispatch';

/** The part of Electron's ipcMain we use; a test passes a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, input: unknown) => Promise<unknown>): void;
}

export interface WebContentsSender {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export type CallEngine = (method: string, input: unknown) => Promise<Reply<unknown>>;

/** Whether an IPC event comes from our own page (window-security.ts's isTrustedSender in the app). */
export type TrustSender = (event: unknown) => boolean;

/** Methods main answers itself (e.g. `secrets.set`, so a plain key never reaches the engine's files); input already validated. */
export type MainOverrides = Partial<Record<MethodName, (input: unknown) => Promise<Reply<unknown>>>>;

export const UNTRUSTED_SENDER: Reply<never> = { ok: false, error: { code: 'UNAUTHORIZED', message: 'This page may not call the app.' } };

/** One ipcMain handler per contract method; the sender checked and the input validated here, where they enter main. */
export function registerContractHandlers(ipcMain: IpcMainLike, callEngine: CallEngine, trust: TrustSender, overrides: MainOverrides = {}): string[] {
  const channels: string[] = [];
  for (const name of methodNames) {
    const channel = channelFor(name);
    const override = overrides[name];
    ipcMain.handle(channel, async (event, input) => {
      if (!trust(event)) return UNTRUSTED_SENDER;
      const checked = parseInput(name, input);
      if (!checked.ok) return checked;
      return override ? override(checked.value) : callEngine(name, input);
    });
    channels.push(channel);
  }
  return channels;
}

export function forwardEvent(contents: WebContentsSender, event: EngineEvent): void {
  if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
}
