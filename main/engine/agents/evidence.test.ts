import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract';
import { noReranker } from '../retrieval/rerank';
import { startRun } from './answer-run';
import { checkCoverage, composeFromEvidence, retrievePassages, routeQuestion, type PipelineDeps } from './pipeline';
import { coverageGate } from './abstain';
import { isListQuestion, itemListsOf, poolTermStats, questionTerms, selectEvidence } from './evidence';
import { excerptOnPages, pageSpansInChunk, pagesOfExcerpt, type PageText } from './page-map';
import { isTocLine, passageUnits, sentenceSpans } from './passage-units';
import { routeToPerspectives } from './route-lexical';
import type { Passage } from './sources';

const passage = (chunkId: number, text: string, extra: Partial<Passage> = {}): Passage => ({
  chunkId, documentId: `d${chunkId}`, score: 1, text, pageStart: 1, pageEnd: 1, headingPath: [], pageLabel: '1', filename: `f${chunkId}.md`, title: null, snippet: '',
  ocr: false, role: 'body', store: 'embedded', ...extra,
});

describe('page of an excerpt inside a chunk that spans pages', () => {
  // Page texts as stored; the chunker joins the last sentence of one page and the first of the next.
  const pages: PageText[] = [
    { pageNo: 3, label: 'iii', text: 'Apresentação\n\nO mapa estratégico cabe em uma página. Ele mostra as\nquatro perspectivas.' },
    { pageNo: 4, label: '1', text: 'A primeira perspectiva é a financeira, que diz se a estratégia\nmelhora o resultado.\n\nA segunda é a dos clientes.' },
    { pageNo: 5, label: '2', text: 'A terceira trata dos processos internos.' },
  ];
  const chunk = 'O mapa estratégico cabe em uma página. Ele mostra as\nquatro perspectivas.\n\nA primeira perspectiva é a financeira, que diz se a estratégia\nmelhora o resultado.\n\nA segunda é a dos clientes.\n\nA terceira trata dos processos internos.';
  const spans = pageSpansInChunk(chunk, pages);

  it('finds where each page starts in the chunk text', () => {
    expect(spans.map((s) => [s.label, chunk.slice(s.start, s.start + 12)])).toEqual([['iii', 'O mapa estra'], ['1', 'A primeira p'], ['2', 'A terceira t']]);
  });
  it('gives the printed label of the page holding the excerpt, both labels across a break, never a physical number', () => {
    const at = (text: string) => {
      const start = chunk.indexOf(text);
      return pagesOfExcerpt(chunk, spans, start, start + text.length);
    };
    expect(at('A segunda é a dos clientes.')).toMatchObject({ pageStart: 4, pageEnd: 4, pageLabels: ['1'] });
    expect(at('Ele mostra as\nquatro perspectivas.\n\nA primeira perspectiva')).toMatchObject({ pageStart: 3, pageEnd: 4, pageLabels: ['iii', '1'] });
    expect(at('O mapa estratégico cabe')).toMatchObject({ pageLabels: ['iii'] });
  });
  it('checks a citation against the stored pages: the right page passes, the next page fails', () => {
    const read = (_d: string, from: number, to: number) => pages.filter((p) => p.pageNo >= from && p.pageNo <= to);
    const cite = { documentId: 'd', excerpt: 'A segunda é a dos clientes.', pageStart: 4, pageEnd: 4, pageLabels: ['1'] };
    expect(excerptOnPages(read, cite)).toBe(true);
    expect(excerptOnPages(read, { ...cite, pageStart: 5, pageEnd: 5, pageLabels: ['2'] })).toBe(false);
    expect(excerptOnPages(read, { ...cite, pageLabels: ['4'] })).toBe(false);
  });
});

describe('quotable units of a passage', () => {
  it('keeps initials and abbreviations inside a sentence', () => {
    const text = 'Segundo Robert S. Kaplan e Daniel V. Norton (p. 12), a estratégia é uma hipótese. Ela deve ser testada.';
    expect(sentenceSpans(text).map(([a, b]) => text.slice(a, b))).toEqual(['Segundo Robert S. Kaplan e Daniel V. Norton (p. 12), a estratégia é uma hipótese.', 'Ela deve ser testada.']);
  });
  it('keeps a table whole, and never quotes a table of contents, a heading or a rule', () => {
    const text = '## Indicadores\n\n| Indicador | Fórmula |\n| --- | --- |\n| ROI | lucro ÷ investimento |\n\n--- --- ---\n\nSumário\nIntrodução ........ 3\nMapa estratégico   17\n\nO ROI mede o retorno.';
    const units = passageUnits(text);
    expect(units.map((u) => u.kind)).toEqual(['heading', 'table', 'rule', 'toc', 'sentence']);
    expect(text.slice(units[1]!.start, units[1]!.end).split('\n')).toHaveLength(3);
    expect(isTocLine('Perspectiva financeira .......... 12')).toBe(true);
    expect(isTocLine('Balanced scorecard, 12, 45-47')).toBe(true);
    expect(isTocLine('A margem cresce 12% ao ano.')).toBe(false);
  });
  it('reads a PDF title line as a heading, and a wrapped line as part of its sentence', () => {
    const text = 'Sobre este guia\nEste guia explica como construir e usar um mapa estratégico no Balanced\nScorecard: a arquitetura das perspectivas.';
    const units = passageUnits(text);
    expect(units.map((u) => u.kind)).toEqual(['heading', 'sentence']);
    expect(units[1]!.heading).toBe('Sobre este guia');
  });
});

describe('evidence selection', () => {
  it('leads with the sentence that answers, drops a near-duplicate from an overlapping chunk, and keeps offsets verbatim', () => {
    const a = passage(1, '# Mapa\n\nO BSC tem quatro perspectivas. O mapa estratégico é a representação da estratégia em uma página.');
    const b = passage(2, 'O mapa estratégico é a representação da estratégia em uma página. As setas indicam causa e efeito.', { documentId: 'd1' });
    const c = passage(3, 'Indicadores financeiros incluem ROI e margem EBITDA.');
    const { excerpts } = selectEvidence({ question: 'O que é um mapa estratégico?', passages: [c, a, b], stats: poolTermStats([a.text, b.text, c.text]), lang: 'pt', max: 4 });
    expect(excerpts[0]!.text).toBe('O mapa estratégico é a representação da estratégia em uma página.');
    expect(excerpts.filter((e) => e.text.startsWith('O mapa estratégico é a representação'))).toHaveLength(1);
    for (const e of excerpts) expect(e.passage.text.slice(e.start, e.end).replace(/\s+/g, ' ')).toContain(e.text.slice(0, 20));
  });
  it('answers a list question with the list of its section', () => {
    expect(isListQuestion('Quais indicadores usar na perspectiva financeira?')).toBe(true);
    expect(isListQuestion('Which measures suit the customer perspective?')).toBe(true);
    expect(isListQuestion('O que é um mapa estratégico?')).toBe(false);
    const text = '## Indicadores e fórmulas\n\n**Retorno sobre o investimento (ROI)**\n\nROI = ganho ÷ custo.\n\n**Margem EBITDA**\n\nMargem = EBITDA ÷ receita.\n\n**Giro do ativo**\n\nGiro = receita ÷ ativo.';
    const p = passage(1, text, { title: 'Perspectiva Financeira' });
    expect(itemListsOf(text, passageUnits(text)).map((l) => l.items)).toEqual([['Retorno sobre o investimento (ROI)', 'Margem EBITDA', 'Giro do ativo']]);
    const other = passage(2, '## Armadilhas\n\n- Tratar a perspectiva financeira como o scorecard inteiro, com indicadores decorativos.\n- Repetir linhas.\n- Cortar investimentos.', { title: 'Perspectiva Financeira' });
    const { excerpts } = selectEvidence({ question: 'Quais indicadores usar na perspectiva financeira?', passages: [other, p], stats: poolTermStats([text, other.text, 'clientes', 'processos']), lang: 'pt', max: 3 });
    expect(excerpts[0]!.text).toBe('- Retorno sobre o investimento (ROI)\n- Margem EBITDA\n- Giro do ativo');
  });
});

describe('the abstention gate', () => {
  const lib = [
    passage(1, 'O capital humano reúne as competências das pessoas. O capital da informação reúne sistemas.'),
    passage(2, 'A perspectiva financeira mede receita, margem e retorno sobre o capital investido.'),
    passage(3, 'A perspectiva dos clientes mede satisfação e retenção.'),
  ];
  const stats = poolTermStats(lib.map((p) => p.text));
  it('abstains when a word the library never uses carries the question, in either language', () => {
    expect(coverageGate(questionTerms('What is the capital of France?', stats), lib)).toMatchObject({ covered: false, missingTerms: ['france'] });
    expect(coverageGate(questionTerms('Qual é a capital da França?', stats), lib).covered).toBe(false);
  });
  it('answers when one passage covers the question, whatever generic verb it uses', () => {
    expect(coverageGate(questionTerms('Como montar indicadores de retenção e satisfação dos clientes?', stats), lib).covered).toBe(true);
    expect(coverageGate(questionTerms('O que mede a perspectiva financeira?', stats), lib)).toMatchObject({ covered: true, score: 1 });
  });
});

describe('router: the BSC as a whole goes to all four', () => {
  it.each([
    'What is the Execution Premium?',
    'Qual é o papel do Escritório de Gestão da Estratégia?',
    'How do you cascade the scorecard down to departments and teams?',
    'Como adaptar o Balanced Scorecard ao setor público?',
    'O que é um mapa estratégico?',
    'Como comunicar a estratégia a todos os colaboradores usando o BSC?',
  ])('%s', (q) => {
    const r = routeToPerspectives(q);
    expect(r.perspectives).toEqual(['financial', 'customer', 'process', 'learning']);
    expect(r.scope).toBe('whole');
  });
  it('still routes a question about one perspective to it alone', () => {
    expect(routeToPerspectives('Como medir o giro do ativo e o retorno sobre o capital empregado?').perspectives).toEqual(['financial']);
    expect(routeToPerspectives('Quais métricas de satisfação e retenção de clientes usar na perspectiva do cliente?').perspectives).toEqual(['customer']);
  });
});

describe('pipeline stages, each on its own', () => {
  const passages = [
    passage(1, '# Perspectiva financeira\n\nA perspectiva financeira mede se a estratégia melhora o resultado. Indicadores típicos: ROI e margem EBITDA.', { title: 'Guia' }),
    passage(2, 'A perspectiva dos clientes mede satisfação, retenção e participação de mercado.', { title: 'Guia' }),
  ];
  const deps = (): PipelineDeps => ({
    settings: defaultSettings,
    models: null,
    notes: [],
    search: async () => ({ hits: passages, mode: 'bm25', notes: [] }),
    reranker: noReranker,
  });
  const runFor = (question: string) => startRun(deps(), { conversationId: 'c', answerId: 'a', question, history: [] }, { signal: new AbortController().signal, emit: () => {} });

  it('retrieve → abstain → compose run alone with a fake search, and the gate says no for the off-topic question', async () => {
    const run = runFor('O que mede a perspectiva financeira?');
    const retrieved = await retrievePassages(run, run.req.question, ['financial']);
    expect(retrieved.ranked.map((p) => p.chunkId)).toEqual([1, 2]);
    expect(checkCoverage(run, run.req.question, retrieved).covered).toBe(true);
    const quotes = composeFromEvidence(run, run.req.question, retrieved, ['financial']);
    expect(quotes[0]!.source).toMatchObject({ n: 1, chunkId: 1, perspective: 'financial' });
    expect(run.answer.text).toContain('> A perspectiva financeira mede se a estratégia melhora o resultado.');
    const offTopic = runFor('Qual é a receita de feijoada?');
    expect(checkCoverage(offTopic, offTopic.req.question, await retrievePassages(offTopic, offTopic.req.question, [])).covered).toBe(false);
  });
  it('the route stage uses the lexical router without a model and says why', async () => {
    const r = await routeQuestion(runFor('Qual é o papel do Escritório de Gestão da Estratégia?'), 'Qual é o papel do Escritório de Gestão da Estratégia?');
    expect(r).toMatchObject({ method: 'lexical', scope: 'whole', perspectives: ['financial', 'customer', 'process', 'learning'] });
  });
});
