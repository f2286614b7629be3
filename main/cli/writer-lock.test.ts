// One writer per data folder, end to end: the built server holds the folder, a `bsc index` on it
// is refused with a message naming the server, read-only commands still run, and the server's
// own imports keep working afterwards (before the lock, they failed on a duplicate chunk id).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, repoRoot, startServer, tempDataDir, waitFor } from '../../test/run-server';

const cli = path.join(repoRoot, 'dist/main/cli.js');
const sample = path.join(repoRoot, 'resources/sample-library');
const bsc = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, BSC_DATA_DIR: '' } });

async function importAndWait(server: RunningServer, file: string): Promise<string> {
  const r = await callApi(server.url, 'library.import', { sources: [{ path: file }] });
  expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
  const id = r.json.value.jobs[0].id as string;
  return waitFor(async () => {
    const jobs = await callApi(server.url, 'library.jobs');
    const job = jobs.json.value.jobs.find((j: { id: string }) => j.id === id);
    return job && ['done', 'failed'].includes(job.state) ? `${job.state}${job.error ? `: ${job.error.message}` : ''}` : undefined;
  }, 60_000, 'the import');
}

describe('bsc beside a running server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    if (!fs.existsSync(cli) || !fs.existsSync(path.join(repoRoot, 'dist/main/server.js'))) spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--quiet', 'main']);
    // The server imports only from its import roots (issue 13.2): the sample library is one.
    server = await startServer({ dataDir: tempDataDir('bsc-lock-e2e-'), env: { BSC_IMPORT_ROOTS: sample } });
  }, 60_000);
  afterAll(async () => { await server?.stop(); });

  it('refuses `bsc index` with a message naming the server, lets read-only commands run, and the server keeps importing', async () => {
    expect(await importAndWait(server, path.join(sample, '02-perspectiva-financeira.md'))).toBe('done');
    const refused = bsc(['index', path.join(sample, '03-perspectiva-clientes.md'), '--data-dir', server.dataDir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`the Agente BSC server \\(pid ${server.process.pid}, started .*\\) is writing to ${server.dataDir}`));
    expect(refused.stderr).toContain('only one program may write it at a time');
    const status = bsc(['status', '--json', '--data-dir', server.dataDir]);
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).library.documents).toBe(1);
    expect(await importAndWait(server, path.join(sample, '04-perspectiva-processos-internos.md'))).toBe('done');
    expect(await importAndWait(server, path.join(sample, '05-perspectiva-aprendizado-e-crescimento.md'))).toBe('done');
    const list = await callApi(server.url, 'library.list');
    expect(list.json.value.documents).toHaveLength(3);
  }, 120_000);

  it('refuses a second server on the same folder, and lets `bsc index` write once the server has stopped', async () => {
    await expect(startServer({ dataDir: server.dataDir })).rejects.toThrow(/exited with 1[\s\S]*is writing to/);
    await server.stop();
    const indexed = bsc(['index', path.join(sample, '03-perspectiva-clientes.md'), '--data-dir', server.dataDir]);
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(fs.existsSync(path.join(server.dataDir, 'writer.lock'))).toBe(false);
  }, 120_000);
});
