// A search snippet is a fragment cut out of a Markdown (or Word-as-Markdown) section, often mid-
// table or mid-emphasis: rendering it as Markdown would make stray headings and broken tables, and
// showing it raw shows ##, ** and table rules. So its syntax is taken out and its words kept.

const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const THEMATIC_BREAK = /^\s*([-*_])(\s*\1){2,}\s*$/;

function plainLine(line: string): string {
  let out = line
    .replace(/^\s{0,3}#{1,6}\s+/, '')
    .replace(/\s+#+\s*$/, '')
    .replace(/^\s{0,3}>\s?/, '')
    .replace(/^(\s*)[-*+]\s+/, '$1• ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  if (/^\s*\|.*\|\s*$/.test(out)) out = out.trim().replace(/^\|\s*|\s*\|$/g, '').split(/\s*\|\s*/).join(' · ');
  return out
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*|__/g, '') // emphasis cut in half by the snippet's edges
    .replace(/(?:^|\s)(?:-{3,}\s*){2,}/g, ' '); // table rules flattened onto one line
}

export function markdownToPlain(text: string): string {
  return text.split('\n').filter((l) => !TABLE_RULE.test(l) && !THEMATIC_BREAK.test(l)).map(plainLine).join('\n').replace(/\n{3,}/g, '\n\n').replace(/[ \t]{2,}/g, ' ').trim();
}
