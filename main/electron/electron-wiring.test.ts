import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, channelFor, methodNames } from '../../preload/contract';
import { desktopChannelFor, desktopMethodNames } from '../../preload/desktop-contract';
import { CONTENT_SECURITY_POLICY } from '../engine/security';
import { menuRoles, menuTemplate } from './app-menu';
import { APP_URL, isAppUrl, resolveAppFile, serveAppRequest } from './app-protocol';
import { originalPath } from '../engine/ingest/index-document';
import { desktopFileHandlers, registerDesktopFileHandlers, storedOriginalPath } from './desktop-files';
import { forwardEvent, registerContractHandlers } from './ipc';
import { claimSingleInstance } from './single-instance';
import { shouldCheckForUpdates } from './updates';
import { fitBoundsToDisplays } from './window-state';
import { installContentSecurityPolicy, installNavigationGuards, installPermissionPolicy, isTrustedSender, secureWebPreferences } from './window-security';

const repo = path.resolve(import.meta.dirname, '../..');

// Small fakes of the Electron objects the shell touches: enough to check the wiring, not Electron.
function fakeIpcMain() {
  const handlers = new Map<string, (e: unknown, input: unknown) => Promise<unknown>>();
  return { handlers, handle: (ch: string, fn: (e: unknown, input: unknown) => Promise<unknown>) => { handlers.set(ch, fn); } };
}
const fromApp = { senderFrame: { url: `${APP_URL}#/library`, parent: null } };
const trustAll = () => true;

function fakeContents() {
  const listeners: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const fire = (event: string, url: string) => {
    let prevented = false;
    listeners[event]?.({ preventDefault: () => { prevented = true; } }, url);
    return prevented;
  };
  return {
    on: (event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', l: (e: { preventDefault(): void }, url: string) => void) => { listeners[event] = l; },
    setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) => { openHandler = h; },
    navigate: (url: string) => fire('will-navigate', url),
    redirect: (url: string) => fire('will-redirect', url),
    attachWebview: () => fire('will-attach-webview', 'about:blank'),
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('IPC wiring', () => {
  it('registers exactly one handler per contract method, on the contract channel', () => {
    const ipc = fakeIpcMain();
    const channels = registerContractHandlers(ipc, async () => ({ ok: true, value: null }), trustAll);
    expect(channels.sort()).toEqual(methodNames.map(channelFor).sort());
    expect([...ipc.handlers.keys()].sort()).toEqual(channels.sort());
  });

  it('validates input before it reaches the engine, and forwards valid calls', async () => {
    const ipc = fakeIpcMain();
    const engine = vi.fn(async () => ({ ok: true as const, value: { forwarded: true } }));
    registerContractHandlers(ipc, engine, isTrustedSender);
    const set = ipc.handlers.get(channelFor('settings.set'))!;
    expect(await set(fromApp, { ui: { theme: 'neon' } })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(engine).not.toHaveBeenCalled();
    expect(await set(fromApp, { ui: { theme: 'dark' } })).toEqual({ ok: true, value: { forwarded: true } });
    expect(engine).toHaveBeenCalledWith('settings.set', { ui: { theme: 'dark' } });
  });

  it('answers only our own top frame: not a subframe, a file:// page, another site, or a destroyed frame', async () => {
    const ipc = fakeIpcMain();
    const engine = vi.fn(async () => ({ ok: true as const, value: {} }));
    registerContractHandlers(ipc, engine, isTrustedSender);
    const list = ipc.handlers.get(channelFor('library.list'))!;
    const strangers = [
      { senderFrame: { url: `${APP_URL}`, parent: { url: APP_URL } } },
      { senderFrame: { url: 'file:///home/ana/Downloads/evil.html', parent: null } },
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'app://other/index.html', parent: null } },
      { senderFrame: null },
      {},
    ];
    for (const event of strangers) expect(await list(event, undefined)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(engine).not.toHaveBeenCalled();
    expect(await list(fromApp, undefined)).toEqual({ ok: true, value: {} });
  });

  it('forwards engine events to a live window only', () => {
    const send = vi.fn();
    forwardEvent({ send, isDestroyed: () => false }, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
    forwardEvent({ send, isDestroyed: () => true }, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(EVENT_CHANNEL, { name: 'onEngineState', payload: { state: 'ready', at: 'now' } });
  });
});

describe('files from the OS (main side)', () => {
  function deps(over: Partial<Parameters<typeof desktopFileHandlers>[0]> = {}) {
    return {
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/home/ana/a.pdf', '/home/ana/b.docx'] })),
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/home/ana/Documentos/copia' })),
      openPath: vi.fn(async () => ''),
      fileExists: () => true,
      callEngine: vi.fn(async () => ({ ok: true as const, value: { document: { sha256: 'ab'.repeat(32), filename: 'Plano Estratégico.PDF' } } })),
      dataDir: '/data',
      documentsDir: '/home/ana/Documentos',
      ...over,
    };
  }

  it('registers every desktop method with the sender check and the desktop contract\'s validation', async () => {
    const ipc = fakeIpcMain();
    const d = deps();
    expect(registerDesktopFileHandlers(ipc, isTrustedSender, desktopFileHandlers(d)).sort()).toEqual(desktopMethodNames.map(desktopChannelFor).sort());
    const pick = ipc.handlers.get(desktopChannelFor('pickImport'))!;
    expect(await pick({ senderFrame: { url: 'https://evil.example/', parent: null } }, { folders: false })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await pick(fromApp, { folders: 'yes' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(d.showOpenDialog).not.toHaveBeenCalled();
    expect(await pick(fromApp, { folders: false })).toEqual({ ok: true, value: { paths: ['/home/ana/a.pdf', '/home/ana/b.docx'] } });
    const save = ipc.handlers.get(desktopChannelFor('saveBackupAs'))!;
    expect(await save(fromApp, { defaultName: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('opens folders or files, restores from a .bscbackup, and saves backups with the extension', async () => {
    const d = deps();
    const h = desktopFileHandlers(d);
    await h.pickImport({ folders: true });
    expect(d.showOpenDialog).toHaveBeenLastCalledWith(expect.objectContaining({ properties: ['openDirectory', 'multiSelections'] }));
    expect(await h.pickRestoreFile(undefined)).toEqual({ ok: true, value: { path: '/home/ana/a.pdf' } });
    expect(d.showOpenDialog).toHaveBeenLastCalledWith(expect.objectContaining({ filters: [{ name: 'Agente BSC backup', extensions: ['bscbackup'] }] }));
    expect(await h.saveBackupAs({ defaultName: 'cliente.bscbackup' })).toEqual({ ok: true, value: { path: '/home/ana/Documentos/copia.bscbackup' } });
    expect(d.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: path.join('/home/ana/Documentos', 'cliente.bscbackup') }));
    const cancelled = desktopFileHandlers(deps({ showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })), showSaveDialog: vi.fn(async () => ({ canceled: true })) }));
    expect(await cancelled.pickImport({ folders: false })).toEqual({ ok: true, value: { paths: [] } });
    expect(await cancelled.saveBackupAs(undefined)).toEqual({ ok: true, value: { path: null } });
  });

  it("opens a document's stored original (named by its hash in the data folder) with the OS", async () => {
    const d = deps();
    expect(await desktopFileHandlers(d).openOriginal({ documentId: 'doc-1' })).toEqual({ ok: true, value: { opened: true, detail: 'Opened Plano Estratégico.PDF.' } });
    expect(d.callEngine).toHaveBeenCalledWith('library.document', { documentId: 'doc-1' });
    expect(d.openPath).toHaveBeenCalledWith(path.join('/data', 'documents', `${'ab'.repeat(32)}.pdf`));
    for (const name of ['Plano Estratégico.PDF', 'notas.md', 'sem-extensao', 'a.tar.gz', 'x.d$c#x']) {
      expect(storedOriginalPath('/data', 'ab'.repeat(32), name), name).toBe(originalPath(path.join('/data', 'documents'), 'ab'.repeat(32), name));
    }
    const gone = await desktopFileHandlers(deps({ fileExists: () => false })).openOriginal({ documentId: 'doc-1' });
    expect(gone).toMatchObject({ ok: true, value: { opened: false } });
    const missing = await desktopFileHandlers(deps({ callEngine: vi.fn(async () => ({ ok: false as const, error: { code: 'NOT_FOUND' as const, message: 'no such document' } })) })).openOriginal({ documentId: 'x' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('window security', () => {
  it('uses a sandboxed, isolated renderer without Node or webviews', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/p.cjs' });
  });

  it('serves exactly the renderer folder from app://bsc/, with the CSP header, and nothing outside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-renderer-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Agente BSC</title>');
    fs.writeFileSync(path.join(dir, 'assets/app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'no');
    try {
      const page = await serveAppRequest({ url: APP_URL, method: 'GET' }, dir);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect((await serveAppRequest({ url: 'app://bsc/assets/app.js', method: 'GET' }, dir)).headers.get('content-type')).toContain('javascript');
      for (const url of ['app://bsc/../secret.txt', 'app://bsc/%2e%2e/secret.txt', 'app://bsc/assets/../../secret.txt', 'app://other/index.html', 'file:///etc/passwd', 'app://bsc/missing.js', 'app://bsc/%E0%A4%A']) {
        expect(resolveAppFile(url, dir), url).toBeNull();
        expect((await serveAppRequest({ url, method: 'GET' }, dir)).status, url).toBe(404);
      }
      expect((await serveAppRequest({ url: APP_URL, method: 'POST' }, dir)).status).toBe(405);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.join(path.dirname(dir), 'secret.txt'), { force: true });
    }
  });

  it('blocks navigation away from the app (file: pages included) and opens web links in the system browser', () => {
    const contents = fakeContents();
    const opened: string[] = [];
    installNavigationGuards(contents, APP_URL, (u) => opened.push(u));
    expect(contents.navigate('app://bsc/index.html#/status')).toBe(false);
    expect(contents.navigate('file:///home/ana/Downloads/page.html')).toBe(true);
    expect(contents.navigate('https://example.com/phish')).toBe(true);
    expect(contents.redirect('https://example.com/elsewhere')).toBe(true);
    expect(contents.navigate('javascript:alert(1)')).toBe(true);
    expect(contents.attachWebview()).toBe(true);
    expect(contents.open('https://kaplan.example/bsc')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.open('app://bsc/index.html')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/phish', 'https://example.com/elsewhere', 'https://kaplan.example/bsc']);
    expect(isAppUrl('app://bsc.evil/x')).toBe(false);
  });

  it('allows same-origin navigation for an http app URL (a dev server)', () => {
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
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it("puts the same CSP in index.html's <meta> (all but frame-ancestors, which only works as a header)", () => {
    const html = fs.readFileSync(path.join(repo, 'renderer/index.html'), 'utf8');
    const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    const header = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta).toBe(header);
    const built = path.join(repo, 'dist/renderer/index.html');
    if (fs.existsSync(built)) expect(fs.readFileSync(built, 'utf8')).toContain(`content="${header}"`);
  });

  it('denies every permission request (camera, microphone, geolocation, notifications…) but clipboard writes from our page', () => {
    let request: ((c: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl?: string }) => void) | undefined;
    let check: ((c: unknown, p: string, o: string) => boolean) | undefined;
    installPermissionPolicy({ setPermissionRequestHandler: (h) => { request = h; }, setPermissionCheckHandler: (h) => { check = h; } });
    const ask = (permission: string, url: string) => { let granted: boolean | undefined; request!({}, permission, (g) => { granted = g; }, { requestingUrl: url }); return granted; };
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'hid', 'usb', 'serial', 'openExternal', 'fullscreen', 'clipboard-read']) {
      expect(ask(p, APP_URL), p).toBe(false);
      expect(check!({}, p, 'app://bsc'), p).toBe(false);
    }
    expect(ask('clipboard-sanitized-write', APP_URL)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(check!({}, 'clipboard-sanitized-write', 'app://bsc')).toBe(true);
  });

  it('builds a production menu without DevTools or reload (development keeps them)', () => {
    const actions = { importFiles: vi.fn(), importFolder: vi.fn() };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const prod = menuRoles(menuTemplate({ isPackaged: true, platform, actions }));
      expect(prod, platform).not.toContain('toggleDevTools');
      expect(prod, platform).not.toContain('reload');
      expect(prod, platform).not.toContain('forceReload');
      expect(prod).toContain('copy');
    }
    expect(menuRoles(menuTemplate({ isPackaged: false, platform: 'linux', actions }))).toContain('toggleDevTools');
    const file = menuTemplate({ isPackaged: true, platform: 'linux', actions }).find((m) => m.label === 'File')!;
    file.submenu!.find((i) => i.label === 'Import folder…')!.click!();
    expect(actions.importFolder).toHaveBeenCalled();
  });

  it('keeps one instance: a second launch quits and the first window comes to the front', () => {
    const listeners: Array<() => void> = [];
    const win = { isMinimized: vi.fn(() => true), restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    const first = { requestSingleInstanceLock: () => true, on: (_e: 'second-instance', l: () => void) => { listeners.push(l); }, quit: vi.fn() };
    expect(claimSingleInstance(first, () => win)).toBe(true);
    const second = { requestSingleInstanceLock: () => false, on: vi.fn(), quit: vi.fn() };
    expect(claimSingleInstance(second, () => null)).toBe(false);
    expect(second.quit).toHaveBeenCalled();
    listeners.forEach((l) => l());
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
  });

  it('checks for updates only in the installed app, and never in tests', () => {
    expect(shouldCheckForUpdates({ isPackaged: true, env: {} })).toBe(true);
    expect(shouldCheckForUpdates({ isPackaged: false, env: {} })).toBe(false);
    expect(shouldCheckForUpdates({ isPackaged: true, env: { BSC_NO_UPDATES: '1' } })).toBe(false);
    expect(shouldCheckForUpdates({ isPackaged: true, env: { BSC_E2E: '1' } })).toBe(false);
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
