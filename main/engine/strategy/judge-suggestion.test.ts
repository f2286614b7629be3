import { describe, expect, it } from 'vitest';
import type { Suggestion } from '../../../preload/strategy-contract';
import { judgeSuggestion } from './judge-suggestion';
import type { SuggestionLibrary } from './suggest';

const pages = [
  { pageNo: 1, label: 'i', text: 'Sumário. Introdução ao mapa estratégico.' },
  { pageNo: 2, label: '1', text: 'Objetivos financeiros: aumentar a receita por cliente nos segmentos-alvo.' },
];
const lib: SuggestionLibrary = { search: async () => [], pages: (_id, from, to) => pages.filter((p) => p.pageNo >= from && p.pageNo <= to) };
const suggestion = (title: string, excerpt: string, page: number, label: string): Suggestion => ({
  kind: 'objective', perspective: 'financial', objectiveId: null, title, formula: '', supported: true, baseline: null, targets: [], initiative: null,
  citations: [{ documentId: 'd', filename: 'guia.pdf', chunkId: 1, excerpt, pageLabels: [label], pageStart: page, pageEnd: page }],
});

describe('judgeSuggestion', () => {
  it('confirms a title its excerpt says, on the page the citation names', () => {
    expect(judgeSuggestion(suggestion('Aumentar a receita por cliente', 'aumentar a receita por cliente nos segmentos-alvo.', 2, '1'), lib, 'pt').supported).toBe(true);
  });
  it('refuses the right excerpt cited to the wrong page', () => {
    const v = judgeSuggestion(suggestion('Aumentar a receita por cliente', 'aumentar a receita por cliente nos segmentos-alvo.', 1, 'i'), lib, 'pt');
    expect(v.supported).toBe(false);
    expect(v.reason).toMatch(/página/);
  });
  it('refuses a title its excerpt does not say', () => {
    expect(judgeSuggestion(suggestion('Expandir para mercados asiáticos com aquisições', 'aumentar a receita por cliente nos segmentos-alvo.', 2, '1'), lib, 'pt').supported).toBe(false);
  });
});
