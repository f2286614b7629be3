import { describe, expect, it } from 'vitest';
import { bucketize, sparkline } from './sparkline';

describe('sparkline', () => {
  it('scales time to x and value to y (top = max), dropping points outside the range', () => {
    const s = sparkline([{ at: -5, value: 99 }, { at: 0, value: 0 }, { at: 50, value: 10 }, { at: 100, value: 5 }], { width: 200, height: 40, from: 0, to: 100 });
    expect(s.max).toBe(10);
    expect(s.line).toBe('M0,40 L100,0 L200,20');
    expect(s.area).toBe('M0,40 L0,40 L100,0 L200,20 L200,40 Z');
    expect(s.last).toBe(5);
  });

  it('breaks the line at gaps and draws an all-zero series on the baseline', () => {
    const gap = sparkline([{ at: 0, value: 1 }, { at: 1, value: null }, { at: 2, value: 1 }, { at: 3, value: 2 }], { width: 30, height: 10, from: 0, to: 3 });
    expect(gap.line).toBe('M0,5 M20,5 L30,0');
    expect(gap.dots).toEqual([[0, 5]]);
    const flat = sparkline([{ at: 0, value: 0 }, { at: 1, value: 0 }], { width: 10, height: 10, from: 0, to: 1 });
    expect(flat.line).toBe('M0,10 L10,10');
    expect(sparkline([], { width: 10, height: 10, from: 0, to: 1 })).toEqual({ line: '', area: '', dots: [], max: 0, last: null });
  });

  it('buckets minutes by sum or max', () => {
    const pts = [0, 1, 2, 3, 4, 5].map((m) => ({ at: m * 60_000, value: m === 4 ? null : m + 1 }));
    expect(bucketize(pts, 3, 'sum')).toEqual([{ at: 180_000, value: 6 }, { at: 360_000, value: 10 }]);
    expect(bucketize(pts, 3, 'max')).toEqual([{ at: 180_000, value: 3 }, { at: 360_000, value: 6 }]);
  });
});
