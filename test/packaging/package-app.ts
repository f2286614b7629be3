// Packages the desktop app the way `npm run package -- --dir` does, but against a stand-in
// Electron distribution (no Electron binary can be downloaded here) and without the native
// rebuild for Electron's ABI (that needs Electron's headers). Everything else is real:
// scripts/stage-app.mjs, electron-builder with electron-builder.yml, asar, unpacking, fuses.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A fuse's byte in Electron's binary: ASCII '1' on, '0' off (@electron/fuses' FuseState, not exported). */
export const FuseState = { ENABLE: 0x31, DISABLE: 0x30 } as const;

/** Electron's fuse sentinel; the wire after it is version 1, 8 fuses, in Electron's default states. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_WIRE = [FuseState.ENABLE, FuseState.DISABLE, FuseState.ENABLE, FuseState.ENABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.ENABLE];

/**
 * A folder shaped like an unpacked Linux Electron: an `electron` executable that only says it is
 * a stand-in, carrying the same fuse wire as the real binary so electron-builder flips its fuses.
 */
export function makeStandInElectron(dir: string, version: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron: no real binary here" >&2\nexit 1\n# ');
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE]), Buffer.from('\n')]);
  fs.writeFileSync(path.join(dir, 'electron'), Buffer.concat([script, wire]), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'version'), `v${version}`);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in\n');
  return dir;
}

export function electronVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export interface PackagedApp {
  /** linux-unpacked/ */
  appOutDir: string;
  resources: string;
  asar: string;
  unpacked: string;
  executable: string;
  log: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.status}):\n${log.slice(-4000)}`);
  return log;
}

/** Builds if needed, stages the app into `work`/app and packages it into `work`/out with electron-builder. */
export function packageWithStandIn(work: string): PackagedApp {
  if (!fs.existsSync(path.join(repoRoot, 'dist/main/electron.js')) || !fs.existsSync(path.join(repoRoot, 'dist/renderer/index.html'))) {
    run(process.execPath, ['scripts/build.mjs', '--quiet']);
  }
  const app = path.join(work, 'app');
  const out = path.join(work, 'out');
  run(process.execPath, ['scripts/stage-app.mjs', '--link', '--quiet', '--out', app]);
  const dist = makeStandInElectron(path.join(work, 'electron-dist'), electronVersion());
  const log = run(path.join(repoRoot, 'node_modules/.bin/electron-builder'), [
    '--linux', 'dir', '--publish', 'never',
    `-c.electronDist=${dist}`, '-c.npmRebuild=false',
    `-c.directories.app=${app}`, `-c.directories.output=${out}`,
  ], { ...process.env, CI: '1' });
  const appOutDir = path.join(out, 'linux-unpacked');
  const resources = path.join(appOutDir, 'resources');
  return { appOutDir, resources, asar: path.join(resources, 'app.asar'), unpacked: path.join(resources, 'app.asar.unpacked'), executable: path.join(appOutDir, 'agente-bsc'), log };
}
