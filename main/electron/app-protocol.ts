// The window loads the app from app://bsc/, a custom protocol that serves only the built renderer
// folder. A file:// page would make every local HTML file "the app" (with our preload); here a
// path outside dist/renderer simply does not exist.
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../engine/security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'bsc';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

/** True for a URL of our own app (app://bsc/...). Node's URL gives no origin for custom schemes, so compare parts. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.wasm': 'application/wasm',
  '.map': 'application/json', '.txt': 'text/plain; charset=utf-8', '.bcmap': 'application/octet-stream', '.pfb': 'application/octet-stream',
};

/** The file under `rendererDir` an app:// URL names, or null (another host, a path escaping the folder, a missing file). */
export function resolveAppFile(url: string, rendererDir: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try { pathname = decodeURIComponent(new URL(url).pathname); } catch { return null; } // a malformed escape is a 404
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Answers one app:// request: the file with its type and our CSP, or 404. */
export async function serveAppRequest(request: { url: string; method: string }, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
  const file = resolveAppFile(request.url, rendererDir);
  if (!file) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const body = request.method === 'HEAD' ? null : await fs.promises.readFile(file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
