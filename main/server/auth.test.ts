import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionStore, hashPassword, readCookie, readStoredPasswordHash, sessionCookie, verifyPassword, writeStoredPasswordHash } from './auth';

describe('admin password hashes', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$garbage')).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
  });

  it('stores only the hash, readable by its owner only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-auth-'));
    expect(readStoredPasswordHash(dir)).toBeNull();
    const file = writeStoredPasswordHash(dir, await hashPassword('s3cret-pass'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('s3cret');
    expect(await verifyPassword('s3cret-pass', readStoredPasswordHash(dir)!)).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('sessions', () => {
  it('expire after the idle timeout, and activity keeps them alive', () => {
    let t = 0;
    const s = new SessionStore({ idleMs: 60 * 60_000, now: () => t });
    const id = s.create();
    t += 59 * 60_000;
    expect(s.touch(id)).toBe(true);
    t += 59 * 60_000;
    expect(s.touch(id)).toBe(true);
    t += 30 * 60_000;
    expect(s.isAlive(id)).toBe(true); // looking does not refresh it
    t += 31 * 60_000;
    expect(s.isAlive(id)).toBe(false);
    expect(s.touch(id)).toBe(false);
    expect(s.touch(id)).toBe(false);
    expect(s.touch(undefined)).toBe(false);
    expect(s.touch('made-up')).toBe(false);
  });

  it('are bounded, dropping the least recently used', () => {
    const s = new SessionStore({ idleMs: 1e9, maxSessions: 3 });
    const [a, b, c] = [s.create(), s.create(), s.create()];
    s.touch(a);
    s.create();
    expect(s.size).toBe(3);
    expect(s.touch(b)).toBe(false);
    expect(s.touch(a)).toBe(true);
    expect(s.touch(c)).toBe(true);
  });
});

describe('cookies', () => {
  it('are HttpOnly and SameSite=Strict, Secure only when asked', () => {
    expect(sessionCookie('abc', { secure: false })).toBe('bsc_session=abc; Path=/; HttpOnly; SameSite=Strict');
    expect(sessionCookie('abc', { secure: true })).toContain('; Secure');
    expect(readCookie('a=1; bsc_session=xyz; b=2', 'bsc_session')).toBe('xyz');
    expect(readCookie('bsc_session_other=1', 'bsc_session')).toBeUndefined();
  });
});
