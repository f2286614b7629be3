/**
 * A retrieved passage cut into what an answer can quote: sentences (split with Intl.Segmenter,
 * repaired at initials and abbreviations), whole tables, list blocks, and the lines that must never
 * be quoted as evidence (headings, rules, table-of-contents and index lines). Offsets point into
 * the passage text exactly as stored, so a quote is always a verbatim substring of it.
 */
import { ABBREVIATIONS } from '../ingest/abbreviations';

/** 'fragment': the tail of a sentence that began in the previous chunk (overlap, or a chunk cut at a page break). */
export type UnitKind = 'sentence' | 'table' | 'list' | 'heading' | 'toc' | 'rule' | 'fragment';

export interface PassageUnit {
  kind: UnitKind;
  start: number;
  end: number;
  /** The heading this unit sits under inside the passage ('' when none). */
  heading: string;
  /** Index of the paragraph (block) it belongs to: neighbours in one block read on together. */
  block: number;
}


const TABLE_LINE = /^\s*\|.*\|\s*$|\t/;
const LIST_LINE = /^\s{0,6}(?:[-*+•▪–]|\d{1,2}[.)]|[a-z][.)])\s+\S/;
const HEADING_LINE = /^\s{0,3}#{1,6}\s+\S/;
const RULE_LINE = /^\s*(?:[-*_=]{3,}\s*)+$/;
// "Perspectiva financeira ........ 12", "Mapa estratégico   37", "Índice remissivo, 14, 27".
const TOC_LINE = /(?:\.{3,}|…{2,}|(?:\s\.){3,}|_{3,})\s*[\divxlcdm]+\s*$|^\D{3,80}?\s{3,}[\divxlcdm]{1,4}\s*$|^[^.!?]{2,80},\s*\d{1,4}(?:\s*[,–-]\s*\d{1,4})+\s*$/i;

/** Is a line a table-of-contents or index entry (dotted leader, trailing page number, page lists)? */
export function isTocLine(line: string): boolean {
  const t = line.trim();
  if (t.length < 3 || t.length > 160) return false;
  return TOC_LINE.test(t) || /^(?:sumário|índice|contents|table of contents|index)\s*$/i.test(t);
}

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(lang: string): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (!s) {
    s = new Intl.Segmenter(lang, { granularity: 'sentence' });
    segmenters.set(lang, s);
  }
  return s;
}

/** Does a segment end in a full stop that does not end a sentence ("Daniel V.", "p.", "e.g.")? */
function endsInAbbreviation(segment: string): boolean {
  const m = /(?:^|[\s(“"'])([\p{L}.º]+)\.\s*$/u.exec(segment);
  if (!m) return false;
  const word = m[1]!.toLowerCase();
  if (/^\p{Lu}$/u.test(m[1]!)) return true; // an initial
  return ABBREVIATIONS.has(word) || ABBREVIATIONS.has(word.replace(/\.$/, ''));
}

/** Sentence spans [start, end) of one prose block, trimmed, relative to `offset`. */
export function sentenceSpans(text: string, offset = 0, lang = 'pt'): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  // ICU ends a sentence at every line break; wrapped lines of a PDF are one sentence (same length, so offsets hold).
  for (const s of segmenter(lang).segment(text.replace(/[\r\n]/g, ' '))) raw.push([s.index, s.index + s.segment.length]);
  const merged: Array<[number, number]> = [];
  for (const span of raw) {
    const last = merged[merged.length - 1];
    const next = text.slice(span[0], span[1]);
    // Rejoin "Daniel V." + "Kaplan…", and a piece that starts in lower case or a digit after an abbreviation.
    if (last && (endsInAbbreviation(text.slice(last[0], last[1])) || /^\s*[\p{Ll}]/u.test(next))) last[1] = span[1];
    else merged.push([span[0], span[1]]);
  }
  const out: Array<[number, number]> = [];
  for (const [a, b] of merged) {
    let s = a;
    let e = b;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push([s + offset, e + offset]);
  }
  return out;
}

interface Line {
  start: number;
  end: number;
  text: string;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const part of text.split('\n')) {
    lines.push({ start, end: start + part.length, text: part });
    start += part.length + 1;
  }
  return lines;
}

type LineKind = 'blank' | 'table' | 'list' | 'heading' | 'toc' | 'rule' | 'prose';

function lineKind(line: string): LineKind {
  if (line.trim() === '') return 'blank';
  if (RULE_LINE.test(line)) return 'rule';
  if (HEADING_LINE.test(line)) return 'heading';
  if (isTocLine(line)) return 'toc';
  if (TABLE_LINE.test(line)) return 'table';
  if (LIST_LINE.test(line)) return 'list';
  return 'prose';
}

// A line that reads as a title: short, no closing punctuation, capitalised or numbered ("1. O que é um mapa estratégico").
const TITLE_LIKE = /^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?[\p{Lu}\d][^.!?;:,]{1,90}$/u;
const BOLD_ONLY = /^\s*\*\*[^*\n]{2,100}\*\*\s*:?\s*$/;

/**
 * PDF text has no heading marks: a short title-like line between a blank line (or the start, or
 * a finished sentence) and a capitalised line is a heading, not the start of a sentence. A
 * Markdown line that is only bold text ("**Margem EBITDA**") is a sub-heading too.
 */
function promoteHeadings(lines: Line[], kinds: LineKind[]): void {
  lines.forEach((l, i) => {
    if (kinds[i] !== 'prose' && kinds[i] !== 'list') return;
    if (BOLD_ONLY.test(l.text)) {
      kinds[i] = 'heading';
      return;
    }
    const line = l.text.trim();
    const numbered = /^\d{1,2}(?:\.\d{1,2})*[.)]?\s/.test(line);
    // A wrapped line of running text is long; a title is short and has no formula in it.
    if (!TITLE_LIKE.test(line) || line.length > (numbered ? 90 : 60) || line.split(/\s+/).length > 10 || line.includes('=')) return;
    const prev = lines[i - 1]?.text.trim() ?? '';
    const next = lines[i + 1]?.text.trim() ?? '';
    const afterBreak = prev === '' || /[.!?:;]["”)]?$/.test(prev) || kinds[i - 1] === 'heading';
    if (afterBreak && (next === '' || /^[\p{Lu}\d"“(]/u.test(next))) kinds[i] = 'heading';
  });
}

/**
 * A sentence cut by a page break reaches the chunk as two paragraphs ("…que o tema aparecia nas"
 * / "reuniões sem nenhum número…"): a blank line between prose that does not end a sentence and
 * prose that starts in lower case is no paragraph break, so the sentence is quoted whole.
 */
function joinAcrossPageBreaks(lines: Line[], kinds: LineKind[]): void {
  for (let i = 1; i < lines.length; i++) {
    if (kinds[i] !== 'blank') continue;
    let j = i;
    while (j < lines.length && kinds[j] === 'blank') j++;
    const before = lines[i - 1]!.text.trimEnd();
    const after = lines[j]?.text.trimStart() ?? '';
    if (kinds[i - 1] === 'prose' && kinds[j] === 'prose' && !/[.!?:;…]["”')\]]?$/.test(before) && /^[\p{Ll}]/u.test(after)) {
      for (let k = i; k < j; k++) kinds[k] = 'prose';
    }
    i = j;
  }
}

/** Cuts a passage into quotable units (see the file comment). */
export function passageUnits(text: string, lang = 'pt'): PassageUnit[] {
  const lines = linesOf(text);
  const kinds = lines.map((l) => lineKind(l.text));
  promoteHeadings(lines, kinds);
  joinAcrossPageBreaks(lines, kinds);
  // A lone "table" line (a tab in prose) is prose; two or more make a table.
  kinds.forEach((k, i) => {
    if (k === 'table' && kinds[i - 1] !== 'table' && kinds[i + 1] !== 'table') kinds[i] = 'prose';
  });
  const units: PassageUnit[] = [];
  let heading = '';
  let block = 0;
  let i = 0;
  while (i < lines.length) {
    const kind = kinds[i]!;
    if (kind === 'blank') {
      block++;
      i++;
      continue;
    }
    let j = i + 1;
    // Prose continues over wrapped lines; tables, lists and TOC runs group their consecutive lines.
    while (j < lines.length && kinds[j] === kind && kind !== 'heading' && kind !== 'rule') j++;
    const start = lines[i]!.start;
    const end = lines[j - 1]!.end;
    if (kind === 'heading') {
      heading = lines[i]!.text.replace(/^\s*#+\s*/, '').replace(/[*_`]+/g, '').replace(/:\s*$/, '').trim();
      units.push({ kind, start, end, heading, block });
      block++;
    } else if (kind === 'prose') {
      for (const [s, e] of sentenceSpans(text.slice(start, end), start, lang)) units.push({ kind: isTocLine(text.slice(s, e)) ? 'toc' : 'sentence', start: s, end: e, heading, block });
    } else if (kind === 'list') {
      units.push({ kind, start, end: trimEnd(text, start, end), heading, block });
    } else {
      units.push({ kind: kind === 'table' ? 'table' : kind, start, end: trimEnd(text, start, end), heading, block });
    }
    i = j;
  }
  // A passage that opens mid-sentence (lower case) opens with the end of a sentence quoted elsewhere.
  const opening = units[0];
  if (opening?.kind === 'sentence' && opening.start === text.length - text.trimStart().length && /^[\p{Ll}]/u.test(text.slice(opening.start))) opening.kind = 'fragment';
  return markTocBlocks(units);
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return e;
}

/**
 * A block where most lines end in page numbers is a table of contents even when some lines
 * escaped the pattern (a wrapped title): all of its units are left out.
 */
function markTocBlocks(units: PassageUnit[]): PassageUnit[] {
  const byBlock = new Map<number, PassageUnit[]>();
  for (const u of units) byBlock.set(u.block, [...(byBlock.get(u.block) ?? []), u]);
  for (const group of byBlock.values()) {
    const toc = group.filter((u) => u.kind === 'toc').length;
    if (toc >= 2 && toc >= group.length / 2) for (const u of group) if (u.kind !== 'heading') u.kind = 'toc';
  }
  return units;
}

/** Quote text for display: Markdown emphasis and heading marks removed, whitespace folded (tables keep their lines). */
export function displayQuote(raw: string, kind: UnitKind): string {
  if (kind === 'table') return raw.split('\n').map((l) => l.trim()).join('\n');
  if (kind === 'list') return raw.split('\n').map((l) => l.replace(/[*`]+|__/g, '').trim()).filter(Boolean).join('\n');
  return raw.replace(/[*`]+|__/g, '').replace(/\s+/g, ' ').trim();
}
