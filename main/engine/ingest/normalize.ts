// Text clean-up shared by every extractor: Unicode form, words broken across lines, spacing,
// and running headers/footers. Pure functions over strings.

const ligatures: Record<string, string> = { 'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'st', 'ﬆ': 'st' };

// Portuguese enclitic pronouns after a verb ("encontra-se", "fazê-lo"): the hyphen is real.
const enclitics = new Set(['se', 'lhe', 'lhes', 'lo', 'la', 'los', 'las', 'me', 'te', 'nos', 'vos', 'o', 'a', 'os', 'as', 'no', 'na']);
// Short pronouns that are just as often the last syllable of a word ("pla-no"): only trusted after an
// accented verb ending ("pô-lo", "vendê-la").
const ambiguousEnclitics = new Set(['o', 'a', 'os', 'as', 'no', 'na', 'nos', 'me', 'te', 'vos']);
// Prefixes that always keep their hyphen and are never a mere syllable ("vice-presidente",
// "recém-criado", "self-service"). "ex", "pré", "sub"… are left out: "ex-\nportação" is a syllable break.
const hyphenPrefixes = new Set(['vice', 'recém', 'além', 'aquém', 'self']);

const brokenWord = /(\p{L}+)[-\u2010]\n[ \t]*(\p{L}+)/gu;
const inlineCompound = /\p{L}+[-\u2010]\p{L}+/gu;
const inlineWord = /\p{L}+/gu;

/** What the document itself says about its words: which exist unbroken, which compounds are hyphenated. */
export interface HyphenEvidence {
  words: Set<string>;
  compounds: Set<string>;
}

/** Collects evidence from text written on one line (line-end fragments are not counted as words). */
export function collectHyphenEvidence(text: string): HyphenEvidence {
  const words = new Set<string>();
  const compounds = new Set<string>();
  for (const line of text.split('\n')) {
    const body = line.replace(/\p{L}+[-\u2010]\s*$/u, '');
    for (const m of body.matchAll(inlineCompound)) compounds.add(m[0].replace('\u2010', '-').toLowerCase());
    for (const m of body.matchAll(inlineWord)) words.add(m[0].toLowerCase());
  }
  return { words, compounds };
}

function isRealHyphen(left: string, right: string, evidence: HyphenEvidence): boolean {
  const l = left.toLowerCase();
  const r = right.toLowerCase();
  if (evidence.compounds.has(`${l}-${r}`)) return true;
  if (evidence.words.has(l + r)) return false;
  if (/^\p{Lu}/u.test(right)) return true;
  if (enclitics.has(r) && (!ambiguousEnclitics.has(r) || /[áéíóúâêôà]$/.test(l))) return true;
  return hyphenPrefixes.has(l);
}

/**
 * Rejoins words hyphenated across a line end ("estraté-\ngia" → "estratégia"). Keeps the hyphen
 * (and joins the lines) when it is real: the compound appears unbroken in the document, the next
 * part is capitalised, an enclitic pronoun, or follows a hyphen-taking prefix.
 */
export function rejoinHyphenatedWords(text: string, evidence: HyphenEvidence = collectHyphenEvidence(text)): string {
  return text.replace(brokenWord, (_all, left: string, right: string) =>
    isRealHyphen(left, right, evidence) ? `${left}-${right}` : `${left}${right}`,
  );
}

/**
 * NFC, ligatures, soft hyphens, words broken across lines, and whitespace: spaces collapse to one,
 * a run containing a tab collapses to one tab (tabs mark table cells from PDFs), lines are trimmed,
 * and at most one blank line separates paragraphs.
 */
export function normalizeText(raw: string, evidence?: HyphenEvidence): string {
  let text = raw.normalize('NFC').replace(/\r\n?/g, '\n');
  text = text.replace(/[ﬀ-ﬆ]/g, (c) => ligatures[c] ?? c);
  // A soft hyphen at a line end is a word split by definition; elsewhere it is invisible.
  text = text.replace(/\u00AD[ \t]*\n[ \t]*/g, '').replace(/\u00AD/g, '');
  text = text.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' ');
  // Other control characters come from PDFs whose fonts lack a Unicode map, where they mostly stand
  // for spaces: a space keeps the words apart. Zero-width characters just go.
  text = text.replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, ' ').replace(/[\u200B\uFEFF]/g, '');
  text = text.replace(/\f/g, '\n\n');
  text = rejoinHyphenatedWords(text, evidence);
  text = text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, (run) => (run.includes('\t') ? '\t' : ' ')).trim())
    .join('\n');
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

/** The identity of a margin line: case, spacing and numbers (page numbers, dates) don't matter. */
function marginKey(line: string): string {
  const trimmed = line.trim();
  // A lone lower-case roman numeral ("iv") is a page number too; "C" or "D" alone may be content.
  if (/^[ivxlcdm]{1,7}$/.test(trimmed)) return '#';
  const key = trimmed.toLowerCase().replace(/\s+/g, ' ').replace(/\d+/g, '#');
  // Next to other words, a roman numeral of either case is a number too: "Página iv" = "Página 12".
  return key.includes(' ') ? key.replace(/(?<=^|\s)[ivxlcdm]{1,7}(?=$|[\s.,;:)])/gu, '#') : key;
}

const marginDepth = 2;
const maxMarginLineChars = 120;

function marginLineIndexes(lines: string[]): number[] {
  const nonEmpty: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') nonEmpty.push(i);
  });
  const picked = new Set([...nonEmpty.slice(0, marginDepth), ...nonEmpty.slice(-marginDepth)]);
  return [...picked].filter((i) => (lines[i] ?? '').trim().length <= maxMarginLineChars);
}

/**
 * Drops lines that repeat at the top or bottom of most pages (running titles, page numbers), and
 * returns them per page (`margins`): kept out of passages, they can still be indexed for search.
 * Only for documents of 4 pages or more: with fewer, a repeat is as likely to be content.
 */
export function dropRepeatedMargins(pages: string[]): { pages: string[]; droppedLines: number; margins: string[][] } {
  const margins: string[][] = pages.map(() => []);
  if (pages.length < 4) return { pages, droppedLines: 0, margins };
  const split = pages.map((p) => p.split('\n'));
  const pagesWithKey = new Map<string, number>();
  for (const lines of split) {
    const keys = new Set(marginLineIndexes(lines).map((i) => marginKey(lines[i] ?? '')));
    for (const k of keys) pagesWithKey.set(k, (pagesWithKey.get(k) ?? 0) + 1);
  }
  const threshold = Math.max(3, Math.ceil(pages.length * 0.5));
  let droppedLines = 0;
  const out = split.map((lines, p) => {
    const drop = new Set(marginLineIndexes(lines).filter((i) => (pagesWithKey.get(marginKey(lines[i] ?? '')) ?? 0) >= threshold));
    if (drop.size === 0) return lines.join('\n');
    const kept = lines.filter((_, i) => !drop.has(i));
    // A page that would be left empty has no margins: those lines are its text (short pages that
    // all look alike, such as one line of a table per page).
    if (!kept.some((l) => l.trim() !== '')) return lines.join('\n');
    droppedLines += drop.size;
    margins[p] = [...drop].sort((a, b) => a - b).map((i) => (lines[i] ?? '').trim());
    return kept.join('\n');
  });
  return { pages: out, droppedLines, margins };
}
