// Electron's security checklist, as small functions over the parts of Electron they touch, so
// each can be tested with a fake (main.ts wires them to the real objects).
import { CONTENT_SECURITY_POLICY } from '../engine/security';
import { isAppUrl } from './app-protocol';

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

/** The parts of webContents the guards use; Electron's real object satisfies it. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
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

/** Our own pages: app://bsc/... in the desktop app, or the same http origin (a dev server). Never file:. */
export function isOwnPage(url: string, appUrl: string): boolean {
  if (isAppUrl(appUrl)) return isAppUrl(url);
  try {
    const u = new URL(url);
    const app = new URL(appUrl);
    return (app.protocol === 'http:' || app.protocol === 'https:') && u.origin === app.origin;
  } catch {
    return false;
  }
}

/**
 * The window only ever shows our own pages: navigation elsewhere is blocked, and web links
 * (from answers or documents) open in the system browser instead of inside the app.
 */
export function installNavigationGuards(contents: GuardedContents, appUrl: string, openExternal: (url: string) => void): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (isOwnPage(url, appUrl)) return;
    event.preventDefault();
    if (isExternalWebLink(url)) openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
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

/** Adds our CSP to every response the window loads (app:// responses carry it themselves too). */
export function installContentSecurityPolicy(session: HeadersSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export interface PermissionSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

/** The one permission the app uses: writing to the clipboard ("Copy answer"), from our own page. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** Camera, microphone, geolocation, notifications, HID, USB…: denied, whoever asks. */
export function installPermissionPolicy(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl ?? ''));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin));
}

/** What an IPC event says about who sent it (Electron's IpcMainInvokeEvent). */
export interface IpcSenderEvent {
  senderFrame?: { url: string; parent: unknown } | null;
}

/** IPC is answered only for our own page's top frame: not a subframe, not another page the window was made to show. */
export function isTrustedSender(event: unknown): boolean {
  const frame = (event as IpcSenderEvent | null)?.senderFrame;
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}
