// The app icon set electron-builder picks up from build/ (buildResources): PNGs per size for Linux,
// an .ico for Windows and an .icns for macOS, each with the sizes those systems ask for.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './package-app';

const build = path.join(repoRoot, 'build');
const pngSize = (data: Buffer) => {
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
};

describe('app icons under build/', () => {
  it('has a square PNG for every size from 16 to 1024 (Linux, and the source of the others)', () => {
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(fs.readFileSync(path.join(build, `icons/${n}x${n}.png`))), `${n}`).toEqual([n, n]);
    expect(pngSize(fs.readFileSync(path.join(build, 'icon.png')))).toEqual([1024, 1024]);
  });

  it('has a Windows .ico with 16 to 256 pixel images', () => {
    const ico = fs.readFileSync(path.join(build, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const at = 6 + 16 * i;
      const [w] = pngSize(ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8)));
      expect(ico.readUInt8(at) || 256).toBe(w);
      return w;
    });
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('has a macOS .icns with 32 to 1024 pixel PNG entries', () => {
    const icns = fs.readFileSync(path.join(build, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries: Record<string, number> = {};
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      entries[icns.subarray(at, at + 4).toString('ascii')] = pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))[0]!;
    }
    expect(entries).toEqual({ ic11: 32, ic12: 64, ic07: 128, ic13: 256, ic08: 256, ic14: 512, ic09: 512, ic10: 1024 });
  });
});
