import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeZip } from '../test/fixtures/zip';
import { QDRANT_VERSION } from '../main/engine/qdrant/version';
import { expectedSha256, extractTarGz, extractZip, fetchQdrant, QDRANT_PLATFORMS, QDRANT_RELEASE_ASSETS, QDRANT_RELEASE_SHA256 } from './fetch-qdrant';

const FAKE_BINARY = '#!/bin/sh\necho "qdrant stand-in binary"\n';

async function tarGz(entries: Array<{ name: string; body?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string; mode?: number }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'file' || e.type === undefined) pack.entry({ name: e.name, mode: e.mode ?? 0o755 }, e.body ?? '');
    else pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack.pipe(zlib.createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Deflated entries, as Qdrant's Windows release zips are. */
const zip = (files: Array<{ name: string; body: string }>): Buffer => makeZip(files, { deflate: true });

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let server: Server;
let baseUrl: string;
const served = new Map<string, Buffer>();
const requested: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    // GitHub answers release downloads with a redirect to its object store; so does this server.
    if (req.url?.startsWith('/download/')) return void res.writeHead(302, { location: req.url.replace('/download/', '/objects/') }).end();
    const body = served.get((req.url ?? '').replace('/objects/', ''));
    if (!body) return void res.writeHead(404).end('Not Found');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/download`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  served.clear();
  requested.length = 0;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-fetch-qdrant-'));
  dirs.push(dir);
  return path.join(dir, 'resources', 'qdrant');
}

describe('fetch-qdrant', () => {
  it('installs the binary when the archive matches the hash, and skips a second identical fetch', async () => {
    const archive = await tarGz([{ name: 'qdrant', body: FAKE_BINARY, mode: 0o755 }]);
    served.set(QDRANT_RELEASE_ASSETS['linux-x64'].asset, archive);
    const out = outDir();
    const got = await fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(archive), baseUrl });
    expect(got).toMatchObject({ binaryPath: path.join(out, 'linux-x64', 'qdrant'), sha256: sha256(archive), skipped: false });
    expect(fs.readFileSync(got.binaryPath, 'utf8')).toBe(FAKE_BINARY);
    if (process.platform !== 'win32') {
      expect(fs.statSync(got.binaryPath).mode & 0o111).not.toBe(0);
      expect(spawnSync(got.binaryPath).stdout.toString()).toBe('qdrant stand-in binary\n');
    }
    expect(JSON.parse(fs.readFileSync(path.join(out, 'linux-x64', 'VERSION.json'), 'utf8'))).toMatchObject({ version: QDRANT_VERSION, sha256: sha256(archive) });
    expect(fs.readdirSync(out)).toEqual(['linux-x64']); // no temporary files left
    expect(requested).toEqual([`/download/${QDRANT_RELEASE_ASSETS['linux-x64'].asset}`, `/objects/${QDRANT_RELEASE_ASSETS['linux-x64'].asset}`]);

    const again = await fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(archive), baseUrl });
    expect(again.skipped).toBe(true);
    expect(requested).toHaveLength(2);
  });

  it('refuses an archive whose hash does not match, leaving nothing behind and the old install intact', async () => {
    const good = await tarGz([{ name: 'qdrant', body: FAKE_BINARY }]);
    const out = outDir();
    served.set(QDRANT_RELEASE_ASSETS['linux-x64'].asset, good);
    await fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(good), baseUrl });

    const tampered = await tarGz([{ name: 'qdrant', body: '#!/bin/sh\necho pwned\n' }]);
    served.set(QDRANT_RELEASE_ASSETS['linux-x64'].asset, tampered);
    await expect(fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(good), baseUrl, force: true })).rejects.toThrow(
      `sha256 mismatch for qdrant-x86_64-unknown-linux-musl.tar.gz: expected ${sha256(good)}, got ${sha256(tampered)}. Nothing was installed.`,
    );
    expect(fs.readdirSync(out)).toEqual(['linux-x64']);
    expect(fs.readFileSync(path.join(out, 'linux-x64', 'qdrant'), 'utf8')).toBe(FAKE_BINARY);

    const fresh = outDir();
    await expect(fetchQdrant({ platform: 'darwin-arm64', outDir: fresh, sha256: 'a'.repeat(64), baseUrl: baseUrl })).rejects.toThrow(/answered 404/);
    served.set(QDRANT_RELEASE_ASSETS['darwin-arm64'].asset, tampered);
    await expect(fetchQdrant({ platform: 'darwin-arm64', outDir: fresh, sha256: 'a'.repeat(64), baseUrl })).rejects.toThrow(/sha256 mismatch/);
    expect(fs.readdirSync(fresh)).toEqual([]);
  });

  it('requires a hash: from the table or --sha256, and they must agree', () => {
    expect(Object.keys(QDRANT_RELEASE_SHA256).sort()).toEqual([...QDRANT_PLATFORMS].sort());
    const table = { ...QDRANT_RELEASE_SHA256, 'linux-x64': 'B'.repeat(64) };
    const empty = Object.fromEntries(QDRANT_PLATFORMS.map((p) => [p, null])) as typeof QDRANT_RELEASE_SHA256;
    expect(() => expectedSha256('linux-x64', undefined, empty)).toThrow(/No sha256 is recorded for Qdrant v1\.19\.0 on linux-x64\. Pass --sha256/);
    expect(expectedSha256('linux-x64', undefined, table)).toBe('b'.repeat(64));
    expect(expectedSha256('linux-x64', 'b'.repeat(64), table)).toBe('b'.repeat(64));
    expect(() => expectedSha256('linux-x64', 'c'.repeat(64), table)).toThrow(/differs from the recorded hash/);
    expect(() => expectedSha256('linux-x64', 'xyz', table)).toThrow(/64 hex digits/);
  });

  it('refuses archives that would write outside the install folder or hold links, and installs nothing', async () => {
    const out = outDir();
    for (const entries of [
      [{ name: '../evil', body: 'x' }],
      [{ name: '/etc/evil', body: 'x' }],
      [{ name: 'qdrant', type: 'symlink' as const, linkname: '/bin/sh' }],
    ]) {
      const archive = await tarGz(entries);
      served.set(QDRANT_RELEASE_ASSETS['linux-x64'].asset, archive);
      await expect(fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(archive), baseUrl, force: true })).rejects.toThrow(/outside the install folder|only files and folders/);
      expect(fs.readdirSync(out)).toEqual([]);
    }
    expect(fs.existsSync(path.join(path.dirname(out), 'evil'))).toBe(false);

    const noBinary = await tarGz([{ name: 'README.md', body: 'hi' }]);
    served.set(QDRANT_RELEASE_ASSETS['linux-x64'].asset, noBinary);
    await expect(fetchQdrant({ platform: 'linux-x64', outDir: out, sha256: sha256(noBinary), baseUrl })).rejects.toThrow(/does not contain qdrant at its top level/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('installs the Windows build from its zip', async () => {
    const archive = zip([{ name: 'qdrant.exe', body: 'MZ fake windows binary '.repeat(50) }]);
    served.set(QDRANT_RELEASE_ASSETS['win32-x64'].asset, archive);
    const out = outDir();
    const got = await fetchQdrant({ platform: 'win32-x64', outDir: out, sha256: sha256(archive), baseUrl });
    expect(got.binaryPath).toBe(path.join(out, 'win32-x64', 'qdrant.exe'));
    expect(fs.readFileSync(got.binaryPath, 'utf8')).toBe('MZ fake windows binary '.repeat(50));
  });

  it('extracts tar.gz and zip directly, and rejects a corrupt zip entry', async () => {
    const dir = outDir();
    fs.mkdirSync(dir, { recursive: true });
    const tgz = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(tgz, await tarGz([{ name: 'bin/', type: 'directory' }, { name: 'bin/qdrant', body: 'x' }]));
    fs.mkdirSync(path.join(dir, 't'));
    expect(await extractTarGz(tgz, path.join(dir, 't'))).toEqual([path.join('bin', 'qdrant')]);

    const z = zip([{ name: 'qdrant.exe', body: 'hello' }]);
    const zf = path.join(dir, 'a.zip');
    fs.writeFileSync(zf, z);
    fs.mkdirSync(path.join(dir, 'z'));
    expect(extractZip(zf, path.join(dir, 'z'))).toEqual(['qdrant.exe']);
    z.writeUInt32LE(0xdeadbeef, z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16); // break the CRC
    fs.writeFileSync(zf, z);
    expect(() => extractZip(zf, path.join(dir, 'z'))).toThrow(/corrupt/);
  });

  it('runs as a command and exits 1 with the reason when no hash is known', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fetch-qdrant.ts'), '--platform', 'linux-x64', '--out', outDir(), '--base-url', baseUrl], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^fetch-qdrant: No sha256 is recorded for Qdrant v1\.19\.0 on linux-x64/);
  });
});
