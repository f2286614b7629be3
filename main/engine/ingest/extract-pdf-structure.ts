// Structure in PDF page text: tables rebuilt from positioned text (tab-separated cells) become
// Markdown pipe tables, bullets become Markdown list items, and pages that are a table of contents
// or a back-of-book index are recognised, so answers can leave them out of their evidence.

const tocHeading = /^(sumário|índice|indice|conteúdo|table of contents|contents)$/i;
const indexHeading = /^(índice remissivo|indice remissivo|índice analítico|index)$/i;
// "Introdução ........ 3", "2.1 Perspectiva financeira\t12", "Anexo A  ·  iv"
// The title holds no tab: a row of a table ("Indicador\t90%\t2025") is not an entry.
const tocEntry = /^[^\t\s][^\t]{1,120}?(?:\s*(?:\.\s?){3,}\s*|\s*[·•]\s*|\t|\s{2,}| )(\d{1,4}|[ivxlcdm]{1,7})$/iu;
// "Balanced Scorecard, 12, 45–47" or "mapa estratégico 33"
const indexEntry = /^[\p{L}"“][^\d\t]{0,80}?,?\s+\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*\.?$/u;

export type PageRole = 'toc' | 'index';

/** The placeholder extract-pdf puts in a skipped table cell (kept here to avoid an import cycle). */
const emptyCell = '\u2063';

/** 'toc' or 'index' when most of the page's lines are entries of one; null for ordinary pages. */
export function pageRole(text: string): PageRole | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length < 3) return null;
  const head = lines.slice(0, 3).some((l) => tocHeading.test(l)) ? 'toc' : lines.slice(0, 3).some((l) => indexHeading.test(l)) ? 'index' : null;
  const share = (re: RegExp): { n: number; share: number } => {
    const n = lines.filter((l) => re.test(l)).length;
    return { n, share: n / lines.length };
  };
  const toc = share(tocEntry);
  const index = share(indexEntry);
  if (head === 'toc' && toc.n >= 3 && toc.share >= 0.4) return 'toc';
  if (head === 'index' && index.n >= 3 && index.share >= 0.4) return 'index';
  // Without a heading, dot leaders (or one tab before the number) on most entries are the tell.
  const led = lines.filter((l) => tocEntry.test(l) && /\.{4,}|(?:\. ){3,}|\t/.test(l)).length;
  if (toc.n >= 5 && toc.share >= 0.6 && led >= Math.max(3, toc.n * 0.5)) return 'toc';
  if (index.n >= 10 && index.share >= 0.7) return 'index';
  return null;
}

const escapeCell = (cell: string): string => cell.replaceAll(emptyCell, '').trim().replace(/\|/g, '\\|');

/** Tab-separated rows as a Markdown pipe table; the first row is the header. */
function toMarkdownTable(rows: string[]): string {
  const cells = rows.map((r) => r.split('\t').map(escapeCell));
  const width = Math.max(...cells.map((c) => c.length));
  const line = (c: string[]): string => `| ${[...c, ...Array<string>(width - c.length).fill('')].join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

/** Runs of two or more tab-separated lines become Markdown tables; other lines are untouched. */
export function tabRunsToMarkdownTables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j < lines.length && (lines[j] ?? '').includes('\t')) j++;
    if (j - i >= 2) {
      out.push(toMarkdownTable(lines.slice(i, j)));
      i = j;
    } else {
      out.push(lines[i] ?? '');
      i++;
    }
  }
  return out.join('\n');
}

/** Bullet glyphs at a line start become Markdown list markers, so lists read as lists. */
export function bulletsToMarkdown(text: string): string {
  return text.replace(/^[•▪◦●■□➢►✓\uF0B7\uF0A7]\s*/gmu, '- ');
}

/** Structure for one page: its role, and its text with tables and lists in Markdown (not for TOC/index pages). */
export function structurePage(text: string): { text: string; role: PageRole | null } {
  const role = pageRole(text.replaceAll(emptyCell, ''));
  if (role) return { text: text.replaceAll(emptyCell, ''), role };
  return { text: tabRunsToMarkdownTables(bulletsToMarkdown(text)).replaceAll(emptyCell, ''), role: null };
}
