// Password guessing (issue 13.6). Three layers, none of which can lock the right password out:
// - per client (an address, or a device that logged in before): one check at a time, and each
//   failure doubles the wait before that client's next check (250 ms … 8 s);
// - global: once many checks failed recently from anywhere, every check from a client without a
//   device cookie waits longer (slowly, up to 10 s) and only a few run at once, so many addresses
//   together gain little; the waits end as the failures age out;
// - device cookies (OWASP's "slow down online guessing with device cookies"): a browser that
//   logged in before carries a signed cookie, and is throttled on its own failures only — a user
//   behind the same address as an attacker still gets in.
import { createHmac, randomBytes } from 'node:crypto';
import { readCookie } from './auth';
import { sameSecret } from './launch-token';

export interface LoginGuardOptions {
  now?: () => number;
  /** Signs device cookies; derived from the password hash so they survive restarts and die with a new password. */
  deviceKey: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Recent failures (all clients) above which the global slowdown starts. */
  globalThreshold?: number;
  globalMaxDelayMs?: number;
  /** Checks from clients without a device cookie allowed at once while the global slowdown is on. */
  globalInFlight?: number;
  forgetAfterMs?: number;
}

export type LoginAdmission =
  | { ok: true; waitMs: number; key: string; release(success: boolean): number }
  | { ok: false; retryAfterSeconds: number; reason: string };

export const DEVICE_COOKIE = 'bsc_device';

export class LoginGuard {
  private readonly failures = new Map<string, { count: number; last: number }>();
  private readonly inFlight = new Set<string>();
  private recentFailures: number[] = [];
  private globalInFlight = 0;
  private readonly now: () => number;
  private readonly o: Required<Omit<LoginGuardOptions, 'now'>>;

  constructor(opts: LoginGuardOptions) {
    this.now = opts.now ?? Date.now;
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { baseDelayMs: 250, maxDelayMs: 8000, globalThreshold: 50, globalMaxDelayMs: 10_000, globalInFlight: 4, forgetAfterMs: 15 * 60_000, deviceKey: opts.deviceKey, ...given };
  }

  /** The client's key: its device when the request carries a valid device cookie, else its address. */
  keyOf(ip: string, cookieHeader: string | undefined): { key: string; device: boolean } {
    const cookie = readCookie(cookieHeader, DEVICE_COOKIE);
    const [id, mac] = cookie?.split('.') ?? [];
    if (id && mac && sameSecret(mac, this.sign(id))) return { key: `device:${id}`, device: true };
    return { key: `ip:${ip}`, device: false };
  }

  /** A fresh device cookie value for a browser that just logged in. */
  newDeviceCookie(secure: boolean): string {
    const id = randomBytes(16).toString('base64url');
    return [`${DEVICE_COOKIE}=${id}.${this.sign(id)}`, 'Path=/auth', 'HttpOnly', 'SameSite=Strict', `Max-Age=${365 * 86400}`, ...(secure ? ['Secure'] : [])].join('; ');
  }

  /** Whether a check may start now, and how long to wait first; call release() with the outcome. */
  admit(ip: string, cookieHeader: string | undefined): LoginAdmission {
    const { key, device } = this.keyOf(ip, cookieHeader);
    if (this.inFlight.has(key)) return { ok: false, retryAfterSeconds: 1, reason: 'one login check at a time per client' };
    const global = device ? 0 : this.globalDelayMs();
    if (global > 0 && this.globalInFlight >= this.o.globalInFlight) {
      return { ok: false, retryAfterSeconds: Math.ceil(global / 1000), reason: 'many failed logins recently; try again shortly' };
    }
    this.inFlight.add(key);
    if (global > 0) this.globalInFlight++;
    let released = false;
    return {
      ok: true,
      key,
      waitMs: this.clientDelayMs(key) + global,
      release: (success: boolean) => {
        if (released) return 0;
        released = true;
        this.inFlight.delete(key);
        if (global > 0) this.globalInFlight--;
        return success ? this.succeeded(key) : this.failed(key);
      },
    };
  }

  private clientDelayMs(key: string): number {
    const f = this.failures.get(key);
    if (!f || this.now() - f.last > this.o.forgetAfterMs) return 0;
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (f.count - 1));
  }

  /** Grows by doubling for each further `threshold` failures: slow, so a burst does not stall everyone. */
  private globalDelayMs(): number {
    const cutoff = this.now() - this.o.forgetAfterMs;
    this.recentFailures = this.recentFailures.filter((t) => t > cutoff);
    const over = this.recentFailures.length - this.o.globalThreshold;
    if (over < 0) return 0;
    return Math.min(this.o.globalMaxDelayMs, Math.round(this.o.baseDelayMs * 2 ** (over / this.o.globalThreshold)));
  }

  private failed(key: string): number {
    const f = this.failures.get(key);
    const count = !f || this.now() - f.last > this.o.forgetAfterMs ? 1 : f.count + 1;
    this.failures.delete(key);
    if (this.failures.size >= 10_000) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
    this.failures.set(key, { count, last: this.now() });
    this.recentFailures.push(this.now());
    if (this.recentFailures.length > 100_000) this.recentFailures.splice(0, 50_000);
    return count;
  }

  private succeeded(key: string): number {
    this.failures.delete(key);
    return 0;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.o.deviceKey).update(id).digest('base64url');
  }
}
