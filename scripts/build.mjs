// Builds what runs: main-side bundles with esbuild (fast, one file per process) and the
// renderer with Vite. `node scripts/build.mjs main` or `renderer` builds one half.
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const want = new Set(process.argv.slice(2).filter((a) => !a.startsWith('-')));
const all = want.size === 0;
const quiet = process.argv.includes('--quiet');

/** Writes each output by rename, so a process started mid-build never loads half a file. */
async function build(options) {
  const result = await esbuild({ ...options, write: false });
  for (const out of result.outputFiles) {
    fs.mkdirSync(path.dirname(out.path), { recursive: true });
    const tmp = `${out.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out.contents);
    fs.renameSync(tmp, out.path);
  }
}

if (all || want.has('main')) {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
    absWorkingDir: root,
  };
  // Node-side processes: dependencies stay in node_modules (native modules cannot be bundled).
  await build({
    ...common,
    format: 'esm',
    packages: 'external',
    outdir: 'dist/main',
    entryPoints: {
      'engine-process': 'main/engine/engine-process.ts',
      'extract-worker': 'main/engine/ingest/extract-worker.ts',
      'reader-pool-worker': 'main/engine/retrieval/reader-pool-worker.ts',
      server: 'main/server/index.ts',
      cli: 'main/cli/index.ts',
      electron: 'main/electron/main.ts',
    },
  });
  // A sandboxed preload can only require('electron'): bundle everything else into it, as CommonJS.
  await build({
    ...common,
    format: 'cjs',
    external: ['electron'],
    outfile: 'dist/preload/index.cjs',
    entryPoints: ['preload/index.ts'],
  });
}

if (all || want.has('renderer')) {
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', quiet ? 'error' : 'warn'], { cwd: root, stdio: 'inherit' });
}
