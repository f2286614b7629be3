import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, channelFor, methodNames } from './contract';
import { type BscFiles, desktopChannelFor, desktopMethodNames } from './desktop-contract';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }));
const handlers: Array<(e: unknown, event: unknown) => void> = [];
// A fake webUtils: Electron's returns the on-disk path of a File the user dropped or picked.
const onDisk = new WeakMap<object, string>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed[key] = api; } },
  ipcRenderer: {
    invoke,
    on: (_ch: string, h: (e: unknown, event: unknown) => void) => { handlers.push(h); },
    removeListener: (_ch: string, h: (e: unknown, event: unknown) => void) => { handlers.splice(handlers.indexOf(h), 1); },
  },
  webUtils: { getPathForFile: (file: object) => onDisk.get(file) ?? '' },
}));

describe('preload builds window.bsc from the contract', () => {
  it('has no method name that is also a group ("status" beside "status.x" cannot both exist on window.bsc)', () => {
    const groups = new Set(methodNames.filter((n) => n.includes('.')).map((n) => n.split('.')[0]));
    expect(methodNames.filter((n) => !n.includes('.') && groups.has(n))).toEqual([]);
  });

  it('exposes every method at its dotted path and an event subscription', async () => {
    await import('./index');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a dynamic shape is the point of this test
    const bsc = exposed.bsc as Record<string, any>;
    for (const name of methodNames) {
      const [group, leaf] = name.split('.');
      const fn = leaf ? bsc[group!][leaf] : bsc[group!];
      expect(typeof fn, name).toBe('function');
      await fn({ probe: name });
      expect(invoke).toHaveBeenLastCalledWith(channelFor(name), { probe: name });
    }
    const got: unknown[] = [];
    const off = bsc.on('onEngineState', (p: unknown) => got.push(p));
    handlers.forEach((h) => h({}, { name: 'onEngineState', payload: { state: 'ready' } }));
    handlers.forEach((h) => h({}, { name: 'onSettingsChanged', payload: {} }));
    expect(got).toEqual([{ state: 'ready' }]);
    off();
    expect(handlers).toHaveLength(0);
    expect(EVENT_CHANNEL).toBe('bsc:event');
  });
});

describe('preload exposes files from the OS as window.bscFiles', () => {
  it('gives a dropped File its path on disk through webUtils, and "" for a File that is not on disk', async () => {
    await import('./index');
    const files = exposed.bscFiles as BscFiles;
    const dropped = new File(['%PDF-1.4'], 'mapa.pdf', { type: 'application/pdf' });
    onDisk.set(dropped, '/home/ana/clientes/mapa.pdf');
    expect(files.pathForFile(dropped)).toBe('/home/ana/clientes/mapa.pdf');
    expect(files.pathForFile(new File(['x'], 'pasted.txt'))).toBe('');
  });

  it('sends every desktop method to main on its own channel', async () => {
    await import('./index');
    const files = exposed.bscFiles as unknown as Record<string, (input?: unknown) => Promise<unknown>>;
    for (const name of desktopMethodNames) {
      await files[name]!({ probe: name });
      expect(invoke).toHaveBeenLastCalledWith(desktopChannelFor(name), { probe: name });
    }
    expect(desktopMethodNames.sort()).toEqual(['openOriginal', 'pickImport', 'pickRestoreFile', 'saveBackupAs']);
  });
});
