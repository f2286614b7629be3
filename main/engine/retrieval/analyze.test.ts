import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { analyzeForIndex, detectLanguage, detectQueryLanguage, foldDiacritics, ftsMatchQuery, queryLanguagesOf, stemToken, tokenize } from './analyze';
import { analyzeQuery } from './retrieve';
import { detectChunkLanguage, detectDocumentLanguage } from '../ingest/language';

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

describe('Spanish, French and unknown languages', () => {
  it('stems Spanish and French with their own stemmers and stop words, accents or not', () => {
    expect(analyzeForIndex('Las estrategias de la empresa', 'es')).toBe(analyzeForIndex('estrategia empresas', 'es'));
    expect(analyzeForIndex('la satisfacción del cliente', 'es')).toBe(analyzeForIndex('satisfaccion clientes', 'es'));
    expect(analyzeForIndex('Les stratégies des entreprises', 'fr')).toBe(analyzeForIndex('strategie entreprise', 'fr'));
    expect(analyzeForIndex('Les stratégies des entreprises', 'fr')).toMatch(/^[a-z0-9 ]+$/);
  });

  it('tells Spanish and French questions apart from Portuguese and English ones', () => {
    expect(detectQueryLanguage('¿Cuáles son los indicadores de la perspectiva financiera?')).toBe('es');
    expect(detectQueryLanguage('Quels sont les indicateurs de la perspective client ?')).toBe('fr');
    // Portuguese and English questions are judged as before.
    expect(detectQueryLanguage('Quais indicadores usar na perspectiva financeira?')).toBe('pt');
    expect(detectQueryLanguage('indicadores financeiros')).toBe(detectLanguage('indicadores financeiros'));
    expect(detectQueryLanguage('What is a strategy map?')).toBe('en');
    expect(detectQueryLanguage('BSC')).toBe('other');
  });

  it('maps stored document languages to the ways a query is analysed', () => {
    expect(queryLanguagesOf(['pt', 'es', 'und', 'pt', null])).toEqual(['pt', 'es', 'other']);
    expect(queryLanguagesOf([])).toEqual([]);
  });

  describe('index and query terms meet (FTS5)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')`);
    const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
    const docs: Record<string, string> = {
      pt: 'O relatório mostra as estratégias de retenção de clientes e a satisfação dos funcionários com a empresa.',
      es: 'El informe muestra las estrategias de retención de clientes y la satisfacción de los empleados con la empresa.',
      fr: "Le rapport présente les stratégies de fidélisation des clients et la satisfaction des salariés de l'entreprise.",
      de: 'Der Bericht zeigt die Strategien zur Kundenbindung und die Zufriedenheit der Mitarbeiter mit dem Unternehmen.',
    };
    for (const [id, text] of Object.entries(docs)) {
      const lang = detectChunkLanguage(text, detectDocumentLanguage([text]));
      insert.run(id, analyzeForIndex(text, lang === 'und' ? 'other' : lang));
    }
    const library = queryLanguagesOf(['pt', 'es', 'fr', 'und']);
    const search = (q: string) => {
      const terms = analyzeQuery(q, library);
      const match = terms.map((t) => `"${t}"`).join(' OR ');
      return (db.prepare('SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t)').all(match) as Array<{ id: string }>).map((r) => r.id);
    };

    it('a Spanish question finds the Spanish passage by its stems', () => {
      expect(library).toEqual(['pt', 'es', 'fr', 'other']);
      expect(search('¿Cuáles son los empleados satisfechos?')).toContain('es');
      expect(search('¿Cuáles son las estrategias del informe?')[0]).toBe('es');
    });

    it('a French question finds the French passage', () => {
      expect(search('Quels sont les salariés et leur satisfaction ?')[0]).toBe('fr');
    });

    it('a passage of unknown language is still found by its exact words', () => {
      expect(search('Kundenbindung Zufriedenheit')).toEqual(['de']);
    });
  });
});
