// Plain text: decode whatever encoding the file is in, then cut it into page-sized parts so
// citations can point somewhere ("part 3") and no single page holds a whole book.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { normalizeText } from './normalize';
import type { ExtractedPage } from './types';

export interface DecodedText {
  text: string;
  encoding: string;
  /** True when the encoding was guessed statistically rather than read from a BOM or validated as UTF-8. */
  guessed: boolean;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Without a BOM, UTF-16 shows itself by NUL bytes in every other position (for Latin text). */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

/** True when the bytes look like a binary file rather than text in a single-byte or UTF-8 encoding. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (sniffUtf16(bytes) || hasBom(bytes)) return false;
  const n = Math.min(bytes.length, 8192);
  let suspicious = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) suspicious++;
  }
  return suspicious > n * 0.1;
}

function hasBom(bytes: Uint8Array): boolean {
  return (
    (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) ||
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff)
  );
}

/** Decodes text of unknown encoding: BOM, then strict UTF-8, then BOM-less UTF-16, then chardet. */
export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: iconv.decode(buf.subarray(3), 'utf-8'), encoding: 'UTF-8', guessed: false };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'UTF-16LE', guessed: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'UTF-16BE', guessed: false };
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'UTF-8', guessed: false };
  } catch {
    // not UTF-8: fall through to the guesses
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { text: iconv.decode(buf, utf16), encoding: utf16.toUpperCase(), guessed: true };
  let encoding = chardet.detect(bytes) ?? 'windows-1252';
  // Windows-1252 is a superset of Latin-1 for printable text (it adds “ ” – € in 0x80–0x9F), and is
  // what "Latin-1" files written on Windows actually contain.
  if (/^ISO-8859-1$/i.test(encoding) || !iconv.encodingExists(encoding) || /^UTF-(8|16|32)/i.test(encoding)) encoding = 'windows-1252';
  return { text: iconv.decode(buf, encoding), encoding, guessed: true };
}

const targetPageChars = 3000;

/** Splits one over-long paragraph at line ends, so a file without blank lines still gets pages. */
function paragraphPieces(paragraph: string): string[] {
  if (paragraph.length <= targetPageChars * 2) return [paragraph];
  const pieces: string[] = [];
  let current = '';
  for (const line of paragraph.split('\n')) {
    if (current && current.length + line.length + 1 > targetPageChars) {
      pieces.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Groups paragraphs into parts of about `targetPageChars`. */
export function splitIntoParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const paragraph of text.split(/\n[ \t]*\n/).flatMap(paragraphPieces)) {
    if (!paragraph.trim()) continue;
    current = current ? `${current}\n\n${paragraph}` : paragraph;
    if (current.length >= targetPageChars) {
      parts.push(current);
      current = '';
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** Pages of a plain-text file: form feeds are the author's own page breaks; otherwise ~3000-char parts. */
export function plainTextToPages(text: string): ExtractedPage[] {
  const raw = text.includes('\f') ? text.split('\f') : splitIntoParts(text.replace(/\r\n?/g, '\n'));
  // Trailing form feeds leave empty pages behind; a page in the middle may be blank on purpose.
  while (raw.length > 0 && !raw[raw.length - 1]?.trim()) raw.pop();
  return raw.map((part, i) => ({ pageNo: i + 1, label: String(i + 1), text: normalizeText(part), headingPath: [] }));
}
