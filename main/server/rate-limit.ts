// Fixed-window request limits per key (a client address or a session), several windows at once
// (e.g. 60 per minute and 1000 per hour). Clock injected so tests can move time.

export interface RateWindow {
  windowMs: number;
  max: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; limit: RateWindow };

export interface RateLimiterOptions {
  windows: RateWindow[];
  now?: () => number;
  /** Most keys tracked; beyond it the least recently seen are forgotten. */
  maxKeys?: number;
}

export class RateLimiter {
  private readonly counts = new Map<string, Array<{ start: number; n: number }>>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts one request for `key` unless a window is already full (a refused request is not counted). */
  take(key: string): RateDecision {
    const t = this.now();
    const windows = this.counts.get(key) ?? this.opts.windows.map(() => ({ start: t, n: 0 }));
    for (let i = 0; i < this.opts.windows.length; i++) {
      const w = this.opts.windows[i]!;
      const c = windows[i]!;
      if (t - c.start >= w.windowMs) { c.start = t; c.n = 0; }
      if (c.n >= w.max) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((c.start + w.windowMs - t) / 1000)), limit: w };
      }
    }
    for (const c of windows) c.n += 1;
    this.counts.delete(key);
    const max = this.opts.maxKeys ?? 50_000;
    while (this.counts.size >= max) {
      const oldest = this.counts.keys().next();
      if (oldest.done) break;
      this.counts.delete(oldest.value);
    }
    this.counts.set(key, windows);
    return { ok: true };
  }

  get trackedKeys(): number {
    return this.counts.size;
  }
}
