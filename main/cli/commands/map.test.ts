import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { bsc, removedAfterEach } from '../../../test/cli-harness';
import { tempDataDir } from '../../../test/run-server';

const dirs = removedAfterEach();
const cli = bsc;

const sample = path.resolve(__dirname, '../../../resources/sample-library');

describe('bsc map', () => {
  it('suggests cited objectives from the sample library, exports them, and a JSON export imports into a fresh folder', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    const files = fs.readdirSync(sample).filter((f) => /^0[1-5].*\.md$/.test(f)).map((f) => path.join(sample, f));
    const indexed = await cli(['index', '--data-dir', dir, '--json', ...files]);
    expect(indexed.code, indexed.err + indexed.out.slice(0, 2000)).toBe(0);
    const created = await cli(['map', 'create', 'Cooperativa Aroeira', '--data-dir', dir, '--json']);
    expect(created.code).toBe(0);
    const id = JSON.parse(created.out).engagement.id as string;

    const suggested = await cli(['map', 'suggest', 'Cooperativa Aroeira', '--data-dir', dir, '--json']);
    expect(suggested.code).toBe(0);
    const suggestions = JSON.parse(suggested.out).suggestions as Array<{ perspective: string; title: string; citations: Array<{ excerpt: string; pageLabels: string[] }> }>;
    for (const p of ['financial', 'customer', 'process', 'learning']) expect(suggestions.filter((s) => s.perspective === p).length).toBeGreaterThan(0);
    for (const s of suggestions) expect(s.citations[0]!.pageLabels.length).toBeGreaterThan(0);

    for (const format of ['svg', 'xlsx', 'json']) {
      const out = path.join(dir, `map.${format}`);
      const r = await cli(['map', 'export', id, '--format', format, '--out', out, '--data-dir', dir]);
      expect(r.code, r.err).toBe(0);
      expect(fs.statSync(out).size).toBeGreaterThan(100);
    }
    expect(fs.readFileSync(path.join(dir, 'map.svg'), 'utf8')).toContain('Cooperativa Aroeira');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'map.xlsx'));
    expect(wb.worksheets[0]!.getRow(1).values).toEqual(expect.arrayContaining(['Perspectiva', 'Indicador', 'Metas']));

    const fresh = tempDataDir(); dirs.push(fresh);
    const imported = await cli(['map', 'import', path.join(dir, 'map.json'), '--data-dir', fresh, '--json']);
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out).engagement.id).toBe(id);
    const listed = await cli(['map', 'list', '--data-dir', fresh]);
    expect(listed.out).toContain('Cooperativa Aroeira');
  }, 120_000);

  it('says clearly what is wrong: unknown engagement, bad format, a file that is not an engagement', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    const missing = await cli(['map', 'export', 'nope', '--data-dir', dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No engagement "nope"/);
    expect((await cli(['map', 'export', 'x', '--format', 'docx', '--data-dir', dir])).code).toBe(2);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"hello": 1}');
    const r = await cli(['map', 'import', bad, '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not an Agente BSC engagement/);
  });
});
