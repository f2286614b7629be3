import { describe, expect, it } from 'vitest';
import type { AnswerSource } from '../../../preload/contract';
import { defaultSettings } from '../../../preload/contract';
import { answerCacheKey, normaliseQuestion } from './answer-cache';
import { citationsIn, claimsOf, restrictCitations, splitSentences } from './citations';
import { condenseLexically, isFollowUp } from './condense';
import { composeExtractiveAnswer } from './extractive';
import { judgeLexically, markUnverified } from './judge-lexical';
import { extractJson, parseJudgeReply, parseRouterReply } from './prompts';
import { sectionsFromMarkdown } from './sections';
import { sourceLabel } from './sources';

const source = (n: number, quote: string, perspective: AnswerSource['perspective'] = 'financial'): AnswerSource => ({
  n, chunkId: 100 + n, documentId: 'd', filename: 'f.md', title: 'Guia BSC', pageStart: 3, pageEnd: 3, pageLabel: 'iii', quote, score: 1, store: 'embedded', perspective,
});

describe('citations and sentences', () => {
  it('reads [n], [n, m] and [n][m] citations once each', () => {
    expect(citationsIn('A margem cresce [2, 3] e o ROI [3][5].')).toEqual([2, 3, 5]);
  });
  it('removes citations to passages a specialist may not cite', () => {
    expect(restrictCitations('Receita sobe [1, 7]. Custos caem [7].', new Set([1]))).toBe('Receita sobe [1]. Custos caem.');
  });
  it('splits sentences, keeps a trailing citation with its sentence and skips headings', () => {
    expect(splitSentences('## Perspectiva\n\nA margem cresce. [2] O ROI melhora [3].\n- Item um')).toEqual(['A margem cresce. [2]', 'O ROI melhora [3].', 'Item um']);
    expect(claimsOf('## X\n\nOk.\nA margem operacional cresce [2].').map((c) => c.citations)).toEqual([[2]]);
  });
});

describe('condensing a follow-up without a model', () => {
  const history = [{ question: 'Quais indicadores usar na perspectiva financeira?', standaloneQuestion: null, answer: '…' }];
  it('appends the previous question\'s key terms, but not its perspective when the follow-up names its own', () => {
    expect(isFollowUp('E para clientes?')).toBe(true);
    const out = condenseLexically('E para clientes?', history);
    expect(out).toMatch(/^E para clientes\? \(.*indicadores.*\)$/);
    expect(out).not.toMatch(/financeira/);
  });
  it('leaves a standalone question alone', () => {
    const q = 'Como a satisfação dos funcionários influencia a retenção de clientes numa cooperativa agrícola?';
    expect(condenseLexically(q, history)).toBe(q);
    expect(condenseLexically('E para clientes?', [])).toBe('E para clientes?');
  });
});

describe('answer cache key', () => {
  const base = { question: 'O que é BSC?', corpusVersion: 3, settings: defaultSettings, history: [] };
  it('is the same for the same normalised question, library version and settings', () => {
    expect(normaliseQuestion('  O QUE é\tBSC?? ')).toBe('o que é bsc');
    expect(answerCacheKey({ ...base, question: 'o que   é bsc' })).toBe(answerCacheKey(base));
    // NFD and NFC spellings of "é" meet
    expect(answerCacheKey({ ...base, question: 'O que e\u0301 BSC?' })).toBe(answerCacheKey(base));
  });
  it('changes with the library version, the settings and the history', () => {
    const k = answerCacheKey(base);
    expect(answerCacheKey({ ...base, corpusVersion: 4 })).not.toBe(k);
    expect(answerCacheKey({ ...base, settings: { ...defaultSettings, chat: { ...defaultSettings.chat, provider: 'anthropic' } } })).not.toBe(k);
    expect(answerCacheKey({ ...base, settings: { ...defaultSettings, retrieval: { ...defaultSettings.retrieval, k: 5 } } })).not.toBe(k);
    expect(answerCacheKey({ ...base, history: [{ question: 'Antes', standaloneQuestion: null, answer: 'x' }] })).not.toBe(k);
  });
});

describe('extractive answer and lexical judge', () => {
  const q = 'Como medir a margem EBITDA?';
  const quote1 = '# Indicadores financeiros\n\nA margem EBITDA mede o resultado operacional antes de juros, impostos, depreciação e amortização. É calculada dividindo o EBITDA pela receita líquida.';
  const excerpt1 = 'A margem EBITDA mede o resultado operacional antes de juros, impostos, depreciação e amortização.';
  const sources = [
    { ...source(1, quote1), excerpt: excerpt1, excerptStart: quote1.indexOf(excerpt1), excerptEnd: quote1.indexOf(excerpt1) + excerpt1.length, pageLabels: ['iii'] },
    source(2, 'O NPS mede a lealdade dos clientes.', 'customer'),
  ];
  it('leads with the best quote, groups the rest by the perspective they are about, and says why it is extractive', () => {
    const quotes = [
      { source: sources[0]!, text: excerpt1, kind: 'sentence' as const, heading: 'Indicadores financeiros' },
      { source: sources[1]!, text: 'O NPS mede a lealdade dos clientes.', kind: 'sentence' as const, heading: '' },
    ];
    const a = composeExtractiveAnswer({ quotes, lang: 'pt', modelFailure: null });
    expect(a.text.startsWith('_Resposta extrativa (nenhum modelo de linguagem configurado)')).toBe(true);
    expect(a.text.indexOf('> A margem EBITDA mede')).toBeLessThan(a.text.indexOf('## Perspectiva dos Clientes'));
    expect(a.text).toContain('— Guia BSC, p. iii [1]');
    expect(a.sections.map((s) => s.perspective)).toEqual(['financial', 'customer']);
    const failed = composeExtractiveAnswer({ quotes, lang: 'en', modelFailure: 'connection refused' });
    expect(failed.text.startsWith('_The model did not answer (connection refused) — extractive answer instead')).toBe(true);
    const report = judgeLexically({ question: q, claims: a.claims, sources, perspectives: ['financial'], threshold: 0.7, lang: 'pt' });
    expect(report.method).toBe('lexical');
    expect(report.claims[0]).toMatchObject({ supported: true, relevant: true });
    // The NPS quote is copied verbatim, but it does not answer a question about the EBITDA margin.
    expect(report.claims[1]).toMatchObject({ supported: false, relevant: false });
  });
  it('finds a claim unsupported when its words are not in the cited excerpt, a missing passage, and a page it names wrongly', () => {
    const report = judgeLexically({
      question: q,
      claims: [
        { sentence: 'A margem EBITDA mede o resultado operacional antes de juros e impostos.', citations: [1] },
        { sentence: 'A margem EBITDA divide o EBITDA pela receita líquida.', citations: [1] },
        { sentence: 'Algo citado que não existe aqui sobre a margem.', citations: [9] },
        { sentence: 'A margem EBITDA mede o resultado operacional (p. 9).', citations: [1] },
      ],
      sources, perspectives: ['financial'], threshold: 0.7, lang: 'pt',
    });
    // The second claim is in the passage but not in the excerpt shown: not supported by what is cited.
    expect(report.claims.map((c) => c.supported)).toEqual([true, false, false, false]);
    expect(report.claims[3]).toMatchObject({ pageCorrect: false });
    expect(report.verdict).toBe('fail');
  });
  it('marks unverified claims in place, or lists them', () => {
    const text = 'Primeira frase [1]. Segunda frase [2].';
    const out = markUnverified(text, [
      { sentence: 'Segunda frase [2].', citations: [2], supported: false, reason: '' },
      { sentence: 'Frase reescrita', citations: [1], supported: false, reason: '' },
      { sentence: 'Primeira frase [1].', citations: [1], supported: true, reason: '' },
    ], 'pt');
    expect(out).toContain('Segunda frase [2]. (não verificado)');
    expect(out).toContain('- Frase reescrita');
    expect(out).not.toContain('Primeira frase [1]. (não');
  });
  it('labels a source by the printed labels of its excerpt\'s pages, never mixing a label with a physical number', () => {
    expect(sourceLabel({ ...source(1, 'x'), pageLabels: ['iii'] })).toBe('Guia BSC, p. iii');
    expect(sourceLabel({ ...source(1, 'x'), pageLabel: 'iv', pageStart: 4, pageEnd: 5, pageLabels: ['iv', '1'] })).toBe('Guia BSC, pp. iv–1');
    expect(sourceLabel({ ...source(1, 'x'), pageLabel: '7', pageStart: 11, pageEnd: 11, pageLabels: ['7'] })).toBe('Guia BSC, p. 7');
    // An answer stored before excerpts: the last page's printed label is unknown, so no physical number is printed.
    expect(sourceLabel({ ...source(1, 'x'), pageLabel: 'iii', pageStart: 3, pageEnd: 4 })).toBe('Guia BSC, p. iii ff.');
    expect(sourceLabel({ ...source(1, 'x'), pageLabel: 'Perspectiva financeira' })).toBe('Guia BSC, § Perspectiva financeira');
  });
});

describe('model replies', () => {
  it('reads router and judge JSON even inside prose or fences, and rejects nonsense', () => {
    expect(extractJson('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(parseRouterReply('{"perspectives":["financial","bogus","Customer"],"reason":"r","needsClarification":false}')?.perspectives).toEqual(['financial', 'customer']);
    expect(parseRouterReply('{"perspectives":[],"needsClarification":false}')).toBeNull();
    expect(parseRouterReply('no json here')).toBeNull();
    const j = parseJudgeReply('{"completeness":1.4,"grounding":"0.5","citationQuality":0.9,"verdict":"PASS","feedback":"ok","claims":[]}');
    expect(j).toMatchObject({ completeness: 1, grounding: 0.5, verdict: 'pass' });
  });
  it('cuts a generated answer into perspective sections by heading', () => {
    const s = sectionsFromMarkdown('Intro.\n\n## Perspectiva dos Clientes\nNPS [1].\n\n## Learning and Growth perspective\nTraining [2].');
    expect(s.map((x) => [x.perspective, x.text])).toEqual([['customer', 'NPS [1].'], ['learning', 'Training [2].']]);
  });
});
