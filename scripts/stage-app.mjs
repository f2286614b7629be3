// Stages the desktop app for electron-builder: a folder with the built dist/, a package.json whose
// `main` is the Electron entry, and a private copy of the production node_modules.
//
// Why a staging folder: the repo's node_modules hold Node's builds of better-sqlite3 (used by
// `npm test`, the CLI and the server). Electron needs the same modules built for its own ABI.
// electron-builder rebuilds native modules (install-app-deps / @electron/rebuild) inside its app
// directory; pointed at the repo that would overwrite Node's builds in place. Pointed at this
// staged copy (`directories.app` in electron-builder.yml) it rebuilds the copy only. This is
// electron-builder's own two-package.json layout, produced by a script instead of kept by hand,
// so the repo keeps one package.json and one lockfile.
//
// `node scripts/stage-app.mjs [--out DIR] [--link]`; --link hard-links unchanged files instead of
// copying (fast, for the packaging test); modules that get rebuilt are always real copies.
// `node scripts/stage-app.mjs --electron` prepares out/electron-app for a real Electron in
// development (npm start, test/e2e-electron): the same staging, better-sqlite3 rebuilt for Electron.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Copies a tree; with `link`, files are hard links (falls back to a copy across devices). */
function copyTree(from, to, link, skip = () => false) {
  if (skip(from)) return;
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(from)) copyTree(path.join(from, name), path.join(to, name), link, skip);
  } else if (link) {
    try { fs.linkSync(from, to); } catch { fs.copyFileSync(from, to); }
  } else {
    fs.copyFileSync(from, to);
  }
}

/** Top-level package folders (node_modules/x, node_modules/@s/x) that production needs. */
export function productionPackages(projectDir = root) {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: projectDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
  const top = new Set();
  const nm = path.join(projectDir, 'node_modules') + path.sep;
  for (const line of out.split(/\r?\n/)) {
    if (!line.startsWith(nm)) continue;
    const parts = line.slice(nm.length).split(path.sep);
    top.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...top].sort();
}

/** A package electron-builder will rebuild for Electron (it has a node-gyp build). */
const rebuiltNatively = (dir) => fs.existsSync(path.join(dir, 'binding.gyp'));

/**
 * Production packages the app never loads: typescript (a peer of i18next and the Qdrant client)
 * and cpu-features (an optional addon of ssh2, never built here: allowScripts), which
 * electron-builder would otherwise try to compile for Electron.
 */
const NOT_AT_RUNTIME = new Set(['typescript', 'cpu-features']);

export function stageApp({ projectDir = root, out = path.join(projectDir, 'out', 'app'), link = false, platform = process.platform } = {}) {
  const dist = path.join(projectDir, 'dist');
  for (const f of ['main/electron.js', 'main/engine-process.js', 'preload/index.cjs', 'renderer/index.html']) {
    if (!fs.existsSync(path.join(dist, f))) throw new Error(`dist/${f} is missing: run node scripts/build.mjs first`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
  const appPkg = {
    name: pkg.name, productName: pkg.productName, version: pkg.version, description: pkg.description,
    license: pkg.license, author: pkg.author ?? { name: 'Agente BSC', email: 'contato@agentebsc.com.br' },
    homepage: pkg.homepage ?? 'https://agentebsc.com.br',
    type: pkg.type, main: 'dist/main/electron.js', dependencies: pkg.dependencies,
  };
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(appPkg, null, 2)}\n`);
  // Source maps stay in the repo's dist/ for development; the installed app does not ship them.
  for (const part of ['main', 'preload', 'renderer']) copyTree(path.join(dist, part), path.join(out, 'dist', part), link, (f) => f.endsWith('.map'));
  const packages = productionPackages(projectDir).filter((name) => !NOT_AT_RUNTIME.has(name));
  // onnxruntime-node ships every platform's binaries (300 MB); the app needs its own.
  const otherPlatforms = new RegExp(`[\\\\/]onnxruntime-node[\\\\/]bin[\\\\/]napi-v\\d+[\\\\/](?!${platform}$)[^\\\\/]+$`);
  for (const name of packages) {
    const from = path.join(projectDir, 'node_modules', name);
    copyTree(from, path.join(out, 'node_modules', name), link && !rebuiltNatively(from), (f) => otherPlatforms.test(f));
  }
  return { out, packages: packages.length };
}

function electronVersion(projectDir) {
  return JSON.parse(fs.readFileSync(path.join(projectDir, 'node_modules/electron/package.json'), 'utf8')).version;
}

function stampOf(projectDir) {
  const lock = fs.readFileSync(path.join(projectDir, 'package-lock.json'));
  return JSON.stringify({ lock: createHash('sha256').update(lock).digest('hex'), electron: electronVersion(projectDir), platform: process.platform, arch: process.arch });
}

/**
 * The app for a real Electron in development (`npm start`, the Electron e2e suite): the staged
 * folder with better-sqlite3 rebuilt for Electron's ABI. The copy and rebuild happen again only
 * when package-lock.json or Electron's version changes; dist/ is refreshed every time.
 */
export async function prepareElectronApp({ projectDir = root, out = path.join(projectDir, 'out', 'electron-app'), log = () => {} } = {}) {
  const stampFile = path.join(out, '.stage-stamp.json');
  const stamp = stampOf(projectDir);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    fs.rmSync(path.join(out, 'dist'), { recursive: true, force: true });
    for (const part of ['main', 'preload', 'renderer']) copyTree(path.join(projectDir, 'dist', part), path.join(out, 'dist', part), false);
    return out;
  }
  log(`preparing the desktop app in ${path.relative(projectDir, out)}: native modules rebuilt for Electron ${electronVersion(projectDir)} (once per dependency change)`);
  stageApp({ projectDir, out, link: true });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: out, electronVersion: electronVersion(projectDir), force: true, onlyModules: ['better-sqlite3'] });
  fs.writeFileSync(stampFile, stamp);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const started = Date.now();
  if (args.includes('--electron')) {
    const out = await prepareElectronApp({ log: (m) => console.log(m) });
    console.log(out);
    process.exit(0);
  }
  const platformAt = args.indexOf('--platform');
  const { out, packages } = stageApp({
    out: outAt >= 0 ? path.resolve(args[outAt + 1]) : undefined,
    link: args.includes('--link'),
    platform: platformAt >= 0 ? args[platformAt + 1] : undefined,
  });
  if (!args.includes('--quiet')) console.log(`staged the app in ${path.relative(root, out) || out} (${packages} packages, ${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
