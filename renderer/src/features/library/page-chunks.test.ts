import { describe, expect, it } from 'vitest';
import { isPrintedPageLabel, segmentPageByChunks } from './page-chunks';

describe('segmentPageByChunks', () => {
  it('cuts the page at chunk boundaries and reports overlaps', () => {
    const text = 'AAAABBBBCCCC';
    const segs = segmentPageByChunks({
      text,
      chunks: [
        { chunkId: 10, ord: 3, start: 0, end: 6 },
        { chunkId: 11, ord: 4, start: 4, end: 12 },
      ],
    });
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs).toEqual([
      { text: 'AAAA', chunks: [3], startsChunk: 3 },
      { text: 'BB', chunks: [3, 4], startsChunk: 4 },
      { text: 'BBCCCC', chunks: [4], startsChunk: null },
    ]);
  });

  it('keeps text outside any chunk and clamps offsets past the end', () => {
    const segs = segmentPageByChunks({ text: 'hello world', chunks: [{ chunkId: 1, ord: 0, start: 6, end: 99 }] });
    expect(segs).toEqual([
      { text: 'hello ', chunks: [], startsChunk: null },
      { text: 'world', chunks: [0], startsChunk: 0 },
    ]);
  });

  it('handles a page without chunks or text', () => {
    expect(segmentPageByChunks({ text: 'only text', chunks: [] })).toEqual([{ text: 'only text', chunks: [], startsChunk: null }]);
    expect(segmentPageByChunks({ text: '', chunks: [] })).toEqual([]);
  });
});

describe('isPrintedPageLabel', () => {
  it('tells printed page numbers from section headings', () => {
    expect(['12', 'iv', 'XII', 'A-3'].map(isPrintedPageLabel)).toEqual([true, true, true, true]);
    expect(['Introdução', 'Mapa estratégico', 'Chapter 2'].map(isPrintedPageLabel)).toEqual([false, false, false]);
  });
});
