// Builds window.bsc by walking the contract: no channel string is written here.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, channelFor, methodNames, type EngineEvent } from './contract';

type Fn = (input?: unknown) => Promise<unknown>;
const api: Record<string, unknown> = {};
for (const name of methodNames) {
  const call: Fn = (input) => ipcRenderer.invoke(channelFor(name), input);
  const [group, leaf] = name.split('.') as [string, string | undefined];
  if (leaf === undefined) api[group] = call;
  else api[group] = { ...(api[group] as Record<string, Fn> | undefined), [leaf]: call };
}
api.on = (name: string, listener: (payload: unknown) => void) => {
  const handler = (_e: unknown, event: EngineEvent) => { if (event.name === name) listener(event.payload); };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
};

contextBridge.exposeInMainWorld('bsc', api);
