import { describe, expect, it } from 'vitest';
import { chunkPages } from './chunk';
import { extractDocument } from './extract';
import { findHeadings, markdownToPages } from './extract-markdown';

const plan = `Notas de abertura sem título.

# Plano Estratégico 2025

Introdução ao plano.

## Perspectiva Financeira

Aumentar a receita em 10%.

### Margem

Reduzir custos.

\`\`\`
# isto é código, não um título
\`\`\`

## Perspectiva de Clientes

| Indicador | Meta |
| --- | --- |
| NPS | 70 |

Satisfação
==========

Pesquisa anual.
`;

describe('findHeadings', () => {
  it('finds ATX and setext headings and ignores "#" inside code fences', () => {
    const lines = plan.split('\n');
    expect(findHeadings(lines).map((h) => [h.level, h.title])).toEqual([
      [1, 'Plano Estratégico 2025'],
      [2, 'Perspectiva Financeira'],
      [3, 'Margem'],
      [2, 'Perspectiva de Clientes'],
      [1, 'Satisfação'],
    ]);
  });

  it('strips emphasis, links and closing hashes from titles', () => {
    expect(findHeadings(['## **Mapa** [estratégico](http://x) ##']).map((h) => h.title)).toEqual(['Mapa estratégico']);
  });
});

describe('markdownToPages', () => {
  const { pages, title } = markdownToPages(plan);

  it('makes one page per top-level section, labelled with its heading, plus a preamble page', () => {
    expect(title).toBe('Plano Estratégico 2025');
    expect(pages.map((p) => [p.pageNo, p.label])).toEqual([
      [1, '1'],
      [2, 'Plano Estratégico 2025'],
      [3, 'Satisfação'],
    ]);
    expect(pages[0]?.text).toBe('Notas de abertura sem título.');
  });

  it('records where each sub-section starts, with its full heading path', () => {
    const p = pages[1];
    expect(p?.headingPath).toEqual(['Plano Estratégico 2025']);
    for (const s of p?.sections ?? []) {
      const title = s.headingPath[s.headingPath.length - 1] ?? '';
      expect(p?.text.slice(s.offset)).toMatch(new RegExp(`^#+ ${title}`));
    }
    expect(p?.sections?.map((s) => s.headingPath)).toEqual([
      ['Plano Estratégico 2025', 'Perspectiva Financeira'],
      ['Plano Estratégico 2025', 'Perspectiva Financeira', 'Margem'],
      ['Plano Estratégico 2025', 'Perspectiva de Clientes'],
    ]);
  });

  it('gives chunks the heading path of their section', () => {
    const chunks = chunkPages(pages, { chunkChars: 60, overlapChars: 0 });
    const of = (s: string) => chunks.find((c) => c.text.includes(s));
    expect(of('Reduzir custos')?.headingPath).toEqual(['Plano Estratégico 2025', 'Perspectiva Financeira', 'Margem']);
    expect(of('| NPS | 70 |')?.headingPath).toEqual(['Plano Estratégico 2025', 'Perspectiva de Clientes']);
    expect(of('| NPS | 70 |')?.text).toContain('| Indicador | Meta |\n| --- | --- |\n| NPS | 70 |');
    expect(of('Pesquisa anual')).toMatchObject({ headingPath: ['Satisfação'], pageStart: 3, pageEnd: 3 });
  });

  it('pages a file without headings like plain text', () => {
    const out = markdownToPages('Só um parágrafo.\n\nE outro.');
    expect(out.title).toBeNull();
    expect(out.pages).toEqual([{ pageNo: 1, label: '1', text: 'Só um parágrafo.\n\nE outro.', headingPath: [] }]);
  });
});

describe('extractDocument on Markdown', () => {
  it('detects .md and .markdown and returns text/markdown', async () => {
    const bytes = new TextEncoder().encode(plan);
    for (const name of ['plano.md', 'plano.MARKDOWN']) {
      const doc = await extractDocument(bytes, name);
      expect(doc).toMatchObject({ kind: 'markdown', mime: 'text/markdown', pageCount: 3, title: 'Plano Estratégico 2025', warnings: [] });
    }
  });
});
