// One entry point for every supported file: detect the type from the bytes (the name second),
// refuse what we cannot read with a specific code, and hand back pages with real labels.
import path from 'node:path';
import { BscError, throwIfCancelled } from '../errors';
import { extractDocx } from './extract-docx';
import { markdownToPages } from './extract-markdown';
import { extractPdf } from './extract-pdf';
import { normalizeText } from './normalize';
import { decodeImage } from './ocr/raster';
import { createPageRecognizer } from './ocr/recognize';
import { decodeText, looksBinary, plainTextToPages } from './extract-text';
import { mimeByKind, type DocumentKind, type ExtractOptions, type ExtractedDocument } from './types';

const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

// Formats people drop by mistake, named so the message can say what the file is.
const foreignFormats: Array<{ signature: number[]; what: string }> = [
  { signature: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { signature: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image' },
  { signature: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image' },
  { signature: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Office file (.doc/.xls/.ppt); save it as .docx or PDF' },
  { signature: [0x1f, 0x8b], what: 'a gzip archive' },
  { signature: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { signature: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { signature: [0x25, 0x21, 0x50, 0x53], what: 'a PostScript file' },
  { signature: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: 'an RTF document; save it as .docx or PDF' },
];

function unsupported(filename: string, what?: string): BscError {
  const ext = path.extname(filename).toLowerCase();
  const said = what ? `"${filename}" is ${what}` : `"${filename}" is not a supported type${ext ? ` (${ext})` : ''}`;
  return new BscError('UNSUPPORTED_TYPE', `${said}. Supported: PDF, Word (.docx), Markdown (.md), text (.txt) and images (.png, .jpg).`, { filename });
}

/** The document kind: magic bytes first (a PDF named .txt is a PDF), the extension second. */
export function detectKind(bytes: Uint8Array, filename: string): DocumentKind {
  const head = ascii(bytes, 0, Math.min(bytes.length, 1024));
  // Some generators put junk before the header; pdfjs accepts it within the first KB.
  if (head.includes('%PDF-')) return 'pdf';
  const ext = path.extname(filename).toLowerCase();
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // Entry names in a zip are stored uncompressed, so a .docx shows its main part's name.
    if (ext === '.docx' || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('word/document.xml')) return 'docx';
    const what = { '.xlsx': 'an Excel workbook', '.pptx': 'a PowerPoint presentation', '.odt': 'an OpenDocument text; save it as .docx or PDF' }[ext];
    throw unsupported(filename, what ?? 'a zip archive');
  }
  if (imageMime(bytes)) return 'image';
  const foreign = foreignFormats.find((f) => startsWith(bytes, f.signature));
  if (foreign) throw unsupported(filename, foreign.what);
  switch (ext) {
    case '.pdf':
      return 'pdf'; // no header: pdfjs will say it is damaged
    case '.docx':
      return 'docx';
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.txt':
    case '.text':
      return 'text';
    default:
      throw unsupported(filename);
  }
}

/** The MIME type of a PNG or JPEG, from its signature; null for anything else. */
export function imageMime(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  return null;
}

/** A photographed flip chart or a scanned page saved as an image: one page, read by OCR. */
async function extractImage(bytes: Uint8Array, filename: string, opts: ExtractOptions): Promise<Omit<ExtractedDocument, 'kind' | 'mime'>> {
  const image = await decodeImage(bytes, filename);
  throwIfCancelled(opts.signal);
  if (!opts.ocr?.enabled || opts.ocr.languages.length === 0) {
    throw new BscError('NO_TEXT', `"${filename}" is an image: its text can only be read by OCR, which is off. Turn on OCR in Settings (Scanned pages and images) to import it.`, { pageCount: 1, ocr: 'off' });
  }
  const started = Date.now();
  opts.onProgress?.({ page: 0, pages: 1, ocr: true });
  const recognizer = await createPageRecognizer(opts.ocr.languages, opts.signal);
  let text: string;
  try {
    // Photos and screenshots carry no trustworthy resolution; 300 lets tesseract size its glyphs.
    text = normalizeText((await recognizer.recognize(image)).text);
  } finally {
    await recognizer.close();
  }
  if (!/\p{L}/u.test(text)) {
    throw new BscError('NO_TEXT', `OCR found no readable text in "${filename}" (the image may be too small, blurred or in another language).`, { pageCount: 1, ocr: 'empty' });
  }
  opts.onProgress?.({ page: 1, pages: 1 });
  return {
    title: null, pageCount: 1, warnings: [],
    pages: [{ pageNo: 1, label: '1', text, headingPath: [], ocr: true }],
    stats: { ocrPages: 1, ocrMs: Date.now() - started },
  };
}

function titleFromFirstLine(text: string): string | null {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > 0 && line.length <= 120 ? line : null;
}

export async function extractDocument(bytes: Uint8Array, filename: string, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  if (bytes.length === 0) throw new BscError('EMPTY_FILE', `"${filename}" is empty (0 bytes).`, { filename });
  if (opts.maxBytes !== undefined && bytes.length > opts.maxBytes) {
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    throw new BscError('TOO_LARGE', `"${filename}" is ${mb(bytes.length)} MB; the limit is ${mb(opts.maxBytes)} MB.`, {
      filename,
      bytes: bytes.length,
      maxBytes: opts.maxBytes,
    });
  }
  throwIfCancelled(opts.signal);
  const kind = detectKind(bytes, filename);
  const mime = mimeByKind[kind];

  if (kind === 'pdf') {
    const pdf = await extractPdf(bytes, opts);
    return { kind, mime, ...pdf };
  }
  if (kind === 'image') {
    return { kind, mime: imageMime(bytes) ?? mime, ...(await extractImage(bytes, filename, opts)) };
  }

  let result: { pages: ExtractedDocument['pages']; title: string | null; warnings: string[] };
  if (kind === 'docx') {
    result = await extractDocx(bytes);
  } else {
    if (looksBinary(bytes)) throw unsupported(filename, 'a binary file, not text');
    const decoded = decodeText(bytes);
    const warnings = decoded.guessed ? [`The text encoding was guessed as ${decoded.encoding}.`] : [];
    if (kind === 'markdown') result = { ...markdownToPages(decoded.text), warnings };
    else {
      const pages = plainTextToPages(decoded.text);
      result = { pages, title: titleFromFirstLine(pages[0]?.text ?? ''), warnings };
    }
  }
  throwIfCancelled(opts.signal);
  if (!result.pages.some((p) => p.text !== '')) {
    throw new BscError('NO_TEXT', `"${filename}" contains no text.`, { pageCount: result.pages.length });
  }
  opts.onProgress?.({ page: result.pages.length, pages: result.pages.length });
  return { kind, mime, title: result.title, pageCount: result.pages.length, pages: result.pages, warnings: result.warnings };
}
