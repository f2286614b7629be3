import { describe, expect, it } from 'vitest';
import { collectHyphenEvidence, dropRepeatedMargins, normalizeText, rejoinHyphenatedWords } from './normalize';

describe('normalizeText', () => {
  it('composes to NFC so "ç" typed two ways is one string', () => {
    const decomposed = 'organizac\u0327a\u0303o';
    const out = normalizeText(decomposed);
    expect(out).toBe('organização');
    expect(out.length).toBe(11);
  });

  it('collapses spaces, trims lines, keeps at most one blank line, keeps a tab as one tab', () => {
    expect(normalizeText('  Perspectiva   financeira \r\n\r\n\r\n\r\nClientes\u00A0 e  mercado\n\n\n')).toBe(
      'Perspectiva financeira\n\nClientes e mercado',
    );
    expect(normalizeText('Meta \t  \t 95%')).toBe('Meta\t95%');
  });

  it('expands ligatures, drops soft hyphens and turns stray control characters into spaces', () => {
    expect(normalizeText('ﬁnanceira eﬃcient')).toBe('financeira efficient');
    expect(normalizeText('estraté\u00ADgia')).toBe('estratégia');
    expect(normalizeText('estraté\u00AD\ngia')).toBe('estratégia');
    expect(normalizeText('Overview\u0002of\u0002the')).toBe('Overview of the');
  });

  it('turns form feeds into paragraph breaks', () => {
    expect(normalizeText('página um\fpágina dois')).toBe('página um\n\npágina dois');
  });
});

describe('rejoinHyphenatedWords', () => {
  it('rejoins a word split across a line end', () => {
    expect(normalizeText('A estraté-\ngia da organiza-\nção')).toBe('A estratégia da organização');
  });

  it('keeps the hyphen when the next line starts with a capital', () => {
    expect(rejoinHyphenatedWords('acordo Mercosul-\nUnião Europeia')).toBe('acordo Mercosul-União Europeia');
  });

  it('keeps the hyphen of Portuguese enclitic pronouns', () => {
    expect(rejoinHyphenatedWords('a empresa encontra-\nse em crise')).toBe('a empresa encontra-se em crise');
    expect(rejoinHyphenatedWords('é preciso fazê-\nlo agora')).toBe('é preciso fazê-lo agora');
    // but a short last syllable after a plain verb-looking stem is just a split word
    expect(rejoinHyphenatedWords('o pla-\nno anual')).toBe('o plano anual');
  });

  it('keeps a compound the document writes with a hyphen elsewhere', () => {
    const text = 'O balanced scorecard é um mapa-\nestratégico. Cada mapa-estratégico tem quatro perspectivas.';
    expect(rejoinHyphenatedWords(text)).toContain('um mapa-estratégico.');
  });

  it('joins when the document writes the whole word elsewhere, even after a pronoun-like syllable', () => {
    const evidence = collectHyphenEvidence('Há interesse dos acionistas.');
    expect(rejoinHyphenatedWords('o interes-\nse dos clientes', evidence)).toBe('o interesse dos clientes');
  });

  it('keeps hyphen-taking prefixes such as vice-', () => {
    expect(rejoinHyphenatedWords('o vice-\npresidente')).toBe('o vice-presidente');
  });

  it('leaves a dash after a space and number ranges alone', () => {
    expect(rejoinHyphenatedWords('custos -\nreceitas')).toBe('custos -\nreceitas');
    expect(rejoinHyphenatedWords('2019-\n2023')).toBe('2019-\n2023');
  });
});

describe('dropRepeatedMargins', () => {
  const page = (n: number, body: string): string => `Relatório Anual 2024\n${body}\nPágina ${n} de 6`;

  it('drops running headers and page-number footers that repeat on most pages', () => {
    const words = ['receita', 'clientes', 'processos', 'pessoas', 'metas', 'iniciativas'];
    const pages = [1, 2, 3, 4, 5, 6].map((n) => page(n, `Esta página trata de ${words[n - 1]}.\nO foco: ${words[6 - n]}.`));
    const { pages: out, droppedLines, margins } = dropRepeatedMargins(pages);
    expect(droppedLines).toBe(12);
    expect(out[2]).toBe('Esta página trata de processos.\nO foco: pessoas.');
    // What was dropped is handed back, page by page, so search can still find it.
    expect(margins[2]).toEqual(['Relatório Anual 2024', 'Página 3 de 6']);
  });

  it('treats lone page numbers, arabic or roman, as one repeating footer', () => {
    const pages = ['ii', 'iii', '1', '2', '3'].map((num, i) => `Texto ${'abcde'[i]} único aqui.\n\n${num}`);
    const out = dropRepeatedMargins(pages).pages;
    expect(out.every((p) => !/\n\s*(ii|iii|\d)$/.test(p))).toBe(true);
    expect(out[0]).toBe('Texto a único aqui.\n');
  });

  it('keeps a line that repeats on only a minority of pages', () => {
    const pages = ['Resumo\nA', 'Resumo\nB', 'C\nfim', 'D\nfim2', 'E\nx', 'F\ny'];
    expect(dropRepeatedMargins(pages).pages).toEqual(pages);
  });

  it('does nothing for documents of fewer than 4 pages', () => {
    const pages = [1, 2, 3].map((n) => page(n, 'corpo'));
    expect(dropRepeatedMargins(pages)).toEqual({ pages, droppedLines: 0, margins: [[], [], []] });
  });

  it('only looks at the margins: a repeated line in the middle of the page stays', () => {
    const pages = [1, 2, 3, 4].map((n) => `Cabeçalho ${n}x${n}y\ncorpo ${n} a\nLinha repetida\ncorpo ${n} b\ncorpo ${n} c\nfim ${'abcd'[n - 1]}`);
    const out = dropRepeatedMargins(pages).pages;
    expect(out.every((p) => p.includes('Linha repetida'))).toBe(true);
  });
});

describe('dropRepeatedMargins on pages that are all alike', () => {
  it('keeps lines that are the whole text of their page', () => {
    const pages = Array.from({ length: 6 }, (_, i) => `Página ${i + 1}\nIndicadores da perspectiva financeira, parte ${i + 1}.`);
    const out = dropRepeatedMargins(pages);
    expect(out.pages).toEqual(pages);
    expect(out.droppedLines).toBe(0);
  });
});
