// The browser mode without a password (npm start, npm run serve on loopback): a random token per
// launch, printed and opened as `http://127.0.0.1:PORT/?token=…`, exchanged on first load for an
// HttpOnly SameSite=Strict cookie (as Jupyter does), so no other page or local process that has
// not seen the terminal can drive the server. Scripts send it as `Authorization: Bearer …`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readCookie } from './auth';

export function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison is constant-time whatever their lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function newLaunchToken(): string {
  return randomBytes(24).toString('base64url');
}

export class LaunchToken {
  /** What the cookie carries: not the token, so a token seen in history is not the cookie. */
  private readonly cookieSecret = randomBytes(32).toString('base64url');

  constructor(readonly token: string, private readonly port: () => number) {}

  /** Cookies ignore ports, so two servers on 127.0.0.1 must not overwrite each other's. */
  get cookieName(): string {
    return `bsc_launch_${this.port()}`;
  }

  matches(given: string | null | undefined): boolean {
    return typeof given === 'string' && given.length > 0 && sameSecret(given, this.token);
  }

  /** True when the request carries this launch's cookie or the token as a bearer. */
  admits(headers: { cookie?: string; authorization?: string }): boolean {
    const cookie = readCookie(headers.cookie, this.cookieName);
    if (cookie && sameSecret(cookie, this.cookieSecret)) return true;
    return this.matches(headers.authorization?.match(/^Bearer (.+)$/)?.[1]);
  }

  cookie(secure: boolean): string {
    return [`${this.cookieName}=${this.cookieSecret}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
  }

  clearedCookie(secure: boolean): string {
    return [`${this.cookieName}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
  }
}
