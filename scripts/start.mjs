// `npm start`: the desktop app when Electron's binary is there; otherwise one line saying why,
// then the same app in the browser mode at http://127.0.0.1:<port>/?token=…, opened in the default
// browser (unless CI or BSC_NO_OPEN is set).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
  const server = spawn(process.execPath, [path.join(root, 'dist/main/server.js'), ...args], { stdio: ['inherit', 'pipe', 'inherit'] });
  let opened = false;
  readLines(server.stdout, (line) => {
    console.log(line);
    const url = line.match(/serving (http:\/\/\S+)/)?.[1];
    if (url && !opened) {
      opened = true;
      console.log(openInBrowser(url));
    }
  });
  const forward = (sig) => () => server.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  server.on('exit', (code) => process.exit(code ?? 0));
}

function readLines(stream, onLine) {
  let rest = '';
  stream.on('data', (d) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => { if (rest) onLine(rest); });
}

/**
 * Opens the default browser at the tokened URL, through a private redirect page (as Jupyter does)
 * so the token is not on the opener's command line for other users' `ps` to read. One line back.
 */
function openInBrowser(url) {
  if (process.env.CI || process.env.BSC_NO_OPEN) return `Open ${url} in your browser (not opened automatically: ${process.env.CI ? 'CI' : 'BSC_NO_OPEN'} is set).`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-open-'));
  const page = path.join(dir, 'open-agente-bsc.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  fs.writeFileSync(page, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Agente BSC</title><a href="${escaped}">Agente BSC</a>\n`, { mode: 0o600 });
  const [cmd, ...cmdArgs] = process.platform === 'darwin' ? ['open', page] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', page] : ['xdg-open', page];
  try {
    const child = spawn(cmd, cmdArgs, { stdio: 'ignore', detached: true });
    child.on('error', () => console.log(`Could not start ${cmd}: open ${url} in your browser.`));
    child.unref();
  } catch (err) {
    return `Could not open a browser (${err.message}): open ${url} in your browser.`;
  }
  // The page is read once by the browser; it is removed a minute later, or when we stop.
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  setTimeout(remove, 60_000).unref();
  process.once('exit', remove);
  return 'Opened Agente BSC in your default browser.';
}
