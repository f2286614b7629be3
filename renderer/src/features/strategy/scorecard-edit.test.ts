import { describe, expect, it } from 'vitest';
import { titleFromExcerpt } from './PendingCitation';
import { formatTargets, numberOrNull, parseTargets, readTargets } from './scorecard-edit';

describe('scorecard editing helpers', () => {
  it('reads targets typed as "year: value", in either decimal notation, and drops what is not one', () => {
    expect(parseTargets('2027: 14; 2028: 15,5\n2029 = 1.200; lixo; 20: 3')).toEqual([{ year: 2027, value: 14 }, { year: 2028, value: 15.5 }, { year: 2029, value: 1200 }]);
    expect(formatTargets([{ year: 2027, value: 14 }, { year: 2028, value: 15.5 }])).toBe('2027: 14; 2028: 15.5');
    expect(readTargets('quarenta minutos em 2026; 2027: 40').rejected).toEqual(['quarenta minutos em 2026']);
    expect(numberOrNull(' ')).toBeNull();
    expect(numberOrNull('6,1')).toBe(6.1);
    expect(numberOrNull('abc')).toBeNull();
  });

  it('makes a card title from a cited passage: no Markdown, first sentence, short', () => {
    expect(titleFromExcerpt('**Retorno sobre o investimento (ROI)**: ROI = (ganho − custo) ÷ custo × 100. Usado para avaliar projetos.')).toBe('Retorno sobre o investimento (ROI)');
    expect(titleFromExcerpt('Aumentar a receita por cliente nos segmentos-alvo.')).toBe('Aumentar a receita por cliente nos segmentos-alvo');
    const long = titleFromExcerpt(`${'palavra '.repeat(40)}fim.`);
    expect(long.length).toBeLessThanOrEqual(121);
    expect(long.endsWith('…')).toBe(true);
  });
});
