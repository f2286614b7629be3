import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDataDir } from './run-server';

const electronBinaryPresent = (() => {
  const pathFile = path.join(repoRoot, 'node_modules/electron/path.txt');
  return fs.existsSync(pathFile) && fs.existsSync(path.join(repoRoot, 'node_modules/electron/dist', fs.readFileSync(pathFile, 'utf8')));
})();
if (electronBinaryPresent) console.log('skipped npm start fallback test: the Electron binary is installed here, so npm start opens the desktop app');

describe.skipIf(electronBinaryPresent)('npm start without the Electron binary', () => {
  it('says so in one line and serves the same app in the browser mode', async () => {
    const dataDir = tempDataDir();
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.mjs'), '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 90_000);
        child.stdout.on('data', () => {
          const m = out.match(/serving (http:\/\/\S+)/);
          if (m?.[1]) { clearTimeout(timer); resolve(new URL(m[1]).origin); }
        });
      });
      const notice = out.split('\n').filter((l) => l.startsWith('Desktop shell unavailable'));
      expect(notice).toHaveLength(1);
      expect(notice[0]).toMatch(/serving Agente BSC in your browser instead/);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
