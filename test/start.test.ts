import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDataDir, waitFor } from './run-server';

const electronBinaryPresent = (() => {
  const pathFile = path.join(repoRoot, 'node_modules/electron/path.txt');
  return fs.existsSync(pathFile) && fs.existsSync(path.join(repoRoot, 'node_modules/electron/dist', fs.readFileSync(pathFile, 'utf8')));
})();
if (electronBinaryPresent) console.log('skipped npm start fallback test: the Electron binary is installed here, so npm start opens the desktop app');

/** A stand-in `xdg-open` first on PATH: records what it was asked to open, as the desktop's opener would receive it. */
function fakeOpener(): { bin: string; record: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-opener-'));
  const record = path.join(bin, 'opened.txt');
  fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" > "${record}.tmp"\ncat "$1" >> "${record}.tmp"\nmv "${record}.tmp" "${record}"\n`, { mode: 0o755 });
  return { bin, record };
}

describe.skipIf(electronBinaryPresent)('npm start without the Electron binary', () => {
  it('says so in one line, opens the browser at the tokened link, and keeps HTTP requests off the terminal', async () => {
    const dataDir = tempDataDir();
    const opener = fakeOpener();
    const { CI: _ci, BSC_NO_OPEN: _no, ...env } = process.env;
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.mjs'), '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, PATH: `${opener.bin}${path.delimiter}${process.env.PATH}` },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      const printed = await waitFor(async () => out.match(/serving (http:\/\/\S+)/)?.[1], 90_000, `a URL printed:\n${out}`);
      const url = new URL(printed);
      expect(url.searchParams.get('token')).toMatch(/^[\w-]{32}$/);
      const notice = out.split('\n').filter((l) => l.startsWith('Desktop shell unavailable'));
      expect(notice).toHaveLength(1);
      expect(notice[0]).toMatch(/serving Agente BSC in your browser instead/);
      // The opener gets a private redirect page, not the token on its command line.
      const opened = await waitFor(async () => (fs.existsSync(opener.record) ? fs.readFileSync(opener.record, 'utf8') : undefined), 10_000, 'the browser opened');
      const [pagePath, ...page] = opened.split('\n');
      expect(pagePath).not.toContain(url.searchParams.get('token')!);
      expect(page.join('\n')).toContain(`url=${printed}`);
      await waitFor(async () => (out.includes('Opened Agente BSC in your default browser.') ? true : undefined), 5_000, 'the one-line notice');
      // Requests are logged to the file, not the terminal.
      const health = await fetch(`${url.origin}/health`);
      expect(health.status).toBe(200);
      const pageRes = await fetch(`${url.origin}/`);
      expect(await pageRes.text()).toContain('<div id="root">');
      const exchanged = await fetch(printed, { redirect: 'manual' });
      expect(exchanged.status).toBe(303);
      await new Promise((r) => setTimeout(r, 300));
      expect(out).not.toMatch(/"path":"\/health"|\] http\b/);
      expect(fs.readFileSync(path.join(dataDir, 'logs', 'bsc.log'), 'utf8')).toMatch(/"path":"\/health"/);
      expect(out.trim().split('\n').length).toBeLessThanOrEqual(4);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(opener.bin, { recursive: true, force: true });
    }
  }, 120_000);
});
