import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../../preload/contract';
import { waitForJobs } from '../../../test/wait-for-jobs';
import { dispatchCall, errorShape, type MethodHandlers } from '../dispatch';
import { Engine, engineHandlers } from '../engine';
import { silentLog } from '../observability/log';
import { classifyFailure } from './errors';

describe('SQLite failures keep their kind wherever they happen', () => {
  it('maps real SQLite errors to contract codes with messages a user can act on', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x)');
    db.pragma('max_page_count = 2');
    let full: unknown;
    try { db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000)); } catch (err) { full = err; }
    expect(errorShape(full)).toMatchObject({ code: 'DB_FULL', message: expect.stringContaining('the disk is full') });
    db.close();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-err-')), 'x.sqlite');
    new Database(file).exec('CREATE TABLE t (x)');
    const ro = new Database(file, { readonly: true });
    let readonly: unknown;
    try { ro.exec('INSERT INTO t VALUES (1)'); } catch (err) { readonly = err; }
    expect(errorShape(readonly)).toMatchObject({ code: 'DB_READONLY' });
    ro.close();
    const a = new Database(file);
    const b = new Database(file, { timeout: 1 });
    a.exec('BEGIN EXCLUSIVE');
    let busy: unknown;
    try { b.exec('INSERT INTO t VALUES (1)'); } catch (err) { busy = err; }
    expect(errorShape(busy)).toMatchObject({ code: 'DB_BUSY', message: expect.stringContaining('busy') });
    a.exec('ROLLBACK');
    a.close();
    b.close();
    expect(classifyFailure(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toMatchObject({ code: 'DB_FULL' });
    expect(errorShape(new Error('a bug'))).toEqual({ code: 'INTERNAL', message: 'a bug' });
  });

  describe('a full disk during an import', () => {
    let dir: string;
    let engine: Engine;
    let handlers: MethodHandlers;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-full-'));
      engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog, integrityEveryMs: 0 });
      handlers = engineHandlers(engine);
    });
    afterAll(() => {
      engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('fails the job as DB_FULL with a clear message, never INTERNAL, and leaves no half document', async () => {
      const db = engine.database();
      // The database may not grow past a few pages: the document's chunks do not fit.
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 2}`);
      const file = path.join(engine.sampleLibraryDir(), '08-balanced-scorecard-primer-en.md');
      const [job] = await waitForJobs(engine, engine.importFiles([{ path: file }]));
      expect(job).toMatchObject({ state: 'failed', error: { code: 'DB_FULL', message: expect.stringMatching(/disk is full; free some space/) } });
      expect((db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n).toBe(0);
      expect((db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n).toBe(0);
      // The same through the contract: a method that writes more than fits reports the kind, not INTERNAL.
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const call = (m: MethodName, i?: unknown) => dispatchCall(handlers, m, i, { signal: new AbortController().signal });
      let reply: Awaited<ReturnType<typeof call>> = { ok: true, value: null };
      for (let i = 0; i < 200 && reply.ok; i++) reply = await call('chat.ask', { question: `Quais indicadores usar? ${'x'.repeat(3500)} ${i}` });
      expect(reply).toMatchObject({ ok: false, error: { code: 'DB_FULL' } });
      db.pragma('max_page_count = 1073741823');
      const [again] = await waitForJobs(engine, engine.importFiles([{ path: file }]));
      expect(again!.state).toBe('done');
    });
  });
});
