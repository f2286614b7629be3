// The packaged desktop app, checked without an Electron binary: electron-builder packages the staged
// app against a stand-in Electron; we read what it produced with @electron/asar, then run the
// packaged engine from that output under Node with the packaged resources folder.
// Not covered here: the Electron ABI of better-sqlite3 (npmRebuild is off; the release workflow
// rebuilds it) and a real launch (test/e2e-electron/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractAll, extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { ImportJob } from '../../preload/contract';
import { EngineHost, forkEngine } from '../../main/engine/host';
import { silentLog } from '../../main/engine/observability/log';
import { FuseState, type PackagedApp, packageWithStandIn, repoRoot } from './package-app';

const onLinux = process.platform === 'linux';
if (!onLinux) console.log('packaging test skipped: it packages for Linux with a stand-in Electron, and runs only on Linux');

describe.skipIf(!onLinux)('packaged desktop app (electron-builder, stand-in Electron)', () => {
  let work: string;
  let pkg: PackagedApp;
  let files: Set<string>;
  let extracted: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-package-'));
    pkg = packageWithStandIn(work);
    files = new Set(listPackage(pkg.asar, { isPack: false }).map((f) => f.replace(/\\/g, '/').replace(/^\//, '')));
    extracted = path.join(work, 'extracted');
    extractAll(pkg.asar, extracted);
  }, 240_000);

  afterAll(async () => { if (work) await fs.promises.rm(work, { recursive: true, force: true }); }, 180_000);

  it('package.json main is what the build writes, and it exists in app.asar', () => {
    const root = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    const packaged = JSON.parse(extractFile(pkg.asar, 'package.json').toString('utf8')) as { main: string };
    expect(root.main).toBe('dist/main/electron.js');
    expect(packaged.main).toBe(root.main);
    expect(files.has(packaged.main)).toBe(true);
  });

  it('every import of the main, engine and worker bundles resolves inside the package', () => {
    const bundles = ['electron.js', 'engine-process.js', 'extract-worker.js', 'reader-pool-worker.js'];
    const probe = path.join(extracted, 'dist/main/resolve-probe.mjs');
    // import.meta.resolve from the bundles' own folder: Node's resolution over the packaged node_modules.
    fs.writeFileSync(probe, `const out = {};\nfor (const s of JSON.parse(process.argv[2])) { try { out[s] = import.meta.resolve(s); } catch (e) { out[s] = 'UNRESOLVED ' + e.code; } }\nconsole.log(JSON.stringify(out));\n`);
    const specifiers = new Set<string>();
    for (const b of bundles) {
      expect(files.has(`dist/main/${b}`), b).toBe(true);
      const code = fs.readFileSync(path.join(extracted, 'dist/main', b), 'utf8');
      // esbuild writes top-level imports at the start of a line; dynamic ones as import("x").
      for (const m of code.matchAll(/^(?:import|export)\b[^;'"]*?["']([^"']+)["'];|\bimport\(\s*["']([^"']+)["']\s*\)/gm)) specifiers.add((m[1] ?? m[2])!);
    }
    const external = [...specifiers].filter((s) => !s.startsWith('node:') && s !== 'electron' && !s.startsWith('.'));
    expect(external.length).toBeGreaterThan(5);
    const r = spawnSync(process.execPath, [probe, JSON.stringify(external)], { encoding: 'utf8' });
    const resolved = JSON.parse(r.stdout) as Record<string, string>;
    const outside = Object.entries(resolved).filter(([, url]) => !url.startsWith('node:') && !url.startsWith(`file://${extracted}/`));
    expect(outside, 'imports that do not resolve inside the package').toEqual([]);
  });

  it('the preload and the renderer (index.html and the assets it loads) are in app.asar', () => {
    expect(files.has('dist/preload/index.cjs')).toBe(true);
    expect(files.has('dist/renderer/index.html')).toBe(true);
    const html = extractFile(pkg.asar, 'dist/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(files.has(`dist/renderer/${a}`), a).toBe(true);
    expect([...files].filter((f) => f.startsWith('dist/') && f.endsWith('.map'))).toEqual([]);
  });

  it('native modules and the sqlite-vec extension are in app.asar.unpacked, other platforms\' binaries are not packaged', () => {
    const mustBeUnpacked = [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/sqlite-vec-linux-x64/vec0.so',
    ];
    for (const f of mustBeUnpacked) expect(fs.existsSync(path.join(pkg.unpacked, f)), f).toBe(true);
    expect(fs.existsSync(path.join(pkg.unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/win32'))).toBe(false);
    expect(fs.existsSync(path.join(pkg.unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/darwin'))).toBe(false);
  });

  it('the sample library (and the Qdrant binary and models, when fetched) are under resources/ in the repo\'s layout', () => {
    const sample = fs.readdirSync(path.join(repoRoot, 'resources/sample-library'));
    expect(fs.readdirSync(path.join(pkg.resources, 'sample-library')).sort()).toEqual(sample.sort());
    const qdrant = path.join(repoRoot, `resources/qdrant/linux-${process.arch}`);
    if (fs.existsSync(qdrant)) expect(fs.existsSync(path.join(pkg.resources, `qdrant/linux-${process.arch}/qdrant`))).toBe(true);
    else console.log(`  (no resources/qdrant/linux-${process.arch}: run npm run fetch-qdrant to bundle Qdrant)`);
    if (fs.existsSync(path.join(repoRoot, 'resources/models'))) expect(fs.existsSync(path.join(pkg.resources, 'models'))).toBe(true);
    else console.log('  (no resources/models: run npm run fetch-model to bundle the local model)');
  });

  it('fuses are set: RunAsNode, NODE_OPTIONS and --inspect off; only load from asar; cookies encrypted', async () => {
    const wire = await getCurrentFuseWire(pkg.executable);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
  });

  it('the updater finds its publish host, and nothing of the data folder is in the package', () => {
    const update = YAML.parse(fs.readFileSync(path.join(pkg.resources, 'app-update.yml'), 'utf8')) as { provider: string; owner: string; repo: string };
    expect(update).toMatchObject({ provider: 'github', owner: 'agente-bsc', repo: 'agente-bsc' });
    expect([...files].some((f) => /library\.sqlite|\.bsc-data|settings\.json$/.test(f))).toBe(false);
  });

  it('the packaged engine, run under Node with the packaged resources folder, indexes the sample library and answers', async () => {
    const dataDir = path.join(work, 'data');
    const entry = path.join(extracted, 'dist/main/engine-process.js');
    const spawn = forkEngine(entry);
    const host = new EngineHost({ dataDir, log: silentLog, spawn: (env) => spawn({ ...env, BSC_RESOURCES_DIR: pkg.resources }) });
    await host.start();
    try {
      const loaded = await host.call('library.loadSample');
      if (!loaded.ok) throw new Error(loaded.error.message);
      expect(loaded.value.jobs.length).toBeGreaterThan(3);
      const jobs = await waitForImports(host, loaded.value.jobs.map((j) => j.id));
      expect(jobs.filter((j) => j.state !== 'done').map((j) => [j.filename, j.error?.message])).toEqual([]);
      const answers: unknown[] = [];
      const done = new Promise<{ sources: Array<{ filename: string }>; text: string }>((resolve) => host.on('onAnswer', (e) => { answers.push(e); if (e.type === 'done') resolve(e.answer); }));
      const asked = await host.call('chat.ask', { question: 'Quais indicadores usar na perspectiva financeira?' });
      if (!asked.ok) throw new Error(asked.error.message);
      const answer = await done;
      expect(answer.sources.length).toBeGreaterThan(0);
      const sample = fs.readdirSync(path.join(pkg.resources, 'sample-library'));
      expect(answer.sources.every((s) => sample.includes(s.filename))).toBe(true);
      expect(answer.text.length).toBeGreaterThan(50);
      const status = await host.call('status');
      expect(status.ok && status.value.database.ok).toBe(true);
    } finally {
      await host.stop();
    }
  }, 120_000);
});

async function waitForImports(host: EngineHost, ids: string[], timeoutMs = 90_000): Promise<ImportJob[]> {
  const until = Date.now() + timeoutMs;
  const terminal = new Set(['done', 'failed', 'cancelled', 'needs-password']);
  for (;;) {
    const r = await host.call('library.jobs');
    const jobs = r.ok ? r.value.jobs.filter((j) => ids.includes(j.id)) : [];
    if (jobs.length === ids.length && jobs.every((j) => terminal.has(j.state))) return jobs;
    if (Date.now() > until) throw new Error(`imports did not finish: ${JSON.stringify(jobs.map((j) => [j.filename, j.state]))}`);
    await new Promise((r2) => setTimeout(r2, 200));
  }
}
