import { describe, expect, it } from 'vitest';
import { fuseByReciprocalRank } from './fusion';

describe('fuseByReciprocalRank', () => {
  it('sums 1/(k+rank) across lists', () => {
    const fused = fuseByReciprocalRank([{ ids: ['a', 'b', 'c'] }, { ids: ['c', 'a'] }], 60);
    expect(fused.map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]!.score).toBeCloseTo(1 / 62, 12);
  });

  it('applies list weights', () => {
    const fused = fuseByReciprocalRank([{ ids: ['a', 'b'] }, { ids: ['b', 'a'], weight: 3 }]);
    expect(fused.map((r) => r.id)).toEqual(['b', 'a']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 3 / 61, 12);
  });

  it('breaks ties by first appearance, so equal inputs give a stable order', () => {
    const fused = fuseByReciprocalRank([{ ids: ['x', 'y'] }, { ids: ['y', 'x'] }, { ids: ['p'] }, { ids: ['q'] }]);
    expect(fused.map((r) => r.id)).toEqual(['x', 'y', 'p', 'q']);
  });

  it('counts a duplicate within one list once, at its best rank', () => {
    const fused = fuseByReciprocalRank([{ ids: ['a', 'a', 'b'] }], 1);
    expect(fused).toEqual([
      { id: 'a', score: 1 / 2 },
      { id: 'b', score: 1 / 4 },
    ]);
  });

  it('handles empty input', () => {
    expect(fuseByReciprocalRank([])).toEqual([]);
    expect(fuseByReciprocalRank([{ ids: [] }])).toEqual([]);
  });
});
