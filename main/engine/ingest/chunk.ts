// Page-aware chunking: pack paragraphs, then sentences, into chunks of about `chunkChars`,
// carry a sentence-aligned overlap, keep tables whole, and remember which pages and which
// section every chunk came from. Pure and deterministic.
import type { ChunkOptions, DraftChunk, ExtractedPage } from './types';
import { ABBREVIATIONS } from './abbreviations';

interface Unit {
  text: string;
  pageNo: number;
  headingPath: string[];
  table: boolean;
  /** What separates this unit from the previous one when both land in the same chunk. */
  joiner: string;
  /** First unit of a paragraph; `paragraphChars` is then the whole paragraph's length. */
  paragraphStart: boolean;
  paragraphChars: number;
  /** First unit under a different heading path than the unit before it. */
  sectionStart: boolean;
}


// A sentence ends at . ! ? … (plus closing quotes/brackets) followed by space, or at CJK full stops.
const sentenceEnd = /[.!?…]+["'”’»)\]]*\s+|[。！？]+["'”’»)\]」』]*\s*/gu;
const sentenceStartAfter = /^["'“‘«(\[¿¡—–-]?[\p{Lu}\p{N}]/u;

interface Sentence {
  text: string;
  /** The whitespace before it, reduced to "\n" or " ". */
  joiner: string;
}

/** The run of non-space characters ending at `end` (scanning back no further than `floor`). */
function wordBefore(text: string, end: number, floor: number): string {
  let i = end;
  while (i > floor && !/\s/.test(text[i - 1] ?? ' ')) i--;
  return text.slice(i, end);
}

export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  let joiner = '';
  for (const m of text.matchAll(sentenceEnd)) {
    const end = (m.index ?? 0) + m[0].length;
    if (end >= text.length) break;
    const mark = m[0];
    if (!/[。！？]/u.test(mark)) {
      if (!sentenceStartAfter.test(text.slice(end, end + 2))) continue;
      if (mark[0] === '.' && !mark.startsWith('..')) {
        const word = wordBefore(text, m.index ?? 0, start).replace(/^["'“‘«(\[]+/, '').toLowerCase();
        // "A. Gal", "Dr. Kaplan", "p. 12", "e.g. X": not sentence ends.
        if (/^\p{L}$/u.test(word) || ABBREVIATIONS.has(word)) continue;
      }
    }
    const sentence = text.slice(start, end).trim();
    if (sentence) out.push({ text: sentence, joiner });
    joiner = /\n/.test(mark) ? '\n' : ' ';
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push({ text: rest, joiner });
  return out;
}

/** Cuts a too-long sentence at spaces; only a run without any space (CJK, a URL) is cut mid-run. */
export function splitAtWords(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const m of text.matchAll(/\S+\s*/g)) {
    let token = m[0];
    if (current.length + token.trimEnd().length > max && current.trim()) {
      pieces.push(current.trim());
      current = '';
    }
    while (token.trimEnd().length > max) {
      const chars = Array.from(token);
      pieces.push(chars.slice(0, max).join('').trim());
      token = chars.slice(max).join('');
    }
    current += token;
  }
  if (current.trim()) pieces.push(current.trim());
  return pieces;
}

const isTableLine = (line: string): boolean => /^\s*\|/.test(line) || line.includes('\t');

/** Splits a paragraph into prose runs and table runs (two or more consecutive table lines). */
function tableAndProseRuns(paragraph: string): Array<{ text: string; table: boolean }> {
  const lines = paragraph.split('\n');
  const runs: Array<{ text: string; table: boolean }> = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j < lines.length && isTableLine(lines[j] ?? '')) j++;
    if (j - i >= 2) {
      runs.push({ text: lines.slice(i, j).join('\n'), table: true });
      i = j;
      continue;
    }
    j = Math.max(j, i + 1);
    while (j < lines.length && !(isTableLine(lines[j] ?? '') && isTableLine(lines[j + 1] ?? ''))) j++;
    const text = lines.slice(i, j).join('\n').trim();
    if (text) runs.push({ text, table: false });
    i = j;
  }
  return runs;
}

const pathKey = (p: string[]): string => p.join('\u0000');

/** Paragraph boundaries of one page: blank lines, and the start of every section. */
function pageParagraphs(page: ExtractedPage): Array<{ text: string; headingPath: string[] }> {
  const sections = [...(page.sections ?? [])].sort((a, b) => a.offset - b.offset);
  const cuts = new Set<number>([0, page.text.length]);
  for (const s of sections) if (s.offset > 0 && s.offset < page.text.length) cuts.add(s.offset);
  for (const m of page.text.matchAll(/\n[ \t]*\n/g)) cuts.add((m.index ?? 0) + m[0].length);
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Array<{ text: string; headingPath: string[] }> = [];
  let s = 0;
  let headingPath = page.headingPath;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i] ?? 0;
    while (s < sections.length && (sections[s]?.offset ?? Infinity) <= from) headingPath = sections[s++]?.headingPath ?? headingPath;
    const text = page.text.slice(from, sorted[i + 1]).trim();
    if (text) out.push({ text, headingPath });
  }
  return out;
}

function toUnits(pages: ExtractedPage[], chunkChars: number): Unit[] {
  const units: Unit[] = [];
  let previousPath: string | null = null;
  for (const page of pages) {
    for (const paragraph of pageParagraphs(page)) {
      const key = pathKey(paragraph.headingPath);
      let sectionStart = previousPath !== null && key !== previousPath;
      previousPath = key;
      for (const run of tableAndProseRuns(paragraph.text)) {
        // Object literals rather than spreads: this loop runs once per sentence of the document.
        const unit = (text: string, table: boolean, joiner: string, paragraphStart: boolean): Unit => {
          const u: Unit = { text, pageNo: page.pageNo, headingPath: paragraph.headingPath, table, joiner, paragraphStart, paragraphChars: run.text.length, sectionStart };
          sectionStart = false;
          return u;
        };
        if (run.table) {
          units.push(unit(run.text, true, '\n\n', true));
          continue;
        }
        let first = true;
        for (const sentence of splitSentences(run.text)) {
          const pieces = sentence.text.length > chunkChars ? splitAtWords(sentence.text, chunkChars) : [sentence.text];
          for (const piece of pieces) {
            units.push(unit(piece, false, first ? '\n\n' : sentence.joiner || ' ', first));
            first = false;
          }
        }
      }
    }
  }
  return units;
}

/** Splits an over-cap table into row groups, repeating a Markdown header (row + separator) in each. */
function splitTable(text: string, cap: number): string[] {
  const rows = text.split('\n');
  const header = rows.length > 2 && /^\s*\|?[\s:|-]+\|?\s*$/.test(rows[1] ?? '') && (rows[1] ?? '').includes('-') ? rows.slice(0, 2) : [];
  const body = rows.slice(header.length);
  const groups: string[] = [];
  let current = [...header];
  const headerChars = header.join('\n').length;
  for (const row of body) {
    const length = current.join('\n').length;
    if (current.length > header.length && length + 1 + row.length > cap) {
      groups.push(current.join('\n'));
      current = [...header];
    }
    if (row.length + headerChars + 1 > cap) {
      // A single row larger than the cap: cut it at words like prose.
      for (const piece of splitAtWords(row, cap)) groups.push(piece);
      continue;
    }
    current.push(row);
  }
  if (current.length > header.length) groups.push(current.join('\n'));
  return groups;
}

function commonPrefix(paths: string[][]): string[] {
  const first = paths[0] ?? [];
  let n = first.length;
  for (const p of paths) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * Chunks the pages of one document. Every chunk is at most `chunkChars` long, except a table,
 * which stays whole up to 3 × chunkChars. Chunks may span a page break; a change of section
 * starts a new chunk unless the current one is still small.
 */
export function chunkPages(pages: ExtractedPage[], opts: ChunkOptions): DraftChunk[] {
  // Table-of-contents and index pages are chunked apart from the body, so a chunk is all one or the other.
  const groups: Array<{ role: ExtractedPage['role']; pages: ExtractedPage[] }> = [];
  for (const page of pages) {
    const last = groups[groups.length - 1];
    if (last && last.role === page.role) last.pages.push(page);
    else groups.push({ role: page.role, pages: [page] });
  }
  if (groups.length <= 1 && !groups[0]?.role) return chunkBody(pages, opts);
  const chunks: DraftChunk[] = [];
  for (const group of groups) {
    for (const c of chunkBody(group.pages, opts)) chunks.push(group.role ? { ...c, ord: chunks.length, role: group.role } : { ...c, ord: chunks.length });
  }
  return chunks;
}

function chunkBody(pages: ExtractedPage[], opts: ChunkOptions): DraftChunk[] {
  const chunkChars = Math.max(1, Math.floor(opts.chunkChars));
  const overlapChars = Math.max(0, Math.min(Math.floor(opts.overlapChars), Math.floor(chunkChars / 2)));
  const tableCap = chunkChars * 3;
  const chunks: DraftChunk[] = [];
  let current: Unit[] = [];
  let currentChars = 0;
  let fresh = 0; // units in `current` that are not overlap carried from the previous chunk

  const sizeWith = (u: Unit): number => currentChars + (current.length > 0 ? u.joiner.length : 0) + u.text.length;
  const add = (u: Unit): void => {
    currentChars = sizeWith(u);
    current.push(u);
  };
  const marginsOf = new Map(pages.filter((p) => p.margins?.length).map((p) => [p.pageNo, p.margins ?? []]));
  const emit = (units: Unit[]): void => {
    const pageNos = units.map((u) => u.pageNo);
    const chunk: DraftChunk = {
      ord: chunks.length,
      pageStart: Math.min(...pageNos),
      pageEnd: Math.max(...pageNos),
      text: units.map((u, i) => (i === 0 ? u.text : u.joiner + u.text)).join(''),
      headingPath: commonPrefix(units.map((u) => u.headingPath)),
    };
    if (marginsOf.size > 0) {
      const lines = new Set([...new Set(pageNos)].flatMap((n) => marginsOf.get(n) ?? []));
      if (lines.size > 0) chunk.marginText = [...lines].join('\n');
    }
    chunks.push(chunk);
  };
  /** The last sentences of `units` (whole ones, up to overlapChars), or failing that its last words. */
  const overlapFrom = (units: Unit[]): Unit[] => {
    if (overlapChars === 0) return [];
    const carried: Unit[] = [];
    let chars = 0;
    for (let i = units.length - 1; i >= 0; i--) {
      const u = units[i];
      if (!u || u.table) break;
      const next = chars + u.text.length + (carried.length > 0 ? 1 : 0);
      if (next > overlapChars) break;
      carried.unshift(u);
      chars = next;
    }
    if (carried.length > 0) return carried.map((u, i) => (i === 0 ? { ...u, joiner: '' } : u));
    const last = units[units.length - 1];
    if (!last || last.table) return [];
    const words = last.text.split(/\s+/);
    let tail = '';
    for (let i = words.length - 1; i > 0; i--) {
      const candidate = tail ? `${words[i]} ${tail}` : (words[i] ?? '');
      if (candidate.length > overlapChars) break;
      tail = candidate;
    }
    return tail ? [{ ...last, text: tail, joiner: '' }] : [];
  };
  const flush = (withOverlap: boolean): void => {
    if (fresh > 0) emit(current);
    const carried = withOverlap && fresh > 0 ? overlapFrom(current) : [];
    current = [];
    currentChars = 0;
    fresh = 0;
    for (const u of carried) add(u);
  };

  for (const unit of toUnits(pages, chunkChars)) {
    if (unit.table) {
      if (!unit.sectionStart && (sizeWith(unit) <= chunkChars || (currentChars < chunkChars / 4 && sizeWith(unit) <= tableCap))) {
        // Fits, or only a short lead-in (a heading, "Tabela 3:") precedes it: keep them together.
        add(unit);
        fresh++;
        if (currentChars > chunkChars) flush(false);
        continue;
      }
      flush(false);
      if (unit.text.length <= tableCap) emit([unit]);
      else for (const part of splitTable(unit.text, tableCap)) emit([{ ...unit, text: part }]);
      continue;
    }
    // Overlap only continues the same section; text from another section would mislabel the chunk.
    const sameSection = pathKey(current[current.length - 1]?.headingPath ?? []) === pathKey(unit.headingPath);
    if (fresh > 0 && unit.sectionStart && currentChars >= chunkChars / 4) flush(false);
    else if (fresh > 0 && unit.paragraphStart && currentChars + 2 + unit.paragraphChars > chunkChars && currentChars >= chunkChars / 2) flush(sameSection);
    if (fresh > 0 && sizeWith(unit) > chunkChars) flush(sameSection);
    // Overlap never pushes a chunk past its size: drop carried sentences from the front.
    while (fresh === 0 && current.length > 0 && sizeWith(unit) > chunkChars) {
      current.shift();
      currentChars = current.reduce((n, u, i) => n + (i > 0 ? u.joiner.length : 0) + u.text.length, 0);
    }
    add(unit);
    fresh++;
  }
  flush(false);
  return chunks;
}
