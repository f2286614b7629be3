import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, paceProgress } from './progress';

describe('progress pace', () => {
  it('always sends a new stage, throttles ticks within one, and estimates the time left', () => {
    let t = 1_000;
    const pace = paceProgress({ everyMs: 200, now: () => t });
    expect(pace.tick('reading', 0, 100)).toEqual({ emit: true, etaMs: null });
    t += 50;
    expect(pace.tick('reading', 10, 100)).toEqual({ emit: false, etaMs: 450 });
    t += 150;
    expect(pace.tick('reading', 40, 100)).toEqual({ emit: true, etaMs: 300 });
    t += 10;
    expect(pace.tick('writing', 40, 100).emit).toBe(true);
    expect(estimateRemainingMs(1000, 100, 100)).toBeNull();
    expect(estimateRemainingMs(1000, 0, 100)).toBeNull();
  });
});
