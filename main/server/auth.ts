// Admin login for the server mode: scrypt password hashes and in-memory sessions with an idle
// timeout (password guessing is slowed by login-guard.ts).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32 };

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keyLen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: only this is ever stored, never the password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.trim().split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (!N || !r || !p || salt.length < 8 || expected.length < 16) return false;
  const actual = await scrypt(password, salt, N, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

export function passwordHashFile(dataDir: string): string {
  return path.join(dataDir, 'admin-password.scrypt');
}

export function readStoredPasswordHash(dataDir: string): string | null {
  try {
    const text = fs.readFileSync(passwordHashFile(dataDir), 'utf8').trim();
    return text.startsWith('scrypt$') ? text : null;
  } catch {
    return null;
  }
}

export function writeStoredPasswordHash(dataDir: string, hash: string): string {
  const file = passwordHashFile(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${hash}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

export interface SessionStoreOptions {
  idleMs: number;
  now?: () => number;
  /** Most sessions kept at once; the least recently used goes first. */
  maxSessions?: number;
}

/** Sessions in memory: a restart logs everyone out, which is acceptable for one admin. */
export class SessionStore {
  private readonly sessions = new Map<string, { lastSeen: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  create(): string {
    this.prune();
    const max = this.opts.maxSessions ?? 1000;
    while (this.sessions.size >= max) {
      const oldest = this.sessions.keys().next();
      if (oldest.done) break;
      this.sessions.delete(oldest.value);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { lastSeen: this.now() });
    return id;
  }

  /** True and refreshed when the session exists and has not been idle too long. */
  touch(id: string | undefined): boolean {
    if (!id) return false;
    const s = this.sessions.get(id);
    if (!s) return false;
    const t = this.now();
    if (t - s.lastSeen > this.opts.idleMs) {
      this.sessions.delete(id);
      return false;
    }
    s.lastSeen = t;
    // Map order doubles as recency order for eviction.
    this.sessions.delete(id);
    this.sessions.set(id, s);
    return true;
  }

  /** True when the session is still valid, without counting this as activity (event-stream pings). */
  isAlive(id: string | undefined): boolean {
    const s = id ? this.sessions.get(id) : undefined;
    return !!s && this.now() - s.lastSeen <= this.opts.idleMs;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t - s.lastSeen > this.opts.idleMs) this.sessions.delete(id);
  }
}

export const SESSION_COOKIE = 'bsc_session';

export function sessionCookie(id: string, opts: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${SESSION_COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (opts.secure) parts.push('Secure');
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
