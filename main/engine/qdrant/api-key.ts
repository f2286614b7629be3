import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The API key a local Qdrant (bundled or Docker) is started with, one per data folder, kept in a
 * file readable by the user only. A loopback port is reachable by every local program; the key
 * keeps them out of the library.
 */
export function readOrCreateQdrantApiKey(keyFile: string): string {
  try {
    const existing = fs.readFileSync(keyFile, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // Written to a temporary name and renamed, so a crash never leaves a half-written key behind.
  const tmp = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${key}\n`, { mode: 0o600 });
  fs.renameSync(tmp, keyFile);
  return key;
}
