import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { distinctPageText, sourcePageText } from './source-label';

const t = ((key: string, o: Record<string, unknown>) => (key === 'source.page' ? `p. ${o.label}` : `pp. ${o.from}–${o.to}`)) as unknown as TFunction<'chat'>;
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
