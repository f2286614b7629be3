import { describe, expect, it } from 'vitest';
import { DEVICE_COOKIE, LoginGuard } from './login-guard';

function attempt(g: LoginGuard, ip: string, right = false, cookie?: string) {
  const a = g.admit(ip, cookie);
  if (!a.ok) return { refused: a.retryAfterSeconds, wait: -1 };
  a.release(right);
  return { refused: 0, wait: a.waitMs };
}

describe('login guard', () => {
  it('doubles one client\'s wait after each failure, caps it, forgets on success or after 15 minutes', () => {
    let t = 0;
    const g = new LoginGuard({ now: () => t, deviceKey: 'k' });
    expect(attempt(g, '1.2.3.4').wait).toBe(0);
    expect(attempt(g, '1.2.3.4').wait).toBe(250);
    expect(attempt(g, '1.2.3.4').wait).toBe(500);
    for (let i = 0; i < 10; i++) attempt(g, '1.2.3.4');
    expect(attempt(g, '1.2.3.4').wait).toBe(8000);
    expect(attempt(g, '5.6.7.8').wait).toBe(0);
    expect(attempt(g, '1.2.3.4', true).wait).toBe(8000);
    expect(attempt(g, '1.2.3.4').wait).toBe(0);
    attempt(g, '9.9.9.9');
    t += 16 * 60_000;
    expect(attempt(g, '9.9.9.9').wait).toBe(0);
  });

  it('checks one attempt at a time per client: parallel guesses from one address are refused', () => {
    const g = new LoginGuard({ deviceKey: 'k' });
    const first = g.admit('1.2.3.4', undefined);
    expect(first.ok).toBe(true);
    const parallel = g.admit('1.2.3.4', undefined);
    expect(parallel).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(g.admit('5.6.7.8', undefined).ok).toBe(true);
    if (first.ok) first.release(false);
    expect(g.admit('1.2.3.4', undefined).ok).toBe(true);
  });

  it('slows everyone without a device cookie once many failures came from anywhere, slowly, and ends as they age out', () => {
    let t = 0;
    const g = new LoginGuard({ now: () => t, deviceKey: 'k', globalThreshold: 10, baseDelayMs: 100 });
    for (let i = 0; i < 10; i++) attempt(g, `10.0.0.${i}`);
    // A fresh address, never failed itself, now waits for the global slowdown.
    expect(attempt(g, '192.0.2.1').wait).toBe(100);
    for (let i = 0; i < 10; i++) attempt(g, `10.0.1.${i}`);
    expect(attempt(g, '192.0.2.2').wait).toBe(Math.round(100 * 2 ** (11 / 10)));
    t += 16 * 60_000;
    expect(attempt(g, '192.0.2.3').wait).toBe(0);
  });

  it('lets a browser with a device cookie past the address and global slowdowns caused by others', () => {
    const g = new LoginGuard({ deviceKey: 'k', globalThreshold: 3 });
    const device = g.newDeviceCookie(false).split(';')[0]!;
    for (let i = 0; i < 6; i++) attempt(g, '203.0.113.7');
    expect(attempt(g, '203.0.113.7').wait).toBeGreaterThan(0);
    expect(attempt(g, '203.0.113.7', true, device).wait).toBe(0);
    // A forged or foreign device cookie counts for nothing.
    expect(g.keyOf('203.0.113.7', `${DEVICE_COOKIE}=abc.forged`).device).toBe(false);
    expect(new LoginGuard({ deviceKey: 'other' }).keyOf('203.0.113.7', device).device).toBe(false);
  });
});
