// `npm start`: the desktop app when Electron's binary is there; otherwise one line saying why,
// then the same app in the browser mode at http://127.0.0.1:<port>.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

/** Electron 42+ downloads its binary on first launch; try that once, quietly and briefly. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, why: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const existing = fs.existsSync(pathFile) ? path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8')) : null;
  if (existing && fs.existsSync(existing)) return { path: existing, why: null };
  if (process.env.BSC_NO_ELECTRON_DOWNLOAD) return { path: null, why: 'its binary is not downloaded (BSC_NO_ELECTRON_DOWNLOAD is set)' };
  const fetched = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], { encoding: 'utf8', timeout: 60_000 });
  const now = fs.existsSync(pathFile) ? path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8')) : null;
  if (fetched.status === 0 && now && fs.existsSync(now)) return { path: now, why: null };
  const reason = `${fetched.stderr ?? ''}${fetched.error?.message ?? ''}`.match(/(fetch failed|ENOTFOUND \S+|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN \S+|timed out|\d{3} \w+)/)?.[0] ?? 'the download failed';
  return { path: null, why: `its binary could not be downloaded from Electron's GitHub releases (${reason})` };
}

const electron = electronBinary();
if (electron.path && !process.env.BSC_BROWSER) {
  // Electron loads better-sqlite3 built for its own ABI: a staged copy (out/electron-app), rebuilt
  // once per dependency change, so the repo's node_modules keep Node's builds for tests, CLI, server.
  const { prepareElectronApp } = await import('./stage-app.mjs');
  const appDir = await prepareElectronApp({ log: (m) => console.log(m) });
  const child = spawn(electron.path, [appDir, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Desktop shell unavailable: ${electron.why ?? 'BSC_BROWSER is set'}; serving Agente BSC in your browser instead.`);
  const server = spawn(process.execPath, [path.join(root, 'dist/main/server.js'), ...args], { stdio: 'inherit' });
  const forward = (sig) => () => server.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  server.on('exit', (code) => process.exit(code ?? 0));
}
