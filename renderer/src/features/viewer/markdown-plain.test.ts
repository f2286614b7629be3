import { describe, expect, it } from 'vitest';
import { markdownToPlain } from './markdown-plain';

describe('markdownToPlain', () => {
  it('keeps the words of a Markdown snippet and drops its syntax', () => {
    expect(markdownToPlain('## Indicadores e fórmulas\n\n**Retorno sobre o investimento (ROI)**\n\nROI = ganho ÷ *custo* × 100')).toBe('Indicadores e fórmulas\n\nRetorno sobre o investimento (ROI)\n\nROI = ganho ÷ custo × 100');
    expect(markdownToPlain('- primeiro item\n- [link](http://x) e `código`')).toBe('• primeiro item\n• link e código');
  });

  it('reads tables as rows of cells, without rules, including rules flattened onto one line', () => {
    expect(markdownToPlain('| Perspectiva | KPI |\n|---|---|\n| Financeira | Margem EBITDA (%) |')).toBe('Perspectiva · KPI\nFinanceira · Margem EBITDA (%)');
    expect(markdownToPlain('Perspectiva Objetivo --- --- --- Financeira F1')).toBe('Perspectiva Objetivo Financeira F1');
    expect(markdownToPlain('texto\n\n---\n\nmais')).toBe('texto\n\nmais');
  });

  it('drops emphasis cut in half at the snippet edges, and leaves arithmetic alone', () => {
    expect(markdownToPlain('investimento (ROI)** mede o retorno')).toBe('investimento (ROI) mede o retorno');
    expect(markdownToPlain('2 * 3 = 6 e a_b_c')).toBe('2 * 3 = 6 e a_b_c');
  });
});
