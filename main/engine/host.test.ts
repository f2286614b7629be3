import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkEngine } from './host';

describe('forkEngine', () => {
  it('survives sending to an engine that was just killed (EPIPE) and reports its exit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-host-'));
    const entry = path.join(dir, 'idle-engine.mjs');
    fs.writeFileSync(entry, "process.on('message', () => {}); setInterval(() => {}, 1000);\n");
    try {
      const child = forkEngine(entry)({});
      const exited = new Promise<string | null>((resolve) => child.onExit((_code, signal) => resolve(signal)));
      await new Promise((r) => setTimeout(r, 200));
      process.kill(child.pid!, 'SIGKILL');
      // Keep writing while the kill lands: before the fix one of these raised an unhandled 'error'.
      let sent = 0;
      const start = Date.now();
      let done = false;
      void exited.then(() => { done = true; });
      while (!done && Date.now() - start < 5000) {
        child.send({ type: 'call', id: sent++, method: 'status', input: undefined });
        await new Promise((r) => setImmediate(r));
      }
      expect(await exited).toBe('SIGKILL');
      expect(sent).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
