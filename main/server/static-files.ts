import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Resolves a URL path inside the built renderer; unknown paths fall back to index.html (SPA). */
export function resolveStaticFile(root: string, urlPath: string): { file: string; type: string } | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const candidate = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (!candidate.startsWith(path.resolve(root))) return null;
  let file = candidate;
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
  if (!fs.existsSync(file)) return null;
  return { file, type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
}
