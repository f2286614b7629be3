import { describe, expect, it } from 'vitest';
import { matchExcerpt } from './excerpt-match';

const slice = (pieces: string[], m: ReturnType<typeof matchExcerpt>) => (m?.ranges ?? []).map((r) => (pieces[r.piece] as string).slice(r.start, r.end));

describe('matchExcerpt', () => {
  it('finds an excerpt spread over text-layer items, across a hyphenated line break', () => {
    const items = ['O mapa estraté-', 'gico descreve a estratégia', ' em relações de causa e efeito.', ' Outra frase.'];
    const m = matchExcerpt(items, 'O mapa estratégico descreve a estratégia em relações de causa e efeito.');
    expect(m?.whole).toBe(true);
    expect(slice(items, m)).toEqual(['O mapa estraté-', 'gico descreve a estratégia', ' em relações de causa e efeito']);
    expect(m?.ranges.map((r) => r.piece)).toEqual([0, 1, 2]);
  });

  it('marks exactly the cited sentence, not a neighbour sharing its words', () => {
    const items = ['Indicadores financeiros medem o retorno.', ' Indicadores de clientes medem a retenção.'];
    const m = matchExcerpt(items, 'Indicadores de clientes medem a retenção.');
    expect(m?.ranges).toEqual([{ piece: 1, start: 1, end: 41 }]);
  });

  it('folds ligatures, case and spacing', () => {
    const items = ['The ﬁnancial PERSPECTIVE', 'asks   how we look to shareholders'];
    expect(matchExcerpt(items, 'the financial perspective asks how we look to shareholders')?.whole).toBe(true);
  });

  it('marks the head of an excerpt that continues on the next page, and its tail there', () => {
    const page7 = ['Some text before. A passage that begins on this page and'];
    const page8 = ['continues on the following one, where it ends.', ' Then more.'];
    const excerpt = 'A passage that begins on this page and continues on the following one, where it ends.';
    const head = matchExcerpt(page7, excerpt);
    expect(head?.whole).toBe(false);
    expect(slice(page7, head)).toEqual(['A passage that begins on this page and']);
    expect(slice(page8, matchExcerpt(page8, excerpt))).toEqual(['continues on the following one, where it ends']);
  });

  it('says null when the excerpt is not on the page', () => {
    expect(matchExcerpt(['Nothing like it here at all.'], 'The balanced scorecard translates strategy into measures.')).toBeNull();
    expect(matchExcerpt(['text'], '  ')).toBeNull();
  });
});
