import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bsc, removedAfterEach } from '../../test/cli-harness';
import { Status } from '../../preload/contract';
import { LATEST_SCHEMA_VERSION } from '../engine/db/migrate';
import { tempDataDir } from '../../test/run-server';

const dirs = removedAfterEach();
const cli = bsc;

describe('bsc status', () => {
  it('prints a human-readable status and exits 0 on a healthy data folder', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    const r = await cli(['status', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/healthy/);
    expect(r.out).toContain(dir);
    expect(fs.existsSync(path.join(dir, 'library.sqlite'))).toBe(true);
  });

  it('prints the contract type with --json', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    const r = await cli(['status', '--json', '--data-dir', dir]);
    expect(Status.parse(JSON.parse(r.out)).database.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
  });

  it('honours BSC_DATA_DIR', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    process.env.BSC_DATA_DIR = dir;
    try {
      const r = await cli(['status', '--json']);
      expect(JSON.parse(r.out).dataDir).toBe(dir);
    } finally {
      delete process.env.BSC_DATA_DIR;
    }
  });

  it('exits 1 with a clear message when the database is damaged', async () => {
    const dir = tempDataDir(); dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'library.sqlite'), 'not sqlite '.repeat(200));
    const r = await cli(['status', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/UNHEALTHY/);
    expect(r.out).toMatch(/damaged/);
  });

  it('exits 2 on bad usage', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const bad = await cli(['status', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/usage: bsc/);
    expect((await cli(['--help'])).code).toBe(0);
  });
});
