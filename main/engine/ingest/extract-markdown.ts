// Markdown (and DOCX, which we turn into Markdown): headings give every passage its heading path,
// and each top-level section becomes one "page", labelled with its heading, so a citation reads
// "Perspectiva financeira" instead of a meaningless part number.
import { normalizeText } from './normalize';
import { plainTextToPages } from './extract-text';
import type { ExtractedPage, SectionStart } from './types';

interface Heading {
  line: number;
  /** Lines the heading occupies (2 for a setext heading with its underline). */
  span: number;
  level: number;
  title: string;
}

/** Heading text without Markdown decoration: emphasis, code ticks, links. */
function plainHeading(text: string): string {
  return text
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC');
}

export function findHeadings(lines: string[]): Heading[] {
  const headings: Heading[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1] ?? '';
      if (fence === null) fence = marker[0] ?? null;
      else if (marker[0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const atx = /^\s{0,3}(#{1,6})[ \t]+(.+)$/.exec(line);
    if (atx) {
      const title = plainHeading(atx[2] ?? '');
      if (title) headings.push({ line: i, span: 1, level: (atx[1] ?? '#').length, title });
      continue;
    }
    // Setext: a paragraph line underlined with === or ---.
    const next = lines[i + 1] ?? '';
    const underline = /^\s{0,3}(=+|-+)\s*$/.exec(next);
    if (underline && line.trim() && !/^\s*([-*+>|]|\d+[.)])\s/.test(line) && (i === 0 || !(lines[i - 1] ?? '').trim())) {
      const title = plainHeading(line);
      if (title) headings.push({ line: i, span: 2, level: (underline[1] ?? '=')[0] === '=' ? 1 : 2, title });
      i++;
    }
  }
  return headings;
}

export interface MarkdownPages {
  pages: ExtractedPage[];
  title: string | null;
}

/**
 * One page per top-level section (the shallowest heading level used), text before the first
 * heading as a page of its own; sub-headings become `sections` with their full heading path.
 * Without headings the file is paged like plain text.
 */
export function markdownToPages(markdown: string): MarkdownPages {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const headings = findHeadings(lines);
  if (headings.length === 0) return { pages: plainTextToPages(markdown), title: null };

  const topLevel = Math.min(...headings.map((h) => h.level));
  const title = (headings.find((h) => h.level === 1) ?? headings[0])?.title ?? null;
  const pages: ExtractedPage[] = [];
  const stack: Heading[] = [];

  const firstLine = headings[0]?.line ?? 0;
  const preamble = normalizeText(lines.slice(0, firstLine).join('\n'));
  if (preamble) pages.push({ pageNo: 1, label: '1', text: preamble, headingPath: [] });

  let page: { label: string; parts: string[]; length: number; sections: SectionStart[] } | null = null;
  const closePage = (): void => {
    if (!page) return;
    const first = page.sections[0];
    pages.push({
      pageNo: pages.length + 1,
      label: page.label,
      text: page.parts.join('\n\n'),
      headingPath: first?.headingPath ?? [],
      sections: page.sections.slice(1),
    });
    page = null;
  };

  headings.forEach((h, i) => {
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= h.level) stack.pop();
    stack.push(h);
    // A deeper heading before the first top-level one still opens a page, so no text is lost.
    if (h.level === topLevel || !page) {
      closePage();
      page = { label: h.title, parts: [], length: 0, sections: [] };
    }
    const end = headings[i + 1]?.line ?? lines.length;
    const text = normalizeText(lines.slice(h.line, end).join('\n'));
    const current = page as { label: string; parts: string[]; length: number; sections: SectionStart[] } | null;
    if (!current || !text) return;
    const offset = current.parts.length === 0 ? 0 : current.length + 2;
    current.sections.push({ offset, headingPath: stack.map((s) => s.title) });
    current.parts.push(text);
    current.length = offset + text.length;
  });
  closePage();
  return { pages, title };
}
