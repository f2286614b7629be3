import fs from 'node:fs';
import { afterEach } from 'vitest';
import { runCli } from '../main/cli/index';

/** Runs `bsc` in this process and captures what it prints. */
export async function bsc(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** Folders a test file makes; each is removed after every test. Call at the top of the file. */
export function removedAfterEach(): string[] {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
  return dirs;
}
