import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bsc, removedAfterEach } from '../../../test/cli-harness';
import { WatchedFolder } from '../../../preload/contract';
import { tempDataDir } from '../../../test/run-server';

const dirs = removedAfterEach();
const cli = bsc;

describe('bsc watch', () => {
  it('adds a folder (importing what is in it), lists it with its status, and removes it', async () => {
    const data = tempDataDir(); dirs.push(data);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-watch-cli-')); dirs.push(folder);
    fs.writeFileSync(path.join(folder, 'metas.md'), '# Metas\n\nReduzir o prazo de entrega em 20% até dezembro.');
    fs.writeFileSync(path.join(folder, 'vazio.txt'), '');

    const added = await cli(['watch', 'add', folder, '--on-delete', 'remove', '--json', '--data-dir', data]);
    const { folder: status } = JSON.parse(added.out) as { folder: WatchedFolder };
    expect(WatchedFolder.parse(status)).toMatchObject({ path: fs.realpathSync(folder), onDelete: 'remove', indexed: 1, failed: 1 });
    expect(status.errors[0]).toMatchObject({ file: 'vazio.txt' });
    expect(added.code).toBe(1); // one file could not be imported: said, not hidden

    const search = await cli(['search', 'prazo de entrega', '--json', '--data-dir', data]);
    expect(JSON.parse(search.out).hits[0].filename).toBe(`${path.basename(folder)}/metas.md`);

    const listed = await cli(['watch', 'list', '--data-dir', data]);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(fs.realpathSync(folder));
    expect(listed.out).toMatch(/1 indexed, 0 importing, 1 failed/);
    expect(listed.out).toMatch(/vazio\.txt: .*empty/);

    const removed = await cli(['watch', 'remove', folder, '--data-dir', data]);
    expect(removed).toMatchObject({ code: 0 });
    expect((await cli(['watch', 'list', '--data-dir', data])).out).toMatch(/No watched folders/);
    expect((await cli(['watch', 'frobnicate', '--data-dir', data])).code).toBe(2);
  }, 60_000);
});
