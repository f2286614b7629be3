import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { methods } from '../../preload/contract';
import { METHODS_WITH_PATHS, createPathPolicy } from './path-policy';

/** Property names anywhere in a method's input schema that name a file or folder. */
function pathFieldsOf(schema: z.ZodType): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'properties') for (const p of Object.keys(x as object)) if (/^(path|folder|dir)$|Path$|Dir$/.test(p)) found.add(p);
      walk(x);
    }
  };
  walk(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }));
  return [...found];
}

describe('server path policy (issue 13.2)', () => {
  let dir: string;
  let roots: { imports: string; backups: string; outside: string };
  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-paths-')));
    roots = { imports: path.join(dir, 'imports'), backups: path.join(dir, 'backups'), outside: path.join(dir, 'outside') };
    for (const d of Object.values(roots)) fs.mkdirSync(d);
    fs.writeFileSync(path.join(roots.imports, 'report.pdf'), '%PDF-1.4');
    fs.writeFileSync(path.join(roots.outside, 'secret.txt'), 'not for the web');
    fs.symlinkSync(path.join(roots.outside, 'secret.txt'), path.join(roots.imports, 'innocent.txt'));
    fs.symlinkSync(roots.outside, path.join(roots.imports, 'linked-folder'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const policy = (importRoots: string[], backupFolder: string | null = null) =>
    createPathPolicy({ importRoots, backupRoots: [roots.backups] }, async () => backupFolder);
  const importing = (p: string) => ({ sources: [{ path: p }] });

  it('lets a file under an import root through, resolved', async () => {
    const r = await policy([roots.imports]).check('library.import', importing(path.join(roots.imports, '.', 'report.pdf')));
    expect(r).toEqual({ ok: true, input: importing(path.join(roots.imports, 'report.pdf')) });
  });

  it('refuses paths outside the roots, by .., by symlink (file or folder), relative, and everything when no root is set', async () => {
    const p = policy([roots.imports]);
    for (const outside of ['/etc/passwd', '/etc', path.join(roots.imports, '..', 'outside', 'secret.txt'), path.join(roots.imports, 'innocent.txt'), path.join(roots.imports, 'linked-folder', 'secret.txt'), path.join(roots.imports, 'linked-folder'), 'imports/report.pdf', `${roots.imports}-sibling/x.pdf`]) {
      const r = await p.check('library.import', importing(outside));
      expect(r.ok, outside).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('PATH_NOT_ALLOWED');
    }
    const none = await policy([]).check('library.import', importing(path.join(roots.imports, 'report.pdf')));
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toMatch(/uploaded files only.*BSC_IMPORT_ROOTS/);
    expect((await policy([roots.imports]).check('watch.add', { path: roots.outside })).ok).toBe(false);
    expect((await policy([roots.imports]).check('library.import', { sources: [{ uploadId: 'abcdef12-3456', filename: 'x.pdf' }] })).ok).toBe(true);
  });

  it('keeps backups, verify and restore in the backup folder, and says the same for a file that does not exist', async () => {
    const p = policy([]);
    expect(await p.check('backup.create', { outPath: path.join(roots.backups, 'new', 'b.bscbackup') })).toMatchObject({ ok: true });
    for (const [method, input] of [['backup.create', { outPath: path.join(roots.outside, 'b.bscbackup') }], ['backup.verify', { path: '/etc/passwd' }], ['backup.verify', { path: '/etc/no-such-file' }], ['backup.restore', { path: path.join(roots.outside, 'secret.txt') }]] as const) {
      const r = await p.check(method, input);
      expect(r.ok, `${method} ${JSON.stringify(input)}`).toBe(false);
      if (!r.ok) expect(r.error.message).not.toMatch(/exist|ENOENT/i);
    }
    expect((await p.check('backup.verify', { uploadId: 'abc' })).ok).toBe(true);
    // backup.create with no path writes to the library's folder: refused when the desktop set it elsewhere.
    expect((await policy([], roots.outside).check('backup.create', {})).ok).toBe(false);
    expect((await policy([], roots.backups).check('backup.create', {})).ok).toBe(true);
    expect((await policy([], null).check('backup.create', undefined)).ok).toBe(true);
  });

  it('covers every contract method whose input names a file or folder', () => {
    const withPaths = Object.entries(methods).filter(([, m]) => pathFieldsOf(m.input as z.ZodType).length > 0).map(([name]) => name);
    expect(withPaths.length).toBeGreaterThanOrEqual(5);
    expect(withPaths.filter((name) => !METHODS_WITH_PATHS.includes(name as never))).toEqual([]);
  });

  it('refuses settings that would point the backup folder or a local model outside the roots', async () => {
    const p = policy([roots.imports]);
    expect((await p.check('settings.set', { backup: { folder: roots.outside } })).ok).toBe(false);
    expect((await p.check('settings.set', { embeddings: { modelDir: roots.outside } })).ok).toBe(false);
    expect((await p.check('settings.set', { backup: { folder: path.join(roots.backups, 'weekly') }, embeddings: { modelDir: null } })).ok).toBe(true);
    expect((await p.check('settings.set', { ui: { theme: 'dark' } })).ok).toBe(true);
  });
});
