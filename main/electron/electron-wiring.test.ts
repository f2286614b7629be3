import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, channelFor, methodNames } from '../../preload/contract';
import { forwardEvent, registerContractHandlers } from './ipc';
import { fitBoundsToDisplays } from './window-state';
import { installContentSecurityPolicy, installNavigationGuards, secureWebPreferences } from './window-security';

// A small fake of the Electron objects the shell touches: enough to check the wiring, not Electron.
function fakeIpcMain() {
  const handlers = new Map<string, (e: unknown, input: unknown) => Promise<unknown>>();
  return { handlers, handle: (ch: string, fn: (e: unknown, input: unknown) => Promise<unknown>) => { handlers.set(ch, fn); } };
}

function fakeContents() {
  const listeners: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  return {
    on: (event: 'will-navigate', l: (e: { preventDefault(): void }, url: string) => void) => { listeners[event] = l; },
    setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) => { openHandler = h; },
    navigate(url: string) {
      let prevented = false;
      listeners['will-navigate']?.({ preventDefault: () => { prevented = true; } }, url);
      return prevented;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('IPC wiring', () => {
  it('registers exactly one handler per contract method, on the contract channel', () => {
    const ipc = fakeIpcMain();
    const channels = registerContractHandlers(ipc, async () => ({ ok: true, value: null }));
    expect(channels.sort()).toEqual(methodNames.map(channelFor).sort());
    expect([...ipc.handlers.keys()].sort()).toEqual(channels.sort());
  });

  it('validates input before it reaches the engine, and forwards valid calls', async () => {
    const ipc = fakeIpcMain();
    const engine = vi.fn(async () => ({ ok: true as const, value: { forwarded: true } }));
    registerContractHandlers(ipc, engine);
    const set = ipc.handlers.get(channelFor('settings.set'))!;
    expect(await set({}, { ui: { theme: 'neon' } })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(engine).not.toHaveBeenCalled();
    expect(await set({}, { ui: { theme: 'dark' } })).toEqual({ ok: true, value: { forwarded: true } });
    expect(engine).toHaveBeenCalledWith('settings.set', { ui: { theme: 'dark' } });
  });

  it('forwards engine events to a live window only', () => {
    const send = vi.fn();
    forwardEvent({ send, isDestroyed: () => false }, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
    forwardEvent({ send, isDestroyed: () => true }, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(EVENT_CHANNEL, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
  });
});

describe('window security', () => {
  it('uses a sandboxed, isolated renderer without Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, preload: '/p.cjs' });
  });

  it('blocks navigation away from the app and opens web links in the system browser', () => {
    const contents = fakeContents();
    const opened: string[] = [];
    installNavigationGuards(contents, 'file:///app/dist/renderer/index.html', (u) => opened.push(u));
    expect(contents.navigate('file:///app/dist/renderer/index.html#/status')).toBe(false);
    expect(contents.navigate('https://example.com/phish')).toBe(true);
    expect(contents.navigate('javascript:alert(1)')).toBe(true);
    expect(contents.open('https://kaplan.example/bsc')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/phish', 'https://kaplan.example/bsc']);
  });

  it('allows same-origin navigation for an http app URL', () => {
    const contents = fakeContents();
    installNavigationGuards(contents, 'http://127.0.0.1:5171/', () => {});
    expect(contents.navigate('http://127.0.0.1:5171/#/chat')).toBe(false);
    expect(contents.navigate('http://127.0.0.1:9999/')).toBe(true);
  });

  it('adds a strict CSP to every response', () => {
    let listener: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    installContentSecurityPolicy({ webRequest: { onHeadersReceived: (l) => { listener = l; } } });
    let headers: Record<string, string[]> = {};
    listener!({ responseHeaders: { 'X-A': ['1'] } }, (r) => { headers = r.responseHeaders; });
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    expect(headers['X-A']).toEqual(['1']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  it('restores bounds on a display that exists, and drops a position on a vanished monitor', () => {
    expect(fitBoundsToDisplays({ x: 100, y: 100, width: 1000, height: 700, maximized: false }, [display])).toEqual({ x: 100, y: 100, width: 1000, height: 700, maximized: false });
    expect(fitBoundsToDisplays({ x: 3000, y: 100, width: 1000, height: 700, maximized: true }, [display])).toEqual({ width: 1000, height: 700, maximized: true });
    expect(fitBoundsToDisplays({ width: 10, height: 10, maximized: false }, [display]).width).toBe(1280);
  });
});
