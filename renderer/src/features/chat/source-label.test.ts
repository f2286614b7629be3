import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { chipPageText, distinctPageText, excerptOf, sourcePageText } from './source-label';

const t = ((key: string, o: Record<string, unknown>) => (key === 'source.page' ? `p. ${o.label}` : key === 'source.ocr' ? `${o.page}, OCR` : `pp. ${o.from}–${o.to}`)) as unknown as TFunction<'chat'>;
const src = (pageLabel: string, pageStart = 3, pageEnd = pageStart) => ({ title: 'Guia BSC', filename: 'guia.pdf', pageLabel, pageStart, pageEnd });

describe('sourcePageText', () => {
  it('prints page numbers and roman front matter as "p.", ranges over a page break as "pp."', () => {
    expect(sourcePageText(t, src('12', 14))).toBe('p. 12');
    expect(sourcePageText(t, src('iv', 4))).toBe('p. iv');
    expect(sourcePageText(t, src('7', 7, 8))).toBe('pp. 7–8');
    expect(sourcePageText(t, src('', 5))).toBe('p. 5');
  });

  it('shows a Markdown or Word section heading as it is, and drops it when it only repeats the title', () => {
    expect(sourcePageText(t, src('Indicadores e fórmulas'))).toBe('Indicadores e fórmulas');
    expect(distinctPageText(t, src('Indicadores e fórmulas'))).toBe('Indicadores e fórmulas');
    expect(distinctPageText(t, src('Guia BSC'))).toBeNull();
    expect(distinctPageText(t, src('12'))).toBe('p. 12');
  });
});

describe('the excerpt\'s page labels', () => {
  it('prints the excerpt\'s own printed labels, never a label mixed with a physical number', () => {
    expect(sourcePageText(t, { ...src('iii', 3, 4), pageLabels: ['1'] })).toBe('p. 1');
    expect(sourcePageText(t, { ...src('7', 9, 10), pageLabels: ['7', '8'] })).toBe('pp. 7–8');
    expect(sourcePageText(t, { ...src('4', 4), pageLabels: ['4'], ocr: true })).toBe('p. 4, OCR');
    expect(sourcePageText(t, { ...src('Indicadores'), pageLabels: ['Indicadores'] })).toBe('Indicadores');
  });

  it('gives the chip a page label, and nothing for a section heading', () => {
    expect(chipPageText(t, { ...src('7', 9, 10), pageLabels: ['7', '8'] })).toBe('pp. 7–8');
    expect(chipPageText(t, src('12', 14))).toBe('p. 12');
    expect(chipPageText(t, { ...src('Indicadores'), pageLabels: ['Indicadores'] })).toBeNull();
  });

  it('takes the excerpt, else its offsets into the quote, else the whole quote of an older answer', () => {
    const quote = 'Primeira frase. A frase citada. Última.';
    expect(excerptOf({ quote, excerpt: 'A frase citada.' })).toBe('A frase citada.');
    expect(excerptOf({ quote, excerptStart: 16, excerptEnd: 31 })).toBe('A frase citada.');
    expect(excerptOf({ quote, excerptStart: 16, excerptEnd: 999 })).toBe(quote);
    expect(excerptOf({ quote })).toBe(quote);
  });
});
