// Refuses decompression bombs before pdf.js sees them: every Flate stream of the file is inflated
// into a counter (nothing kept) and the file is refused as soon as one would expand beyond the limit.
// pdf.js would otherwise decode such a stream into one growing buffer outside the JS heap.
import zlib from 'node:zlib';
import { BscError } from '../errors';

/** Decoded size above which one stream is refused: far above any real page content or scan. */
export const defaultMaxDecodedStreamBytes = 256 * 1024 * 1024;

const streamKeyword = /stream\r?\n/g;

/** How many bytes a zlib stream expands to, counting up to `limit` + 1 (then it stops). */
function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 256 * 1024 });
    let total = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inflate.destroy();
      resolve(total);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) finish();
    });
    // Damaged or encrypted data: pdf.js decides what to make of it; the memory ceiling still holds.
    inflate.on('error', finish);
    inflate.on('end', finish);
    inflate.end(data);
  });
}

/** The dictionary text before a `stream` keyword (back to its object header). */
function dictionaryBefore(text: string, at: number): string {
  const start = Math.max(0, text.lastIndexOf(' obj', at), at - 4096);
  return text.slice(start, at);
}

/** Throws TOO_LARGE when a Flate stream of the PDF expands beyond `maxDecodedBytes`. */
export async function refuseOversizedStreams(bytes: Uint8Array, maxDecodedBytes = defaultMaxDecodedStreamBytes, filename = 'This PDF'): Promise<void> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const m of text.matchAll(streamKeyword)) {
    const start = (m.index ?? 0) + m[0].length;
    if (text.slice(Math.max(0, (m.index ?? 0) - 3), m.index).endsWith('end')) continue; // "endstream"
    if (!dictionaryBefore(text, m.index ?? 0).includes('FlateDecode')) continue;
    const end = text.indexOf('endstream', start);
    const data = bytes.subarray(start, end < 0 ? bytes.length : end);
    // A stream can expand at most ~1032× (deflate's limit): a small one cannot be a bomb.
    if (data.length * 1032 <= maxDecodedBytes) continue;
    const size = await inflatedSize(data, maxDecodedBytes);
    if (size > maxDecodedBytes) {
      const mb = Math.round(maxDecodedBytes / 1048576);
      throw new BscError('TOO_LARGE', `${filename} holds a compressed stream that expands beyond ${mb} MB (${(data.length / 1048576).toFixed(1)} MB packed); it was not imported, to protect memory.`, {
        reason: 'stream', offset: start, packedBytes: data.length, maxDecodedBytes,
      });
    }
  }
}
