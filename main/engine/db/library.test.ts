import { describe, expect, it } from 'vitest';
import { locateChunkOnPage } from './library';

describe('locateChunkOnPage', () => {
  const first = 'O indicador financeiro da cooperativa em 2024 subiu oito por cento.';
  const second = 'O indicador financeiro da cooperativa em 2025 caiu dois por cento.';
  const page = `${first} ${second}`;

  it('finds a chunk after the previous chunk even when sentences open alike', () => {
    expect(locateChunkOnPage(page, second, true, true, 0).start).toBe(0); // searching from the top lands too early
    expect(locateChunkOnPage(page, second, true, true, 1)).toEqual({ start: first.length + 1, end: page.length });
  });

  it('spans to the page end for a chunk that continues on the next page', () => {
    expect(locateChunkOnPage(page, `${second} E continua na página seguinte.`, true, false, 1)).toEqual({ start: first.length + 1, end: page.length });
  });

  it('starts at the page top for a chunk that began on an earlier page', () => {
    expect(locateChunkOnPage(page, `Texto da página anterior. ${first}`, false, true)).toEqual({ start: 0, end: first.length });
  });
});
