// Tesseract's trained data comes from the @tesseract.js-data npm packages installed with the app:
// nothing is downloaded at run time. tesseract.js reads every language from one folder, while each
// package keeps its own, so the files are gathered (copied once) into a folder of our own.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BscError } from '../../errors';

/** Languages whose data ships with the app. */
export const installedOcrLanguages = ['por', 'eng'] as const;

// The LSTM-only integer models: what tesseract.js uses by default (OEM 1), smaller and faster.
const modelFolder = '4.0.0_best_int';

const require = createRequire(import.meta.url);

/** The gzipped trained data of one language, inside its npm package. */
export function trainedDataFile(lang: string): string {
  if (!/^[a-z_]{3,10}$/.test(lang)) throw new BscError('BAD_INPUT', `"${lang}" is not an OCR language code.`);
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
  } catch {
    throw new BscError('BAD_INPUT', `OCR language "${lang}" is not installed (installed: ${installedOcrLanguages.join(', ')}).`);
  }
  return path.join(pkg, modelFolder, `${lang}.traineddata.gz`);
}

/** The per-user folder the data is gathered in: private (0700) and owned by us, or refused. */
function privateFolder(root: string): string {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(root);
  // Another user could have made this folder first in a shared temp dir and planted models in it.
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
    throw new BscError('INTERNAL', `OCR cannot use ${root}: it is not a private folder of this user.`);
  }
  return root;
}

const defaultRoot = (): string => path.join(os.tmpdir(), `agente-bsc-tessdata-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);

/** A folder holding `<lang>.traineddata.gz` for every language asked for; reused across runs. */
export function prepareLangPath(languages: readonly string[], root = defaultRoot()): string {
  if (languages.length === 0) throw new BscError('BAD_INPUT', 'No OCR language is selected.');
  privateFolder(root);
  for (const lang of languages) {
    const source = fs.readFileSync(trainedDataFile(lang));
    const target = path.join(root, `${lang}.traineddata.gz`);
    // Byte-for-byte the package's file, or it is copied again (a few MB, once).
    if (fs.existsSync(target) && source.equals(fs.readFileSync(target))) continue;
    // Write then rename: two importers starting together never read half a file.
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, source, { mode: 0o600 });
    fs.renameSync(tmp, target);
  }
  return root;
}
