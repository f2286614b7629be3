import { describe, expect, it } from 'vitest';
import { hitPages, plainSnippet } from './format';

describe('bsc search output', () => {
  it('names pages as a reader cites them: never a heading as a page, never a dangling dash', () => {
    expect(hitPages({ pageLabel: '7', pageStart: 9, pageEnd: 9 })).toBe('p. 7');
    expect(hitPages({ pageLabel: 'iii', pageStart: 3, pageEnd: 4 })).toBe('p. iii ff.');
    expect(hitPages({ pageLabel: 'Perspectiva Financeira', pageStart: 1, pageEnd: 1 })).toBe('§ Perspectiva Financeira');
  });
  it('shows snippets without Markdown marks', () => {
    expect(plainSnippet('# Perspectiva Financeira ## Papel da **perspectiva** | a | b | |---|---| | 1 | 2 |')).toBe('Perspectiva Financeira Papel da perspectiva | a | b | | 1 | 2 |');
  });
});
