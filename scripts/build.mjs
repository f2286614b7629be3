// Builds what runs: main-side bundles with esbuild (fast, one file per process) and the
// renderer with Vite. `node scripts/build.mjs main` or `renderer` builds one half.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const want = new Set(process.argv.slice(2).filter((a) => !a.startsWith('-')));
const all = want.size === 0;
const quiet = process.argv.includes('--quiet');

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
