import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The Electron binary to test with: $ELECTRON_PATH, else the electron package's downloaded one; null with the reason. */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): { path: string | null; why: string } {
  if (env.ELECTRON_PATH) {
    return fs.existsSync(env.ELECTRON_PATH) ? { path: env.ELECTRON_PATH, why: 'ELECTRON_PATH' } : { path: null, why: `ELECTRON_PATH=${env.ELECTRON_PATH} does not exist` };
  }
  const pkg = path.join(repoRoot, 'node_modules/electron');
  if (!fs.existsSync(pkg)) return { path: null, why: 'the electron package is not installed' };
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return { path: null, why: 'the electron package has not downloaded its binary (node node_modules/electron/install.js needs access to GitHub), and ELECTRON_PATH is not set' };
  const binary = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? { path: binary, why: 'the electron package' } : { path: null, why: `the electron package's binary is missing at ${binary}` };
}
