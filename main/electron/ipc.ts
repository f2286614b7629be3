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

/** Methods main answers itself (e.g. `secrets.set`, so a plain key never reaches the engine's files); input already validated. */
export type MainOverrides = Partial<Record<MethodName, (input: unknown) => Promise<Reply<unknown>>>>;

/** One ipcMain handler per contract method; inputs validated here, where they enter main. */
export function registerContractHandlers(ipcMain: IpcMainLike, callEngine: CallEngine, overrides: MainOverrides = {}): string[] {
  const channels: string[] = [];
  for (const name of methodNames) {
    const channel = channelFor(name);
    const override = overrides[name];
    ipcMain.handle(channel, async (_event, input) => {
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
