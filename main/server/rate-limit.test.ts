import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('rate limiter', () => {
  it('refuses past the limit with the seconds left, and resets with the window', () => {
    let t = 0;
    const rl = new RateLimiter({ windows: [{ windowMs: 60_000, max: 3 }, { windowMs: 3_600_000, max: 5 }], now: () => t });
    for (let i = 0; i < 3; i++) expect(rl.take('a').ok).toBe(true);
    t = 20_000;
    const refused = rl.take('a');
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 40, limit: { windowMs: 60_000, max: 3 } });
    expect(rl.take('b').ok).toBe(true); // other keys are independent
    t = 60_000;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(true);
    const hourly = rl.take('a');
    expect(hourly.ok).toBe(false);
    if (!hourly.ok) {
      expect(hourly.limit.windowMs).toBe(3_600_000);
      expect(hourly.retryAfterSeconds).toBe(3540);
    }
    t = 3_600_000;
    expect(rl.take('a').ok).toBe(true);
  });

  it('keeps a bounded number of keys', () => {
    const rl = new RateLimiter({ windows: [{ windowMs: 60_000, max: 1 }], maxKeys: 100 });
    for (let i = 0; i < 1000; i++) rl.take(`k${i}`);
    expect(rl.trackedKeys).toBe(100);
  });
});
