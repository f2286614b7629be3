import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, channelFor, methodNames } from './contract';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }));
const handlers: Array<(e: unknown, event: unknown) => void> = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed[key] = api; } },
  ipcRenderer: {
    invoke,
    on: (_ch: string, h: (e: unknown, event: unknown) => void) => { handlers.push(h); },
    removeListener: (_ch: string, h: (e: unknown, event: unknown) => void) => { handlers.splice(handlers.indexOf(h), 1); },
  },
}));

describe('preload builds window.bsc from the contract', () => {
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
