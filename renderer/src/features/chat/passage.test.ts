import { describe, expect, it } from 'vitest';
import { locatePassage, reflowPageText } from './passage';

const text = 'Perspectiva financeira.\nO ROI mede o retorno\nsobre o investimento.\n\nA margem EBITDA mostra a eficiência operacional.';

describe('locatePassage', () => {
  it('uses the page\'s chunk offsets when the chunk is on the page', () => {
    const second = text.indexOf('A margem');
    const page = { text, chunks: [{ chunkId: 7, ord: 0, start: 0, end: second - 2 }, { chunkId: 8, ord: 1, start: second, end: text.length }] };
    expect(locatePassage(page, 8, 'ignored')).toEqual({ start: second, end: text.length });
    expect(locatePassage(page, 7, 'ignored')).toEqual({ start: 0, end: second - 2 });
  });

  it('clamps offsets that run past the page', () => {
    expect(locatePassage({ text, chunks: [{ chunkId: 1, ord: 0, start: 60, end: 10_000 }] }, 1, '')).toEqual({ start: 60, end: text.length });
  });

  it('finds the chunk\'s text with line breaks and spaces folded when there are no offsets', () => {
    const r = locatePassage({ text, chunks: [] }, 99, 'O ROI mede o retorno sobre   o\ninvestimento.');
    expect(r).not.toBeNull();
    expect(text.slice(r!.start, r!.end)).toBe('O ROI mede o retorno\nsobre o investimento.');
  });

  it('matches the head of a chunk that continues on the next page, or the tail of one that began before', () => {
    const head = locatePassage({ text, chunks: [] }, 1, 'A margem EBITDA mostra a eficiência operacional. E continua na próxima página com mais texto.');
    expect(text.slice(head!.start, head!.end)).toBe('A margem EBITDA mostra a eficiência operacional.');
    const tail = locatePassage({ text, chunks: [] }, 1, 'Texto da página anterior que termina aqui: Perspectiva financeira.\nO ROI mede o retorno');
    expect(text.slice(tail!.start, tail!.end)).toBe('Perspectiva financeira.\nO ROI mede o retorno');
  });

  it('returns null when the passage is not on the page', () => {
    expect(locatePassage({ text, chunks: [] }, 1, 'Nada disso aparece na página, nem o começo nem o fim deste trecho.')).toBeNull();
    expect(locatePassage({ text, chunks: [] }, 1, '   ')).toBeNull();
  });
});

describe('reflowPageText', () => {
  it('joins PDF line ends but keeps paragraphs, without changing the length', () => {
    const out = reflowPageText(text);
    expect(out).toHaveLength(text.length);
    expect(out).toContain('O ROI mede o retorno sobre o investimento.\n\nA margem');
  });
});
