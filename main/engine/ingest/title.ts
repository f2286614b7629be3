// A document's title as a reader would name it: the author's own title when it is plausible,
// else the biggest text on the first pages, else the file name. Never "A5.0" or "Untitled".
import path from 'node:path';
import zlib from 'node:zlib';

/*
 * THE JUNK RULE. A title candidate is junk when, after collapsing white space, it
 *  1. is empty or longer than 200 characters (a paragraph pasted into the metadata);
 *  2. has no word of three or more letters ("A5.0", "12/2020", "v2", "—");
 *  3. is less than half letters ("2019_03_15_0001", "1.2.3 (4)");
 *  4. is a file name or a path ("relatorio.doc", "C:\\x\\y", "/tmp/a"), or the document's own file name;
 *  5. is one token that mixes letters with digits or underscores, i.e. a code ("RPT2019Q3",
 *     "doc_final_v3", "a1b2c3d4"), or joins words with underscores anywhere ("MODELE_DOUBLE v1");
 *  6. is a URL ("http://…", "www.…");
 *  7. is a template or tool name: "Microsoft Word - …", "PowerPoint Presentation",
 *     "Untitled", "Sem título", "Document1", "Presentation1", "Slide 1", "Title", "Layout 1"…
 */
const MAX_TITLE_CHARS = 200;
const FILE_EXTENSION = /\.(pdf|docx?|dotx?|pptx?|potx?|xlsx?|odt|odp|rtf|txt|md|tex|dvi|ps|eps|html?|indd|qxd|pub|pages|key|wpd|jpe?g|png|tiff?)$/i;
const TEMPLATE = new RegExp(
  '^(?:' + [
    'microsoft (?:word|powerpoint|excel|office)\\b.*',
    '(?:microsoft )?powerpoint presentation',
    'apresenta[cç][aã]o do powerpoint',
    '(?:untitled|sem t[ií]tulo|sin t[ií]tulo|sans titre|senza titolo|no title|not titled)(?:[\\s_-]*(?:document|documento|\\d+))?',
    '(?:new |novo |nuevo )?(?:document|documento|presentation|apresenta[cç][aã]o|presentaci[oó]n|book|pasta|libro|drawing|desenho)[\\s_-]*\\d*',
    '(?:slide|diapositivo|diapositiva|page|p[aá]gina|layout|folha|sheet|planilha)[\\s_-]*\\d+',
    'title|t[ií]tulo|titre|template|modelo|plantilla|blank|draft|rascunho|cover|capa',
    'acrobat pdfmaker.*|adobe (?:acrobat|indesign|illustrator|photoshop)\\b.*|pdftex|latex|writer|impress|calc|quartz pdfcontext|print|imprimir',
  ].join('|') + ')$',
  'i',
);

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** True when `title` is not something a reader would call the document (see THE JUNK RULE). */
export function isJunkTitle(title: string, filename?: string): boolean {
  const t = collapse(title);
  if (!t || t.length > MAX_TITLE_CHARS) return true;
  if (!/\p{L}{3,}/u.test(t)) return true;
  const visible = t.replace(/\s/g, '');
  if ((visible.match(/\p{L}/gu)?.length ?? 0) < visible.length / 2) return true;
  if (FILE_EXTENSION.test(t) || (!t.includes(' ') && /[\\/]/.test(t))) return true;
  if (filename && t.toLowerCase() === path.basename(filename).toLowerCase()) return true;
  if (!t.includes(' ') && (/_/.test(t) || (/\p{L}/u.test(t) && /\p{N}/u.test(t)))) return true;
  if (/\p{L}_+\p{L}/u.test(t)) return true;
  if (/^(https?:|ftp:|file:|www\.)/i.test(t)) return true;
  return TEMPLATE.test(t);
}

/** The candidate tidied (white space, Unicode NFC), or null when it is junk. */
export function plausibleTitle(raw: unknown, filename?: string): string | null {
  if (typeof raw !== 'string') return null;
  const t = collapse(raw).normalize('NFC');
  return isJunkTitle(t, filename) ? null : t;
}

/** The last resort: the file name without its extension, separators read as spaces. */
export function titleFromFilename(filename: string): string {
  const base = path.basename(filename);
  const stem = base.replace(/\.[^.]{1,10}$/, '') || base;
  const spaced = collapse(stem.replace(/[_]+/g, ' '));
  return spaced || base;
}

/** A pdf.js text item, as much of it as the title needs. */
export interface TitleTextItem {
  str: string;
  transform: number[];
  height?: number;
}

const TITLE_MIN_SIZE_RATIO = 1.15;
const TITLE_MAX_LINES_CHARS = 200;

function fontSizeOf(item: TitleTextItem): number {
  const t = item.transform;
  // The text matrix's vertical scale is the rendered font size; rotated text keeps it in b/d.
  return Math.hypot(t[2] ?? 0, t[3] ?? 0) || Math.abs(item.height ?? 0);
}

/** The size most of the page's letters are set in (the body text). */
function bodySize(items: TitleTextItem[]): number {
  const letters = new Map<number, number>();
  for (const it of items) {
    const size = Math.round(fontSizeOf(it) * 2) / 2;
    letters.set(size, (letters.get(size) ?? 0) + it.str.length);
  }
  return [...letters.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

/**
 * The text set in the largest font on one page, when that font is clearly bigger than the body
 * text: the first run of consecutive items in that size (a title may wrap onto two lines). Sizes
 * are tried from the largest down, so a huge page number or a drop cap (junk) gives way.
 */
export function largestTextOnPage(allItems: readonly TitleTextItem[], filename?: string): string | null {
  const items = allItems.filter((i) => i.str.trim() !== '');
  if (items.length === 0) return null;
  const body = bodySize(items);
  const sizes = [...new Set(items.map((i) => Math.round(fontSizeOf(i) * 2) / 2))].filter((s) => s >= body * TITLE_MIN_SIZE_RATIO).sort((a, b) => b - a);
  for (const size of sizes.slice(0, 4)) {
    const near = (i: TitleTextItem) => Math.abs(fontSizeOf(i) - size) <= size * 0.08;
    const start = items.findIndex(near);
    const run: string[] = [];
    for (let i = start; i < items.length && near(items[i]!); i++) run.push(items[i]!.str);
    const candidate = plausibleTitle(run.join(' ').slice(0, TITLE_MAX_LINES_CHARS + 1), filename);
    if (candidate) return candidate;
  }
  return null;
}

/** The slice of a pdf.js document the title reads (its first pages' text items). */
export interface TitlePdfSource {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: unknown[] }>; cleanup(): unknown }>;
}

const TITLE_PAGES = 2;
const TITLE_READ_MS = 5_000;

/**
 * The title of a PDF: its metadata title when plausible, else the largest-font text of its first
 * pages, else null (the caller falls back to the file name). Never throws: a title is not worth
 * failing an import for.
 */
export async function pdfTitle(doc: TitlePdfSource, metadataTitle: unknown): Promise<string | null> {
  const fromMetadata = plausibleTitle(metadataTitle);
  if (fromMetadata) return fromMetadata;
  const read = (async () => {
    for (let n = 1; n <= Math.min(TITLE_PAGES, doc.numPages); n++) {
      const page = await doc.getPage(n);
      try {
        const content = await page.getTextContent();
        const items = content.items.filter((i): i is TitleTextItem => typeof (i as TitleTextItem).str === 'string' && Array.isArray((i as TitleTextItem).transform));
        const found = largestTextOnPage(items);
        if (found) return found;
      } finally {
        page.cleanup();
      }
    }
    return null;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), TITLE_READ_MS); });
  try {
    return await Promise.race([read.catch(() => null), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One stored entry of a zip (a .docx), inflated; null when absent or unreadable. */
function readZipEntry(zip: Buffer, name: string): Buffer | null {
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]), zip.length - 22);
  if (eocd < 0) return null;
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries && at + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) return null;
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      if (zip.readUInt32LE(local) !== 0x04034b50 || size > 1_000_000) return null;
      const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataAt, dataAt + size);
      if (method === 0) return data;
      if (method === 8) return zlib.inflateRawSync(data, { maxOutputLength: 4_000_000 });
      return null;
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  return null;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The dc:title of a .docx's core properties (docProps/core.xml), or null. */
export function docxCoreTitle(bytes: Uint8Array): string | null {
  try {
    const core = readZipEntry(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'docProps/core.xml');
    const m = core?.toString('utf8').match(/<dc:title>([\s\S]*?)<\/dc:title>/);
    if (!m) return null;
    return m[1]!.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] !== '#') return XML_ENTITIES[e.toLowerCase()] ?? all;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    });
  } catch {
    return null;
  }
}

/** The first line of a page that passes the junk rule (a title-page line, a form's name). */
function firstPlausibleLine(text: string | undefined): string | null {
  for (const line of (text ?? '').split('\n').slice(0, 15)) {
    const candidate = line.length <= 120 ? plausibleTitle(line) : null;
    if (candidate) return candidate;
  }
  return null;
}

/**
 * The title stored for an extracted document. PDF: what extraction chose (plausible metadata or
 * the largest text). DOCX: the core-properties title when plausible, else the Title-style
 * heading. Every kind: then the file name without extension — unless that is itself a code
 * ("scan_0001"), when the first plausible line of the first page reads better.
 */
export function documentTitle(doc: { kind: string; title: string | null; pages: ReadonlyArray<{ text: string }> }, bytes: Uint8Array, filename: string): string {
  const fromProperties = doc.kind === 'docx' ? plausibleTitle(docxCoreTitle(bytes), filename) : null;
  const chosen = fromProperties ?? plausibleTitle(doc.title, filename);
  if (chosen) return chosen;
  const stem = titleFromFilename(filename);
  return isJunkTitle(stem) ? firstPlausibleLine(doc.pages[0]?.text) ?? stem : stem;
}
