// The installed app, launched for real: the unpacked package electron-builder made
// (out/linux-unpacked, or $BSC_PACKAGED_APP). Playwright cannot drive it (the fuses turn off
// --inspect, as they should), so this starts the executable and reads what it leaves in a fresh
// data folder: the engine's log says it is ready, and the library database exists at the latest
// schema. That proves better-sqlite3 was rebuilt for Electron's ABI, sqlite-vec loads from
// app.asar.unpacked, and the engine runs from the asar. Skips, saying why, without a package.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../main/engine/db/migrate';
import { readWriterLock } from '../../main/engine/settings/writer-lock';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const executable = process.env.BSC_PACKAGED_APP ?? path.join(repoRoot, 'out/linux-unpacked/agente-bsc');
/** A real Electron binary is large; the packaging test's stand-in is a small shell script. */
const isRealApp = fs.existsSync(executable) && fs.statSync(executable).size > 10_000_000;
if (!isRealApp) console.log(`Packaged-app launch skipped: no packaged app at ${executable} (npm run package -- --dir, on Linux).`);

function logLines(dataDir: string): Array<{ level: string; msg: string }> {
  const dir = path.join(dataDir, 'logs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string }));
}

describe.skipIf(!isRealApp)('the packaged app, launched', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-packaged-'));
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts its engine from the asar, opens and migrates the library, holds the data folder, and lets it go on quit', async () => {
    let output = '';
    child = spawn(executable, [], { env: { ...process.env, BSC_DATA_DIR: dataDir, BSC_NO_UPDATES: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    await expect.poll(() => logLines(dataDir).some((l) => l.msg === 'engine ready'), { timeout: 60_000, interval: 250 }).toBe(true);
    expect(logLines(dataDir).filter((l) => l.level === 'error'), output).toEqual([]);
    expect(readWriterLock(dataDir)).toMatchObject({ kind: 'app', pid: child.pid });
    await expect.poll(() => {
      if (!fs.existsSync(path.join(dataDir, 'library.sqlite'))) return -1;
      const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true, fileMustExist: true });
      try { return db.pragma('user_version', { simple: true }) as number; } finally { db.close(); }
    }, { timeout: 30_000 }).toBe(LATEST_SCHEMA_VERSION);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    expect(fs.existsSync(path.join(dataDir, 'writer.lock'))).toBe(false);
  }, 120_000);
});
