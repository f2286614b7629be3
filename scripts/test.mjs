// `npm test`: typecheck, lint (with the layering rules), unit and integration tests, then the
// end-to-end tests in Chromium. Ends with one line "N passed, N failed" summing every suite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-test-'));
const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, cmd, args) {
  if (only.length && !only.includes(label)) return null;
  console.log(`\n=== ${label}: ${[path.basename(cmd), ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(label, cmd, args) {
  const r = run(label, cmd, args);
  if (!r) return;
  if (r.status === 0) totals.passed += 1; else totals.failed += 1;
  lines.push(`${label}: ${r.status === 0 ? 'passed' : 'FAILED'} (${r.seconds}s)`);
}

function vitest(label, args) {
  const report = path.join(tmp, `${label}.json`);
  const r = run(label, bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (!r) return;
  let passed = 0, failed = 0, skipped = 0;
  try {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed = json.numPassedTests; failed = json.numFailedTests; skipped = json.numPendingTests + json.numTodoTests;
    // A suite that failed to load has no failed tests but did fail.
    if (r.status !== 0 && failed === 0) failed = 1;
  } catch {
    failed = 1;
  }
  totals.passed += passed; totals.failed += failed; totals.skipped += skipped;
  lines.push(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped (${r.seconds}s)`);
}

// Each layer on its own (main without DOM types, the renderer without Node types), then the whole repo.
check('typecheck main', bin('tsc'), ['-p', 'tsconfig.main.json']);
check('typecheck renderer', bin('tsc'), ['-p', 'tsconfig.renderer.json']);
check('typecheck', bin('tsc'), ['-p', 'tsconfig.json']);
check('lint', bin('eslint'), ['.']);
check('build', process.execPath, ['scripts/build.mjs', '--quiet']);
vitest('unit', []);
vitest('e2e', ['--config', 'vitest.e2e.config.ts']);
// The desktop app in a real Electron: prints one line and skips where no Electron binary exists.
vitest('e2e-electron', ['--config', 'test/e2e-electron/vitest.config.ts']);

console.log('\n=== summary');
for (const l of lines) console.log(`  ${l}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(totals.failed === 0 ? 0 : 1);
