import { describe, expect, it } from 'vitest';
import { citedNumbers, splitCitations } from './citations';

const known = new Set([1, 2, 3, 4, 5]);

describe('splitCitations', () => {
  it('turns [n] into citation segments and keeps the text around them', () => {
    expect(splitCitations('O ROI mede o retorno [1]. A margem também [2].', known)).toEqual([
      { kind: 'text', text: 'O ROI mede o retorno ' },
      { kind: 'cite', n: 1 },
      { kind: 'text', text: '. A margem também ' },
      { kind: 'cite', n: 2 },
      { kind: 'text', text: '.' },
    ]);
  });

  it('expands lists and ranges: [1, 3], [2–4], [1][2], [4; 5]', () => {
    const cites = (t: string) => splitCitations(t, known).filter((s) => s.kind === 'cite').map((s) => (s as { n: number }).n);
    expect(cites('a [1, 3] b')).toEqual([1, 3]);
    expect(cites('a [2–4] b')).toEqual([2, 3, 4]);
    expect(cites('a [2-3]')).toEqual([2, 3]);
    expect(cites('a [1][2]')).toEqual([1, 2]);
    expect(cites('a [4; 5]')).toEqual([4, 5]);
  });

  it('leaves numbers that name no source as written text', () => {
    expect(splitCitations('veja [9] e [1]', known)).toEqual([
      { kind: 'text', text: 'veja [9] e ' },
      { kind: 'cite', n: 1 },
    ]);
    expect(splitCitations('[1, 9]', known)).toEqual([{ kind: 'cite', n: 1 }, { kind: 'text', text: '[9]' }]);
  });

  it('ignores brackets that are not citations and absurd ranges', () => {
    const text = 'array[i] and [a] and [1-900] and [] and [ 2 ]';
    const segs = splitCitations(text, known);
    expect(segs.filter((s) => s.kind === 'cite')).toEqual([{ kind: 'cite', n: 2 }]);
    expect(segs[0]).toEqual({ kind: 'text', text: 'array[i] and [a] and [1-900] and [] and ' });
  });

  it('returns nothing for empty text and one text segment when there is no citation', () => {
    expect(splitCitations('', known)).toEqual([]);
    expect(splitCitations('sem citação', known)).toEqual([{ kind: 'text', text: 'sem citação' }]);
  });
});

describe('citedNumbers', () => {
  it('lists the cited sources once, in order of first mention', () => {
    expect(citedNumbers('x [3] y [1, 3] z [2-3]', known)).toEqual([3, 1, 2]);
  });
});
