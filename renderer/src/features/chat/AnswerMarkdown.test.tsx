import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AnswerMarkdown } from './AnswerMarkdown';

const render = (text: string, known = new Set([1, 2, 3])) =>
  renderToStaticMarkup(<AnswerMarkdown text={text} known={known} citeLabel={(n) => `Fonte ${n}`} onCite={() => {}} />);

describe('AnswerMarkdown', () => {
  it('renders Markdown and turns citation markers into chips, in paragraphs, lists, headings and emphasis', () => {
    const html = render('## Financeira [1]\n\n- ROI e **margem [2]**\n- EVA [1, 3]\n\nTexto [9].');
    expect(html).toContain('<h2>Financeira <button type="button" class="cite-chip" data-testid="citation" data-n="1"');
    expect(html).toMatch(/<strong>margem <button[^>]*data-n="2"/);
    expect(html.match(/data-testid="citation"/g)).toHaveLength(4);
    expect(html).toContain('aria-label="Fonte 3"');
    expect(html).toContain('Texto [9].'); // no such source: left as written
  });

  it('never lets raw HTML through: tags from the model or a document are dropped, not parsed', () => {
    const html = render('Olá <img src=x onerror="alert(1)"> <script>alert(2)</script> <b>negrito</b> [1]\n\n<div onclick="x()">bloco</div>');
    expect(html).not.toMatch(/<img|<script|<b>|<div onclick|onerror|onclick/);
    expect(html).toContain('data-n="1"');
  });

  it('neutralises javascript: links and shows images as their alt text only', () => {
    const html = render('[clique](javascript:alert(1)) e ![logo remoto](https://example.com/x.png)');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<img');
    expect(html).toContain('<span class="md-img-alt">logo remoto</span>');
    expect(html).toContain('rel="noopener noreferrer"');
  });

  it('renders a quoted Markdown table as a table, not a line of pipes', () => {
    const html = render('> | Perspective | Measure |\n> |---|---|\n> | Customer | NPS |\n\n— guide, p. 2 [1]');
    expect(html).toContain('<table>');
    expect(html).toMatch(/<td>Customer<\/td>\s*<td>NPS<\/td>/);
    expect(html).not.toContain('|---|');
  });

  it('keeps bracketed numbers inside code as code', () => {
    const html = render('Use `lista[1]` e [2]');
    expect(html).toContain('<code>lista[1]</code>');
    expect(html.match(/data-testid="citation"/g)).toHaveLength(1);
  });
});
