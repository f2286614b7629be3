// A decompression bomb for tests and the bench: a small PDF whose only page's content stream is
// Flate-compressed zeros that expand to `decodedBytes` (2 GiB packs into about 2 MB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';

async function deflatedZeros(decodedBytes: number): Promise<Buffer> {
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const block = Buffer.alloc(16 * 1024 * 1024);
  for (let left = decodedBytes; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat(parts);
}

/** The bomb PDF's bytes; cached in the temp folder because packing 2 GiB takes a few seconds. */
export async function flateBombPdf(decodedBytes = 2 * 1024 ** 3): Promise<Uint8Array> {
  const cache = path.join(os.tmpdir(), `agente-bsc-flate-bomb-${decodedBytes}.pdf`);
  if (fs.existsSync(cache)) return new Uint8Array(fs.readFileSync(cache));
  const packed = await deflatedZeros(decodedBytes);
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const dict = pdf.context.obj({});
  dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  dict.set(PDFName.of('Length'), PDFNumber.of(packed.length));
  const ref = pdf.context.register(PDFRawStream.of(dict, packed));
  page.node.set(PDFName.of('Contents'), ref);
  const bytes = await pdf.save({ useObjectStreams: false });
  const tmp = `${cache}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, cache);
  return bytes;
}
