import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, WatchedFolder } from '../../../preload/contract';
import { dispatchCall } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { silentLog } from '../observability/log';

/** The real engine with its contract handlers, as the app's and the server's engine process build it. */
function startEngine(dataDir: string, events: EngineEvent[]) {
  const engine = new Engine({ dataDir, log: silentLog, emit: (e) => events.push(e) });
  const handlers = engineHandlers(engine);
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const reply = await dispatchCall(handlers, method, input, { signal: new AbortController().signal } as never);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.value as T;
  };
  return { engine, call };
}

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('watch.* over the real engine', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

  it('watches from the engine start, and finds at the next start what changed while it was closed', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-watch-engine-'));
    dirs.push(root);
    const folder = path.join(root, 'Projeto');
    fs.mkdirSync(folder);
    const dataDir = path.join(root, 'data');
    const events: EngineEvent[] = [];
    let { engine, call } = startEngine(dataDir, events);
    const names = async () => (await call<{ documents: Array<{ filename: string }> }>('library.list')).documents.map((d) => d.filename).sort();

    const { folder: added } = await call<{ folder: WatchedFolder }>('watch.add', { path: folder, onDelete: 'remove' });
    expect(added).toMatchObject({ onDelete: 'remove', files: 0 });
    fs.writeFileSync(path.join(folder, 'visao.md'), '# Visão\n\nSer a cooperativa preferida da região até 2030.');
    await until('the new file imported', async () => (await names()).includes('Projeto/visao.md'));
    await until('a status event says it is indexed', () => events.some((e) => e.name === 'onWatchStatus' && e.payload.indexed === 1));
    engine.close();

    // While the engine is down: one file changed, one added, one renamed.
    fs.writeFileSync(path.join(folder, 'missao.txt'), 'Missão: gerar renda justa para os cooperados.');
    fs.renameSync(path.join(folder, 'visao.md'), path.join(folder, 'visao-2030.md'));
    ({ engine, call } = startEngine(dataDir, events));
    try {
      await until('changes found at start', async () => JSON.stringify(await names()) === JSON.stringify(['Projeto/missao.txt', 'Projeto/visao-2030.md']));
      await until('status settled', async () => (await call<{ folders: WatchedFolder[] }>('watch.list')).folders[0]!.state === 'watching');
      const { folders } = await call<{ folders: WatchedFolder[] }>('watch.list');
      expect(folders).toEqual([expect.objectContaining({ files: 2, indexed: 2, failed: 0, lastError: null })]);
      const { hits } = await call<{ hits: Array<{ filename: string }> }>('library.search', { query: 'renda justa cooperados' });
      expect(hits[0]?.filename).toBe('Projeto/missao.txt');
    } finally {
      engine.close();
    }
  }, 90_000);
});
