import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBenchPdf } from '../scripts/make-bench-pdf';
import { type RunningServer, callApi, startServer, waitFor } from './run-server';

// The engine is killed (SIGKILL) in the middle of importing a 300-page PDF; after the host
// restarts it, the library must hold only complete documents and pass integrity_check.
describe('engine killed mid-import', () => {
  let server: RunningServer;
  let pdf: string;
  beforeAll(async () => {
    // The files to import sit beside the data folder, under the temp folder the server may import from.
    server = await startServer({ env: { BSC_IMPORT_ROOTS: os.tmpdir() } });
    pdf = path.join(server.dataDir, '..', `${path.basename(server.dataDir)}-bench.pdf`);
    fs.writeFileSync(pdf, await makeBenchPdf(300));
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    fs.rmSync(pdf, { force: true });
  });

  it('leaves only complete documents, resumes the import, and the database stays sound', async () => {
    const small = path.join(server.dataDir, '..', `${path.basename(server.dataDir)}-small.md`);
    fs.writeFileSync(small, '# Nota\n\nUma nota curta sobre a perspectiva financeira e o fluxo de caixa.\n');
    const first = await callApi(server.url, 'library.import', { sources: [{ path: small }] });
    expect(first.status).toBe(200);
    await waitFor(async () => ((await callApi(server.url, 'library.list')).json.value.documents.length === 1 ? true : undefined), 20_000, 'first document');

    const enqueued = await callApi(server.url, 'library.import', { sources: [{ path: pdf }] });
    const jobId = enqueued.json.value.jobs[0].id as string;
    // Wait until the big file is being extracted, then kill the engine process outright.
    await waitFor(async () => {
      const jobs = (await callApi(server.url, 'library.jobs')).json.value.jobs as Array<{ id: string; stage: string; page: number }>;
      const job = jobs.find((j) => j.id === jobId);
      return job && job.stage === 'extracting' && job.page > 5 ? true : undefined;
    }, 30_000, 'extraction under way');
    const pid = (await callApi(server.url, 'status')).json.value.engine.pid as number;
    process.kill(pid, 'SIGKILL');

    // While the engine is down or just back: never a half-visible document.
    const during = await waitFor(async () => {
      const r = await callApi(server.url, 'library.list');
      return r.status === 200 ? r.json.value.documents : undefined;
    }, 15_000, 'engine back');
    for (const d of during) expect(d.status).toBe('indexed');
    expect(during.every((d: { pageCount: number; filename: string }) => d.filename !== path.basename(pdf) || d.pageCount === 300)).toBe(true);

    // The interrupted job resumes and finishes.
    const done = await waitFor(async () => {
      const jobs = (await callApi(server.url, 'library.jobs')).json.value.jobs as Array<{ id: string; state: string; note: string | null }>;
      const job = jobs.find((j) => j.id === jobId);
      return job && job.state !== 'queued' && job.state !== 'running' ? job : undefined;
    }, 90_000, 'resumed import');
    expect(done.state).toBe('done');
    const docs = (await callApi(server.url, 'library.list')).json.value.documents as Array<{ filename: string; pageCount: number }>;
    expect(docs.map((d) => [d.filename, d.pageCount]).sort()).toEqual([[path.basename(pdf), 300], [path.basename(small), 1]].sort());
    const db = new Database(path.join(server.dataDir, 'library.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const orphans = db.prepare('SELECT count(*) AS n FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)').get() as { n: number };
      expect(orphans.n).toBe(0);
      const fts = db.prepare('SELECT (SELECT count(*) FROM chunks_fts) - (SELECT count(*) FROM chunks) AS d').get() as { d: number };
      expect(fts.d).toBe(0);
    } finally {
      db.close();
    }
    expect(server.output()).toMatch(/engine crashed/);
  });
});
