// Renders build/icon.svg into the app's icon set with ImageMagick (`convert`) and writes the
// Windows .ico and macOS .icns containers itself (both accept PNG payloads; ImageMagick 6 cannot
// write .icns). Output, as electron-builder looks for it (buildResources = build/):
//   build/icons/<n>x<n>.png (Linux), build/icon.png (1024), build/icon.ico, build/icon.icns
// Run: node build/make-icons.mjs (the results are committed; rerun after changing icon.svg).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS entry types holding PNG data, by pixel size (the @2x types reuse the larger renders).
const ICNS_TYPES = [['ic11', 32], ['ic12', 64], ['ic07', 128], ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024]];

function icoFile(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); e.writeUInt8(size >= 256 ? 0 : size, 1); // 0 means 256
    e.writeUInt16LE(1, 4); e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8); e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

function icnsFile(entries) {
  const chunks = entries.map(({ type, data }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii'); h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const body = Buffer.concat(chunks);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii'); h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

export function makeIcons(outDir = here) {
  const svg = path.join(here, 'icon.svg');
  fs.mkdirSync(path.join(outDir, 'icons'), { recursive: true });
  const png = (n) => path.join(outDir, 'icons', `${n}x${n}.png`);
  for (const n of PNG_SIZES) {
    execFileSync('convert', ['-background', 'none', '-density', String(Math.max(72, Math.ceil((n / 1024) * 96 * 4))), svg, '-resize', `${n}x${n}`, '-strip', `PNG32:${png(n)}`]);
  }
  fs.copyFileSync(png(1024), path.join(outDir, 'icon.png'));
  const read = (n) => fs.readFileSync(png(n));
  fs.writeFileSync(path.join(outDir, 'icon.ico'), icoFile(ICO_SIZES.map((size) => ({ size, data: read(size) }))));
  fs.writeFileSync(path.join(outDir, 'icon.icns'), icnsFile(ICNS_TYPES.map(([type, size]) => ({ type, data: read(size) }))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  makeIcons();
  console.log(`icons written to ${path.relative(process.cwd(), here) || '.'}/`);
}
