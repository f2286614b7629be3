import { describe, expect, it } from 'vitest';
import { chunkPages } from './chunk';
import { bulletsToMarkdown, pageRole, structurePage, tabRunsToMarkdownTables } from './extract-pdf-structure';
import type { ExtractedPage } from './types';

const page = (pageNo: number, text: string, role?: 'toc' | 'index'): ExtractedPage => ({ pageNo, label: String(pageNo), text, headingPath: [], ...(role ? { role } : {}) });

describe('structure of PDF page text', () => {
  it('turns tab-separated rows into a Markdown table, padding short rows and escaping pipes', () => {
    expect(tabRunsToMarkdownTables('Tabela 1\nPerspectiva\tIndicador\tMeta\nFinanceira\tROI | EVA\t12%\nClientes\tNPS\nFim.')).toBe(
      'Tabela 1\n| Perspectiva | Indicador | Meta |\n| --- | --- | --- |\n| Financeira | ROI \\| EVA | 12% |\n| Clientes | NPS |  |\nFim.',
    );
    expect(tabRunsToMarkdownTables('Nome:\tJoão\nTexto corrido.')).toBe('Nome:\tJoão\nTexto corrido.');
  });

  it('turns bullet glyphs into list items', () => {
    expect(bulletsToMarkdown('Objetivos:\n• Aumentar a receita\n▪ Reter clientes')).toBe('Objetivos:\n- Aumentar a receita\n- Reter clientes');
  });

  it('recognises a table of contents with dot leaders or a heading, and a back-of-book index', () => {
    const toc = 'Sumário\n1 Introdução .......... 3\n2 Perspectiva financeira .......... 7\n2.1 Indicadores .......... 9\n3 Clientes .......... 15\n4 Processos internos .......... 21';
    expect(pageRole(toc)).toBe('toc');
    expect(pageRole('Contents\nIntroduction\t1\nThe financial perspective\t5\nCustomers\t12')).toBe('toc');
    const index = ['Índice remissivo', 'Balanced Scorecard, 3, 15–18', 'clientes, 22', 'indicadores, 9, 31', 'mapa estratégico, 40', 'metas, 12; 57'].join('\n');
    expect(pageRole(index)).toBe('index');
  });

  it('does not take prose, or a table whose last column is a year, for a table of contents', () => {
    const table = ['Indicador\tMeta\tPrazo', ...Array.from({ length: 8 }, (_, i) => `Indicador ${i}\t9${i}%\t202${i % 3}`)].join('\n');
    expect(pageRole(table)).toBeNull();
    expect(structurePage(table).text).toContain('| --- | --- | --- |');
    expect(pageRole('A receita cresceu 12% em 2024.\nA margem subiu para 18.\nO lucro dobrou em 2023.')).toBeNull();
  });

  it('chunks table-of-contents and index pages apart from the body and marks their chunks', () => {
    const chunks = chunkPages([
      page(1, 'Sumário\n1 Introdução ..... 2\n2 Estratégia ..... 3', 'toc'),
      page(2, 'A estratégia da empresa é crescer com rentabilidade.'),
      page(3, 'O mapa estratégico liga os objetivos das quatro perspectivas.'),
      page(4, 'Índice remissivo\nestratégia, 2, 3\nmapa, 3', 'index'),
    ], { chunkChars: 1000, overlapChars: 100 });
    expect(chunks.map((c) => [c.ord, c.role ?? 'body', c.pageStart, c.pageEnd])).toEqual([[0, 'toc', 1, 1], [1, 'body', 2, 3], [2, 'index', 4, 4]]);
  });
});
