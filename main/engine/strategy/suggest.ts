import type { SearchHit } from '../../../preload/contract';
import type { Engagement, MapCitation, MapPerspective, Suggestion } from '../../../preload/strategy-contract';
import { type ScorecardTableRow, scorecardTableRows } from './scorecard-tables';

/** What suggestions need from the library: a search and the pages of a document. */
export interface SuggestionLibrary {
  search(query: string, k: number, documentIds: string[] | null): Promise<SearchHit[]>;
  pages(documentId: string, from: number, to: number): Array<{ pageNo: number; label: string; text: string }>;
}

/**
 * The same library with each document's pages read once: extraction and the judge look up the
 * pages of every candidate line, and a document's pages do not change within one suggestion run.
 */
export function withPageMemo(lib: SuggestionLibrary): SuggestionLibrary {
  const memo = new Map<string, Array<{ pageNo: number; label: string; text: string }>>();
  return {
    search: lib.search,
    pages: (documentId, from, to) => {
      const key = `${documentId}\u0000${from}\u0000${to}`;
      if (!memo.has(key)) memo.set(key, lib.pages(documentId, from, to));
      return memo.get(key)!;
    },
  };
}

/** Queries per perspective, in both languages: what a consultant would look for in client documents. */
const OBJECTIVE_QUERIES: Record<MapPerspective, string[]> = {
  financial: ['objetivos financeiros receita rentabilidade custos', 'financial objectives revenue growth profitability cost'],
  customer: ['objetivos clientes satisfação retenção participação de mercado', 'customer objectives satisfaction retention market share value proposition'],
  process: ['objetivos processos internos eficiência qualidade inovação', 'internal process objectives efficiency quality innovation operations'],
  learning: ['objetivos aprendizado crescimento capacitação pessoas sistemas cultura', 'learning growth objectives skills training people information systems culture'],
};
const MEASURE_QUERIES = ['indicadores fórmula meta', 'measures indicators formula target'];

const OBJECTIVE_VERB = /^(?:[-*•]\s*|\d+[.)]\s*)?(aumentar|reduzir|melhorar|ampliar|garantir|desenvolver|fortalecer|otimizar|capacitar|conquistar|reter|elevar|expandir|assegurar|promover|aprimorar|diminuir|crescer|atrair|fidelizar|increase|reduce|improve|grow|expand|ensure|develop|strengthen|optimi[sz]e|build|retain|attract|achieve|deliver|enhance|lower|raise|streamline)\b/i;
const MEASURE_CUE = /(%|\btaxa\b|\bíndice\b|\bindice\b|\bpercentual\b|\bnúmero de\b|\bnps\b|\broi\b|\broce\b|\bebitda\b|\bmargem\b|\brate\b|\bratio\b|\bnumber of\b|\bshare of\b|\bper cent\b|÷|\s\/\s|=)/i;

/** Sentences and list items of a chunk, with their offsets, tables' rows kept whole. */
export function candidateLines(text: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  const re = /[^\n.!?;]+[.!?;]?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[0];
    // The excerpt starts after any list marker: still verbatim, without "- " or "1." in front.
    const lead = raw.length - raw.replace(/^\s*(?:[-*•]\s+|\d+[.)]\s+)?/, '').length;
    const t = raw.slice(lead).trim();
    if (t.length >= 12) out.push({ text: t, start: m.index + lead });
  }
  return out;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The page(s) of a document that hold an excerpt, by finding it in the pages' own text. */
export function locateExcerpt(pages: Array<{ pageNo: number; label: string; text: string }>, excerpt: string): { pageStart: number; pageEnd: number; pageLabels: string[] } | null {
  const target = norm(excerpt);
  for (const p of pages) if (norm(p.text).includes(target)) return { pageStart: p.pageNo, pageEnd: p.pageNo, pageLabels: [p.label] };
  // Across a page break: the excerpt's head ends one page and its tail starts the next.
  for (let i = 0; i + 1 < pages.length; i++) {
    const joined = `${norm(pages[i]!.text)} ${norm(pages[i + 1]!.text)}`;
    if (joined.includes(target)) return { pageStart: pages[i]!.pageNo, pageEnd: pages[i + 1]!.pageNo, pageLabels: [pages[i]!.label, pages[i + 1]!.label] };
  }
  return null;
}

const CONTENT = /[\p{L}\p{N}]{4,}/gu;
/** Share of the suggestion's content words found in the excerpt: an extract must be fully supported. */
export function supportOf(title: string, excerpt: string): number {
  const words = (title.toLowerCase().match(CONTENT) ?? []);
  if (!words.length) return 0;
  const hay = excerpt.toLowerCase();
  return words.filter((w) => hay.includes(w)).length / words.length;
}

function cleanTitle(line: string): string {
  const t = line.replace(/^(?:[-*•]\s*|\d+[.)]\s*)/, '').replace(/\*\*/g, '').replace(/[.;:]$/, '').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function citationFor(lib: SuggestionLibrary, hit: SearchHit, excerpt: string): MapCitation | null {
  const where = locateExcerpt(lib.pages(hit.documentId, hit.pageStart, hit.pageEnd), excerpt);
  if (!where) return null;
  return { documentId: hit.documentId, filename: hit.title ?? hit.filename, chunkId: hit.chunkId, excerpt, ...where };
}

interface Wanted { kind: 'objective' | 'measure'; perspective: MapPerspective; objectiveId: string | null; test: RegExp; limit: number }

function extract(lib: SuggestionLibrary, hits: SearchHit[], want: Wanted, taken: Set<string>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const hit of hits) {
    for (const line of candidateLines(hit.text)) {
      if (out.length >= want.limit) return out;
      if (line.text.length > 160 || line.text.includes('|') || !want.test.test(line.text)) continue;
      const title = cleanTitle(line.text);
      const k = title.toLowerCase();
      if (taken.has(k)) continue;
      const citation = citationFor(lib, hit, line.text);
      if (!citation) continue;
      taken.add(k);
      out.push({ kind: want.kind, perspective: want.perspective, objectiveId: want.objectiveId, title, formula: want.kind === 'measure' ? line.text : '', citations: [citation], supported: supportOf(title, citation.excerpt) >= 0.9, baseline: null, targets: [], initiative: null });
    }
  }
  return out;
}

const words = (s: string) => new Set((s.toLowerCase().match(CONTENT) ?? []));
/** Share of the objective's content words in a table row's objective cell. */
function overlap(objective: string, cell: string | null): number {
  if (!cell) return 0;
  const a = words(objective), b = words(cell);
  return a.size ? [...a].filter((w) => b.has(w)).length / a.size : 0;
}

/** Objectives and measures read from scorecard tables (objective, indicator, formula, baseline, targets). */
function fromTables(lib: SuggestionLibrary, hits: SearchHit[], want: { kind: 'objective' | 'measure'; perspective: MapPerspective | null; objective?: { id: string; title: string } }, taken: Set<string>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const hit of hits) {
    for (const row of scorecardTableRows(hit.text)) {
      const suggestion = tableSuggestion(lib, hit, row, want);
      if (!suggestion || taken.has(suggestion.title.toLowerCase())) continue;
      taken.add(suggestion.title.toLowerCase());
      out.push(suggestion);
    }
  }
  return out;
}

function tableSuggestion(lib: SuggestionLibrary, hit: SearchHit, row: ScorecardTableRow, want: Parameters<typeof fromTables>[2]): Suggestion | null {
  const perspective = row.perspective ?? want.perspective;
  if (!perspective || (want.perspective && perspective !== want.perspective)) return null;
  const title = want.kind === 'objective' ? row.objective : row.measure;
  if (!title) return null;
  if (want.objective && overlap(want.objective.title, row.objective) < 0.34 && perspective !== want.perspective) return null;
  const citation = citationFor(lib, hit, row.line);
  if (!citation) return null;
  return {
    kind: want.kind, perspective, objectiveId: want.objective?.id ?? null, title,
    formula: want.kind === 'measure' ? row.formula ?? '' : '', citations: [citation], supported: supportOf(title, citation.excerpt) >= 0.9,
    baseline: want.kind === 'measure' ? row.baseline : null, targets: want.kind === 'measure' ? row.targets : [], initiative: row.initiative,
  };
}

/** The passages a suggestion for this perspective (or objective) is drawn from, best first. */
export async function passagesFor(lib: SuggestionLibrary, e: Engagement, want: { perspective?: MapPerspective; objectiveTitle?: string }): Promise<SearchHit[]> {
  const queries = want.objectiveTitle
    ? [want.objectiveTitle, ...MEASURE_QUERIES.map((q) => `${want.objectiveTitle} ${q}`)]
    : (want.perspective ? OBJECTIVE_QUERIES[want.perspective] : Object.values(OBJECTIVE_QUERIES).flat());
  return dedupe((await Promise.all(queries.map((q) => lib.search(q, 8, e.documentIds)))).flat()).slice(0, 12);
}

/** Objective-like sentences for the perspective(s), from the engagement's documents, each cited. */
export async function suggestObjectives(lib: SuggestionLibrary, e: Engagement, perspective: MapPerspective | undefined, limit: number): Promise<Suggestion[]> {
  const existing = new Set(e.objectives.map((o) => o.title.toLowerCase()));
  const wanted = perspective ? [perspective] : (['financial', 'customer', 'process', 'learning'] as const);
  const out: Suggestion[] = [];
  for (const p of wanted) {
    const hits = dedupe((await Promise.all(OBJECTIVE_QUERIES[p].map((q) => lib.search(q, 12, e.documentIds)))).flat());
    const tabled = fromTables(lib, hits, { kind: 'objective', perspective: p }, existing).slice(0, limit);
    // Tables and sentences each get the whole budget: a scorecard table must not crowd out the prose.
    out.push(...tabled, ...extract(lib, hits, { kind: 'objective', perspective: p, objectiveId: null, test: OBJECTIVE_VERB, limit }, existing));
  }
  return out.filter((s) => s.supported);
}

/** Indicator-like lines near the objective's subject, each cited. */
export async function suggestMeasures(lib: SuggestionLibrary, e: Engagement, objectiveId: string, limit: number): Promise<Suggestion[]> {
  const o = e.objectives.find((x) => x.id === objectiveId);
  if (!o) return [];
  const existing = new Set(e.measures.filter((m) => m.objectiveId === objectiveId).map((m) => m.name.toLowerCase()));
  const hits = dedupe((await Promise.all([o.title, ...MEASURE_QUERIES.map((q) => `${o.title} ${q}`)].map((q) => lib.search(q, 10, e.documentIds)))).flat());
  // Table rows name the objective they measure: the rows about this objective come first.
  const byObjective = (s: Suggestion) => -overlap(o.title, s.citations[0]!.excerpt);
  const tabled = fromTables(lib, hits, { kind: 'measure', perspective: o.perspective, objective: { id: o.id, title: o.title } }, existing)
    .sort((a, b) => byObjective(a) - byObjective(b)).slice(0, limit);
  const sentences = extract(lib, hits, { kind: 'measure', perspective: o.perspective, objectiveId, test: MEASURE_CUE, limit: limit - tabled.length }, existing);
  return [...tabled, ...sentences].filter((s) => s.supported);
}

function dedupe(hits: SearchHit[]): SearchHit[] {
  const seen = new Set<number>();
  return hits.sort((a, b) => b.score - a.score).filter((h) => !seen.has(h.chunkId) && (seen.add(h.chunkId), true));
}
