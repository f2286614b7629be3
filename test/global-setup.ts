import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Integration tests run the built processes (engine, server, CLI) exactly as users do.
export default function buildMainOnce(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'main', '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building main failed');
}
