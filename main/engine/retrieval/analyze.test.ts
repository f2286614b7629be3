import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { analyzeForIndex, detectLanguage, foldDiacritics, ftsMatchQuery, stemToken, tokenize } from './analyze';

describe('foldDiacritics and tokenize', () => {
  it('folds accents and case, keeps numbers and acronyms', () => {
    expect(foldDiacritics('Relatório de Satisfação ÀÉÎÕÜ ç')).toBe('relatorio de satisfacao aeiou c');
    expect(tokenize('O ROI e o KPI de 2024 subiram 12,5%!')).toEqual(['o', 'roi', 'e', 'o', 'kpi', 'de', '2024', 'subiram', '12', '5']);
    expect(tokenize('pós-venda')).toEqual(['pos', 'venda']);
    expect(tokenize('   ?!  ')).toEqual([]);
  });
});

describe('detectLanguage', () => {
  it.each([
    ['O que é o Balanced Scorecard?', 'pt'],
    ['Quais indicadores usar na perspectiva financeira?', 'pt'],
    ['Gestão à vista', 'pt'],
    ['What is a strategy map?', 'en'],
    ['How do we measure customer retention?', 'en'],
    ['The learning and growth perspective', 'en'],
    ['BSC', 'other'],
    ['KPI 2024', 'other'],
  ] as const)('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('analyzeForIndex', () => {
  it('makes accented and unaccented Portuguese meet on one stem', () => {
    const pairs: Array<[string, string]> = [
      ['relatório', 'relatorio'],
      ['estratégias', 'estrategia'],
      ['satisfação', 'satisfacao'],
      ['competências', 'competencias'],
      ['inovações', 'inovacoes'],
      ['gestão', 'gestao'],
      ['sustentável', 'sustentavel'],
    ];
    for (const [a, b] of pairs) expect(analyzeForIndex(a, 'pt'), `${a} vs ${b}`).toBe(analyzeForIndex(b, 'pt'));
    expect(analyzeForIndex('estratégias', 'pt')).toBe(analyzeForIndex('estratégia', 'pt'));
    expect(analyzeForIndex('clientes', 'pt')).toBe(analyzeForIndex('cliente', 'pt'));
  });

  it('drops stopwords, stems in the given language, keeps numbers', () => {
    expect(analyzeForIndex('A satisfação dos clientes em 2024', 'pt')).toBe('satisf client 2024');
    expect(analyzeForIndex('The strategies of the customers', 'en')).toBe('strategi custom');
    expect(analyzeForIndex('Über die Strategie', 'other')).toBe('uber die strategie');
    // Output is already folded, so the FTS tokenizer's own folding changes nothing.
    expect(analyzeForIndex('Inovação e Eficiência', 'pt')).toMatch(/^[a-z0-9 ]+$/);
  });

  it('leaves numbers alone in every language', () => {
    expect(stemToken('2024', 'pt')).toBe('2024');
    expect(stemToken('2024', 'en')).toBe('2024');
  });
});

describe('ftsMatchQuery', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')`);
  const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
  insert.run('pt', analyzeForIndex('O relatório mostra as estratégias de retenção de clientes.', 'pt'));
  insert.run('en', analyzeForIndex('The report shows customer retention strategies.', 'en'));
  insert.run('other', analyzeForIndex('Nothing related here at all.', 'en'));
  const search = db.prepare<[string], { id: string }>('SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t)');

  it('finds Portuguese and English text from either language, accents or not', () => {
    const pt = ftsMatchQuery('relatorio de estrategia', ['pt', 'en']);
    expect(search.all(pt!).map((r) => r.id)).toEqual(['pt']);
    const en = ftsMatchQuery('customer strategy', ['pt', 'en']);
    expect(search.all(en!).map((r) => r.id)).toEqual(['en']);
  });

  it('ORs quoted, deduplicated terms', () => {
    expect(ftsMatchQuery('clientes e cliente', ['pt'])).toBe('"client"');
    expect(ftsMatchQuery('retenção de clientes', ['pt'])).toBe('"retenca" OR "client"');
  });

  it('returns null when nothing searchable remains', () => {
    expect(ftsMatchQuery('', ['pt'])).toBeNull();
    expect(ftsMatchQuery('o que é isso?', ['pt'])).toBeNull();
    expect(ftsMatchQuery('*** ""', ['pt', 'en'])).toBeNull();
  });

  it('cannot be turned into FTS syntax by the input', () => {
    const hostile = [
      'body:relatorio',
      '"unbalanced quote',
      'NEAR(relatorio estrategia, 2)',
      'relatorio AND NOT estrategia',
      '{id body}: x*',
      "'); DROP TABLE t; --",
      'a OR b AND c NOT d ^e -f +g',
    ];
    for (const input of hostile) {
      const match = ftsMatchQuery(input, ['pt', 'en']);
      if (match !== null) expect(() => search.all(match), input).not.toThrow();
    }
    // Operators arrive as plain quoted words, not as operators.
    expect(ftsMatchQuery('relatorio NOT estrategia', ['en'])).toBe('"relatorio" OR "estrategia"');
  });

  it('uses plain folded tokens when the library language is unknown', () => {
    expect(ftsMatchQuery('Relatórios 2024', [])).toBe('"relatorios" OR "2024"');
  });
});
