// Builds window.bsc (the engine's API) and window.bscFiles (files from the OS) by walking the
// contracts: no channel string is written here.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNEL, channelFor, methodNames, type EngineEvent } from './contract';
import { desktopChannelFor, desktopMethodNames } from './desktop-contract';

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

const files: Record<string, unknown> = {
  // Since Electron 32 a File no longer carries .path; webUtils is the supported way to get it.
  pathForFile: (file: File) => webUtils.getPathForFile(file),
};
for (const name of desktopMethodNames) files[name] = (input?: unknown) => ipcRenderer.invoke(desktopChannelFor(name), input);

contextBridge.exposeInMainWorld('bsc', api);
contextBridge.exposeInMainWorld('bscFiles', files);
