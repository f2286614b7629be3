import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { writeFileAtomicSync } from '../atomic-write';

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
  const key = randomBytes(32).toString('base64url');
  // Atomic, so a crash never leaves a half-written key behind.
  writeFileAtomicSync(keyFile, `${key}\n`, { mode: 0o600 });
  return key;
}
