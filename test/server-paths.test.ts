// Issue 13.2, in the form of the probe: a web admin sends paths of the server's own files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer, waitFor } from './run-server';

describe('paths sent to the server stay under BSC_IMPORT_ROOTS and BSC_BACKUP_DIR', () => {
  let server: RunningServer;
  let dir: string;
  let importRoot: string;
  let backupDir: string;
  let outside: string;
  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-server-paths-')));
    [importRoot, backupDir, outside] = ['imports', 'backups', 'outside'].map((d) => path.join(dir, d)) as [string, string, string];
    for (const d of [importRoot, outside]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(importRoot, 'nota.md'), '# Nota\n\nIndicadores da perspectiva financeira: margem e fluxo de caixa.\n');
    fs.writeFileSync(path.join(outside, 'private.md'), '# Privado\n\nSalários da diretoria.\n');
    fs.symlinkSync(path.join(outside, 'private.md'), path.join(importRoot, 'looks-fine.md'));
    server = await startServer({ env: { BSC_IMPORT_ROOTS: importRoot, BSC_BACKUP_DIR: backupDir } });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const refused = (r: { status: number; json: { ok: boolean; error?: { code: string } } }) => r.status === 403 && r.json.error?.code === 'PATH_NOT_ALLOWED';

  it('refuses to import server files outside the roots (direct, by .., by symlink) and the engine never sees them', async () => {
    for (const p of ['/etc/passwd', '/etc', path.join(importRoot, '..', 'outside', 'private.md'), path.join(importRoot, 'looks-fine.md')]) {
      const r = await callApi(server.url, 'library.import', { sources: [{ path: p }] });
      expect(refused(r), `${p}: ${JSON.stringify(r.json)}`).toBe(true);
    }
    expect((await callApi(server.url, 'library.jobs')).json.value.jobs).toEqual([]);
    const ok = await callApi(server.url, 'library.import', { sources: [{ path: path.join(importRoot, 'nota.md') }] });
    expect(ok.status).toBe(200);
    await waitFor(async () => ((await callApi(server.url, 'library.list')).json.value.documents.length === 1 ? true : undefined), 30_000, 'the allowed file imported');
  });

  it('writes backups only in BSC_BACKUP_DIR, creating nothing elsewhere', async () => {
    const target = path.join(outside, 'new-folder', 'stolen.bscbackup');
    expect(refused(await callApi(server.url, 'backup.create', { outPath: target }))).toBe(true);
    expect(fs.existsSync(path.join(outside, 'new-folder'))).toBe(false);
    expect(refused(await callApi(server.url, 'settings.set', { backup: { folder: outside } }))).toBe(true);
    expect((await callApi(server.url, 'settings.get')).json.value.backup.folder).toBe(backupDir);
    const made = await callApi(server.url, 'backup.create', {});
    expect(made.status).toBe(200);
    const op = await waitFor(async () => {
      const ops = (await callApi(server.url, 'operations.list')).json.value.operations as Array<{ id: string; state: string; result: { path?: string } | null }>;
      const o = ops.find((x) => x.id === made.json.value.operation.id);
      return o && o.state !== 'running' ? o : undefined;
    }, 60_000, 'backup finished');
    expect(op.state).toBe('done');
    expect(path.dirname(op.result?.path ?? '')).toBe(backupDir);
  });

  it('verifies and restores only from the backup folder, without saying whether another file exists', async () => {
    const answers = [];
    for (const p of ['/etc/passwd', '/etc/no-such-file.bscbackup', path.join(outside, 'private.md')]) {
      const r = await callApi(server.url, 'backup.verify', { path: p });
      expect(refused(r), p).toBe(true);
      answers.push(r.json.error.message.replace(p, '<path>'));
    }
    expect(new Set(answers).size).toBe(1);
    expect(refused(await callApi(server.url, 'backup.restore', { path: '/etc/passwd' }))).toBe(true);
  });
});
