import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FormattedText } from './FormattedText';

const section = [
  '## Tabela de indicadores',
  '',
  'A perspectiva **financeira** mede o *retorno*. As sobras por cooperado crescem.',
  '',
  '| Perspectiva | Indicador |',
  '|---|---|',
  '| Financeira | Margem EBITDA (%) |',
  '',
  '---',
  '',
  '<script>alert(1)</script> Fim.',
].join('\n');

describe('FormattedText', () => {
  it('renders Markdown formatted — headings, emphasis, tables — never as raw ## or ** or pipes, and drops raw HTML', () => {
    const html = renderToStaticMarkup(<FormattedText text={section} />);
    expect(html).toContain('<h2>Tabela de indicadores</h2>');
    expect(html).toContain('<strong>financeira</strong>');
    expect(html).toMatch(/<table>[\s\S]*<td>Margem EBITDA \(%\)<\/td>/);
    expect(html).toContain('<hr/>');
    expect(html).not.toMatch(/##|\*\*|\|---|<script/);
  });

  it('marks the cited excerpt across formatting, and only that sentence', () => {
    const html = renderToStaticMarkup(<FormattedText text={section} excerpt="A perspectiva financeira mede o retorno." />);
    const marks = html.match(/<mark[^>]*>[^<]*<\/mark>/g) ?? [];
    expect(marks.map((m) => m.replace(/<[^>]+>/g, ''))).toEqual(['A perspectiva ', 'financeira', ' mede o ', 'retorno']);
    expect(html).toContain('class="excerpt-hit" data-testid="excerpt-mark"');
    expect(html).toContain('. As sobras por cooperado crescem.');
  });

  it('marks a table row cited as flattened text', () => {
    const html = renderToStaticMarkup(<FormattedText text={section} excerpt="Financeira Margem EBITDA (%)" />);
    expect(html).toMatch(/<td><mark[^>]*>Financeira<\/mark><\/td><td><mark[^>]*>Margem EBITDA<\/mark> \(%\)<\/td>/);
  });

  it('marks search words when there is no excerpt', () => {
    const html = renderToStaticMarkup(<FormattedText text={section} query="margem" />);
    expect(html).toContain('<mark>Margem</mark>');
  });
});
