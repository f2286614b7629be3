import { CONTENT_SECURITY_POLICY } from '../engine/security';

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  } as const;
}

/** The parts of webContents the guards use; Electron's real object satisfies it. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export function isExternalWebLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

/**
 * The window only ever shows our own pages: navigation elsewhere is blocked, and web links
 * (from answers or documents) open in the system browser instead of inside the app.
 */
export function installNavigationGuards(contents: GuardedContents, appUrl: string, openExternal: (url: string) => void): void {
  const appOrigin = new URL(appUrl).origin;
  const sameApp = (url: string) => {
    try {
      const u = new URL(url);
      return appUrl.startsWith('file:') ? u.protocol === 'file:' : u.origin === appOrigin;
    } catch {
      return false;
    }
  };
  contents.on('will-navigate', (event, url) => {
    if (sameApp(url)) return;
    event.preventDefault();
    if (isExternalWebLink(url)) openExternal(url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export interface HeadersSession {
  webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void): void;
  };
}

/** Adds our CSP to every response the window loads, file:// pages included. */
export function installContentSecurityPolicy(session: HeadersSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
