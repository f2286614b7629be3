import { describe, expect, it } from 'vitest';
import { highlightSegments, queryPrefixes } from './highlight';

const marked = (text: string, q: string) => highlightSegments(text, q).filter((s) => s.match).map((s) => s.text);

describe('highlightSegments', () => {
  it('marks the query words, ignoring case and accents, and keeps every character of the text', () => {
    const text = 'A Gestão estratégica e o BSC: <b>estrategia</b> & indicadores.';
    const segs = highlightSegments(text, 'Estratégia indicador');
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(marked(text, 'Estratégia indicador')).toEqual(['estratégica', 'estrategia', 'indicadores']);
  });

  it('treats markup in the snippet as text (nothing is parsed)', () => {
    const segs = highlightSegments('<img src=x onerror=alert(1)> quilombola', 'quilombola');
    expect(segs).toEqual([{ text: '<img src=x onerror=alert(1)> ', match: false }, { text: 'quilombola', match: true }]);
  });

  it('skips short words like "de" unless they are the whole query', () => {
    expect(marked('mapa de objetivos de BSC', 'mapa de objetivos')).toEqual(['mapa', 'objetivos']);
    expect(marked('o BSC de hoje', 'de')).toEqual(['de']);
    expect(marked('decisão de BSC', 'de')).toEqual(['de']);
  });

  it('returns the text unmarked for an empty or punctuation-only query', () => {
    expect(highlightSegments('abc', '  ?! ')).toEqual([{ text: 'abc', match: false }]);
    expect(highlightSegments('', 'x')).toEqual([]);
  });

  it('stems long words by prefix and dedupes', () => {
    expect(queryPrefixes('Indicadores indicadores KPI')).toEqual(['indicado', 'kpi']);
  });
});

describe('mentionsQuery', () => {
  it('tells whether a page mentions the query', async () => {
    const { mentionsQuery } = await import('./highlight');
    expect(mentionsQuery('A comunidade Quilombola participa.', 'quilombolas')).toBe(true);
    expect(mentionsQuery('Perspectiva financeira.', 'quilombola')).toBe(false);
  });
});
