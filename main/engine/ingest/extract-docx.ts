// DOCX: mammoth gives semantic HTML (headings, paragraphs, lists, tables); we turn that into
// Markdown and page it by section like any Markdown file.
import mammoth from 'mammoth';
import { BscError } from '../errors';
import { markdownToPages, type MarkdownPages } from './extract-markdown';

// Word in Portuguese names its heading styles "Título N" (style id "TtuloN"); "Title" is the cover title.
const styleMap = [
  "p[style-name='Title'] => h1:fresh",
  ...[1, 2, 3, 4, 5, 6].map((n) => `p.Ttulo${n} => h${n}:fresh`),
  ...[1, 2, 3, 4, 5, 6].map((n) => `p[style-name='Título ${n}'] => h${n}:fresh`),
];

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return entities[name.toLowerCase()] ?? all;
  });
}

/** Keeps a paragraph's own text from being read back as a heading or a table row. */
function escapeLineStart(text: string): string {
  return text.replace(/^(#{1,6}\s|\|)/gm, '\\$1');
}

/** Mammoth's HTML (a small, well-formed subset) to Markdown: headings, paragraphs, lists, pipe tables. */
export function htmlToMarkdown(html: string): string {
  const out: string[] = [];
  let text = '';
  let heading = 0;
  let listDepth = 0;
  let inListItem = false;
  let tableDepth = 0;
  let rows: string[][] = [];
  let row: string[] = [];
  let cell: string | null = null;

  const flush = (): void => {
    const body = text.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
    text = '';
    if (!body) return;
    if (heading) out.push(`\n${'#'.repeat(heading)} ${body.replace(/\n/g, ' ')}\n`);
    else if (inListItem) out.push(`${'  '.repeat(Math.max(0, listDepth - 1))}- ${escapeLineStart(body).replace(/\n/g, ' ')}`);
    else out.push(`\n${escapeLineStart(body)}\n`);
  };

  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(\/?)>|([^<]+)/g)) {
    const textPart = m[4];
    if (textPart !== undefined) {
      const decoded = decodeEntities(textPart);
      if (cell !== null) cell += decoded;
      else text += decoded;
      continue;
    }
    const closing = m[1] === '/';
    const tag = (m[2] ?? '').toLowerCase();
    if (tableDepth > 0 && tag !== 'table') {
      // Inside a table only rows and cells matter; paragraphs in a cell become spaces.
      if (tableDepth > 1) {
        if (!closing && cell !== null) cell += ' ';
      } else if (tag === 'tr') {
        if (closing) rows.push(row);
        else row = [];
      } else if (tag === 'td' || tag === 'th') {
        if (closing) {
          row.push((cell ?? '').replace(/\s+/g, ' ').replace(/\|/g, '/').trim());
          cell = null;
        } else cell = '';
      } else if (cell !== null && (tag === 'p' || tag === 'br' || tag === 'li')) cell += ' ';
      continue;
    }
    if (/^h[1-6]$/.test(tag)) {
      flush();
      heading = closing ? 0 : Number(tag[1]);
    } else if (tag === 'p') {
      flush();
    } else if (tag === 'br') {
      text += '\n';
    } else if (tag === 'ul' || tag === 'ol') {
      flush();
      listDepth += closing ? -1 : 1;
      if (listDepth === 0) out.push('');
    } else if (tag === 'li') {
      flush();
      inListItem = !closing;
    } else if (tag === 'table') {
      if (closing) {
        tableDepth--;
        if (tableDepth === 0) {
          const width = Math.max(1, ...rows.map((r) => r.length));
          const lines = rows.filter((r) => r.some(Boolean)).map((r) => `| ${Array.from({ length: width }, (_, i) => r[i] ?? '').join(' | ')} |`);
          if (lines.length > 0) lines.splice(1, 0, `|${' --- |'.repeat(width)}`);
          out.push(`\n${lines.join('\n')}\n`);
          rows = [];
        }
      } else {
        if (tableDepth === 0) flush();
        tableDepth++;
      }
    }
  }
  flush();
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

export async function extractDocx(bytes: Uint8Array): Promise<MarkdownPages & { warnings: string[] }> {
  let result: { value: string; messages: Array<{ type: string; message: string }> };
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap,
        externalFileAccess: false,
        // Images are not indexed; skip reading them into data URIs.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
  } catch (err) {
    throw new BscError('DAMAGED_FILE', 'This Word document is damaged or is not a real .docx file, so it cannot be read.', {
      cause: err instanceof Error ? err.message : String(err),
    });
  }
  const warnings = [...new Set(result.messages.filter((m) => m.type === 'error').map((m) => m.message))].slice(0, 5);
  return { ...markdownToPages(htmlToMarkdown(result.value)), warnings };
}
