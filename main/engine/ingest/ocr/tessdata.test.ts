import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { prepareLangPath, trainedDataFile } from './tessdata';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('gathers the installed Portuguese and English models into one private folder, replacing a tampered copy', () => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-tess-')), 'data');
  dirs.push(path.dirname(root));
  expect(prepareLangPath(['por', 'eng'], root)).toBe(root);
  expect(fs.readFileSync(path.join(root, 'por.traineddata.gz')).equals(fs.readFileSync(trainedDataFile('por')))).toBe(true);
  expect(fs.statSync(root).mode & 0o777).toBe(0o700);
  const size = fs.statSync(path.join(root, 'eng.traineddata.gz')).size;
  fs.writeFileSync(path.join(root, 'eng.traineddata.gz'), Buffer.alloc(size, 1)); // same size, other bytes
  prepareLangPath(['eng'], root);
  expect(fs.readFileSync(path.join(root, 'eng.traineddata.gz')).equals(fs.readFileSync(trainedDataFile('eng')))).toBe(true);
});

it('says which languages are installed when asked for another', () => {
  expect(() => trainedDataFile('spa')).toThrow(/not installed \(installed: por, eng\)/);
  expect(() => trainedDataFile('../x')).toThrow(/not an OCR language code/);
});
