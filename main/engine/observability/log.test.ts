import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createForwardingLog, createRotatingLog, redactSecrets } from './log';

const dirs: string[] = [];
const tempDir = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-log-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('rotating log', () => {
  it('writes JSON lines and rotates past the size limit', () => {
    const dir = tempDir();
    let t = Date.parse('2026-01-01T00:00:00Z');
    const log = createRotatingLog({ dir, maxFileBytes: 500, retentionDays: 30, now: () => new Date((t += 1000)) });
    for (let i = 0; i < 20; i++) log.info('import progress', { page: i });
    const files = fs.readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(2);
    expect(files).toContain('bsc.log');
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(500);
    const lines = files.flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'));
    expect(lines.map((l) => JSON.parse(l).page).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('deletes rotated files older than the retention', () => {
    const dir = tempDir();
    const old = path.join(dir, 'bsc-20250101T000000000Z.log');
    const recent = path.join(dir, 'bsc-20260101T000000000Z.log');
    fs.writeFileSync(old, 'x\n');
    fs.writeFileSync(recent, 'y\n');
    const now = new Date('2026-01-10T00:00:00Z');
    fs.utimesSync(old, new Date('2025-01-01'), new Date('2025-01-01'));
    fs.utimesSync(recent, new Date('2026-01-05'), new Date('2026-01-05'));
    createRotatingLog({ dir, maxFileBytes: 1000, retentionDays: 30, now: () => now });
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
  });

  it('never writes a secret, by field name or by value shape', () => {
    const dir = tempDir();
    const log = createRotatingLog({ dir, maxFileBytes: 10_000, retentionDays: 30 });
    log.error('provider failed for key sk-ant-abcdefghijklmnop', { apiKey: 'sk-proj-SECRET123456', nested: { Authorization: 'Bearer abcdefghijkl' }, password: 'hunter22' });
    const text = fs.readFileSync(path.join(dir, 'bsc.log'), 'utf8');
    for (const secret of ['sk-ant-abcdefghijklmnop', 'SECRET123456', 'abcdefghijkl', 'hunter22']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(redactSecrets({ maxFileMb: 5 })).toEqual({ maxFileMb: 5 });
  });
});

describe('one writer: the engine forwards its records to the host', () => {
  it('writes forwarded records as JSON lines with the engine marked, and scrubs a held key of any shape', () => {
    const dir = tempDir();
    const held = 'cmp0heldkey0nothinglikeashape42';
    const host = createRotatingLog({ dir, maxFileBytes: 10_000, retentionDays: 30 });
    const engine = createForwardingLog((record) => host.record!({ ...record, proc: 'engine' }), { secrets: () => [held] });
    engine.warn(`provider at http://127.0.0.1:9 refused ${held}`, { detail: `key ${held}`, page: 3 });
    engine.child({ job: 'j1' }).info('import progress');
    host.info('engine ready', { pid: 42 });
    const lines = fs.readFileSync(path.join(dir, 'bsc.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 'warn', proc: 'engine', page: 3, msg: 'provider at http://127.0.0.1:9 refused [redacted]', detail: 'key [redacted]' });
    expect(lines[1]).toMatchObject({ level: 'info', proc: 'engine', job: 'j1', msg: 'import progress' });
    expect(lines[2]).toMatchObject({ level: 'info', msg: 'engine ready', pid: 42 });
    for (const l of lines) expect(Date.parse(String(l.time))).not.toBeNaN();
    expect(JSON.stringify(lines)).not.toContain(held);
  });
});
