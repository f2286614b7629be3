import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { numberIn, scorecardTableRows } from './scorecard-tables';

describe('scorecardTableRows', () => {
  it('reads the sample cooperative\'s scorecard table by column meaning', () => {
    const text = fs.readFileSync(path.resolve(__dirname, '../../../resources/sample-library/07-exemplo-cooperativa-vale-da-aroeira.md'), 'utf8');
    const rows = scorecardTableRows(text);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const ebitda = rows.find((r) => r.measure === 'Margem EBITDA (%)')!;
    expect(ebitda).toMatchObject({
      perspective: 'financial', objective: 'Elevar a margem EBITDA', formula: 'EBITDA ÷ receita líquida × 100',
      baseline: { value: 6.1, year: 2024 }, targets: [{ year: 2025, value: 6.6 }, { year: 2027, value: 7.8 }],
      initiative: 'Programa de eficiência logística',
    });
    expect(text.slice(ebitda.start, ebitda.start + ebitda.line.length)).toBe(ebitda.line);
    expect(rows.find((r) => r.measure === 'NPS do cooperado')?.perspective).toBe('customer');
    // "—" in the initiative column is no initiative.
    expect(rows.find((r) => r.measure === 'Sobras por cooperado (R$ mil)')?.initiative).toBeNull();
  });

  it('skips tables that are not scorecards and reads numbers in both notations', () => {
    expect(scorecardTableRows('| Ano | Receita |\n|---|---|\n| 2024 | 10 |')).toEqual([]);
    expect(numberIn('1.234,5')).toBe(1234.5);
    expect(numberIn('1,234.5')).toBe(1234.5);
    expect(numberIn('11,9')).toBe(11.9);
    expect(numberIn('—')).toBeNull();
  });
});
