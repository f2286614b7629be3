import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingProvider } from '../main/engine/embeddings/create-embedding-provider';
import { createOnnxEmbeddingProvider } from '../main/engine/embeddings/onnx-embeddings';
import { makeTinyOnnxModel } from '../test/fixtures/make-tiny-onnx-model';
import { expectedSha256s, fetchModel, modelFileUrls, MULTILINGUAL_E5_SMALL, parseSha256File, pinnedRevision, type ModelPin } from './fetch-model';

const REVISION = '0123456789abcdef0123456789abcdef01234567';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A pin shaped like the real one, over the tiny generated model the stand-in hub serves. */
const pin: ModelPin = {
  name: 'tiny-e5',
  repo: 'test-org/tiny-e5',
  revision: null,
  files: [
    { path: 'onnx/model_quantized.onnx', saveAs: 'model.onnx', sha256: null },
    { path: 'tokenizer.json', saveAs: 'tokenizer.json', sha256: null },
    { path: 'tokenizer_config.json', saveAs: 'tokenizer_config.json', sha256: null },
  ],
  usage: { pooling: 'mean', prefix: 'scorecard ', maxLength: 128 },
};

let root: string;
let server: Server;
let baseUrl: string;
/** What the stand-in hub serves, by repository path. */
let hosted: Map<string, Buffer>;
let requested: string[] = [];
let hashes: Record<string, string>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-fetch-model-'));
  const tiny = makeTinyOnnxModel(path.join(root, 'source'));
  hosted = new Map([
    ['onnx/model_quantized.onnx', fs.readFileSync(tiny.modelPath)],
    ['tokenizer.json', fs.readFileSync(tiny.tokenizerPath)],
    ['tokenizer_config.json', fs.readFileSync(path.join(tiny.dir, 'tokenizer_config.json'))],
  ]);
  hashes = Object.fromEntries([...hosted].map(([p, b]) => [p, sha256(b)]));
  // Like the hub: /<repo>/resolve/<revision>/<path> redirects large files to a CDN address.
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requested.push(url);
    const prefix = `/${pin.repo}/resolve/${REVISION}/`;
    if (url.startsWith(prefix) && url.endsWith('.onnx')) {
      res.writeHead(302, { location: `/cdn/${url.slice(prefix.length)}` }).end();
      return;
    }
    const file = url.startsWith(prefix) ? url.slice(prefix.length) : url.startsWith('/cdn/') ? url.slice(5) : undefined;
    const body = file === undefined ? undefined : hosted.get(file);
    if (!body) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  requested = [];
});

let outCount = 0;
/** A fresh parent folder per test, so "nothing left behind" means an empty listing. */
const freshParent = () => {
  const dir = path.join(root, `out-${++outCount}`);
  fs.mkdirSync(dir);
  return dir;
};

describe('fetch-model (stand-in hub on 127.0.0.1)', () => {
  it('installs files whose hashes match, renamed for the provider, with a MODEL.json the provider reads', async () => {
    const parent = freshParent();
    const dir = path.join(parent, 'tiny-e5');
    const got = await fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: hashes, baseUrl });

    expect(got.skipped).toBe(false);
    expect(fs.readdirSync(parent)).toEqual(['tiny-e5']); // no staging folder left
    expect(fs.readdirSync(dir).sort()).toEqual(['MODEL.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(sha256(fs.readFileSync(path.join(dir, 'model.onnx')))).toBe(hashes['onnx/model_quantized.onnx']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'MODEL.json'), 'utf8'))).toMatchObject({
      id: pin.repo, revision: REVISION, prefix: 'scorecard ', pooling: 'mean', files: { 'model.onnx': hashes['onnx/model_quantized.onnx'] },
    });
    expect(requested).toEqual([
      `/${pin.repo}/resolve/${REVISION}/onnx/model_quantized.onnx`, '/cdn/onnx/model_quantized.onnx',
      `/${pin.repo}/resolve/${REVISION}/tokenizer.json`, `/${pin.repo}/resolve/${REVISION}/tokenizer_config.json`,
    ]);

    // What was installed is what the app loads: named by repository and revision, prefix applied.
    const provider = createEmbeddingProvider({ provider: 'local-onnx', modelDir: dir }, {})!;
    const [meta] = await provider.embed(['meta']);
    expect(provider.fingerprint).toBe(`local-onnx|${pin.repo}@${REVISION.slice(0, 12)}|16`);
    const unprefixed = createOnnxEmbeddingProvider({ modelDir: dir, model: 'plain', batchSize: 4 });
    const [withPrefix, without] = await unprefixed.embed(['scorecard meta', 'meta']);
    expect(meta).toEqual(withPrefix); // "meta" was embedded as "scorecard meta"
    expect(meta).not.toEqual(without);

    requested = [];
    const again = await fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: hashes, baseUrl });
    expect(again.skipped).toBe(true);
    expect(requested).toEqual([]);
    await fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: hashes, baseUrl, force: true });
    expect(requested).toHaveLength(4);
    expect(fs.readdirSync(parent)).toEqual(['tiny-e5']);
  });

  it('refuses a file whose hash does not match, leaving nothing behind and the old install intact', async () => {
    const parent = freshParent();
    const dir = path.join(parent, 'tiny-e5');
    await expect(fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: { ...hashes, 'tokenizer_config.json': 'f'.repeat(64) }, baseUrl }))
      .rejects.toThrow(`sha256 mismatch for tokenizer_config.json: expected ${'f'.repeat(64)}, got ${hashes['tokenizer_config.json']}. Nothing was installed.`);
    expect(fs.readdirSync(parent)).toEqual([]);

    await fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: hashes, baseUrl });
    const before = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, sha256(fs.readFileSync(path.join(dir, f)))]));
    hosted.set('tokenizer.json', Buffer.from('{"tampered": true}'));
    try {
      await expect(fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: hashes, baseUrl, force: true })).rejects.toThrow(/sha256 mismatch for tokenizer\.json/);
    } finally {
      hosted.set('tokenizer.json', fs.readFileSync(path.join(root, 'source', 'tokenizer.json')));
    }
    expect(fs.readdirSync(parent)).toEqual(['tiny-e5']);
    expect(Object.fromEntries(fs.readdirSync(dir).map((f) => [f, sha256(fs.readFileSync(path.join(dir, f)))]))).toEqual(before);
  });

  it('refuses before any download when a hash or the revision is unknown', async () => {
    const parent = freshParent();
    const dir = path.join(parent, 'tiny-e5');
    const { 'tokenizer.json': _, ...partial } = hashes;
    await expect(fetchModel({ pin, outDir: dir, revision: REVISION, sha256s: partial, baseUrl })).rejects.toThrow(
      /^No sha256 is recorded for tokenizer\.json of test-org\/tiny-e5\. Pass --sha256-file FILE/,
    );
    await expect(fetchModel({ pin, outDir: dir, sha256s: hashes, baseUrl })).rejects.toThrow(/No revision of test-org\/tiny-e5 is pinned/);
    expect(requested).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('reports a missing file on the hub and leaves nothing', async () => {
    const parent = freshParent();
    const lost: ModelPin = { ...pin, files: [...pin.files, { path: 'special_tokens_map.json', saveAs: 'special_tokens_map.json', sha256: 'a'.repeat(64) }] };
    await expect(fetchModel({ pin: lost, outDir: path.join(parent, 'tiny-e5'), revision: REVISION, sha256s: hashes, baseUrl })).rejects.toThrow(
      /special_tokens_map\.json answered 404/,
    );
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('runs as a command: exits 1 with the reason without hashes or on a failed download, lists the exact URLs', async () => {
    const parent = freshParent();
    // The real pin against the stand-in, which does not host that repository: hashes are accepted, the download 404s.
    const shaFile = path.join(parent, 'SHA256SUMS');
    fs.writeFileSync(shaFile, MULTILINGUAL_E5_SMALL.files.map((f) => `${'0'.repeat(64)}  ${f.path}`).join('\n'));
    // Asynchronous: the stand-in hub answers from this process's event loop.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fetch-model.ts'), ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
        );
      });

    const refused = await run('--out', path.join(parent, 'm'), '--revision', REVISION, '--base-url', baseUrl);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^fetch-model: No sha256 is recorded for onnx\/model_quantized\.onnx, tokenizer\.json, tokenizer_config\.json, config\.json of Xenova\/multilingual-e5-small/);

    const wrong = await run('--out', path.join(parent, 'm'), '--revision', REVISION, '--base-url', baseUrl, '--sha256-file', shaFile);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/\nfetch-model: GET .*\/Xenova\/multilingual-e5-small\/resolve\/0123456789abcdef0123456789abcdef01234567\/onnx\/model_quantized\.onnx answered 404/);
    expect(fs.readdirSync(parent)).toEqual(['SHA256SUMS']);

    const listed = await run('--list', '--revision', REVISION);
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual(
      modelFileUrls(MULTILINGUAL_E5_SMALL, REVISION).map((u) => `(sha256 not recorded)  ${u}`),
    );
    expect(listed.stdout).toContain(`https://huggingface.co/Xenova/multilingual-e5-small/resolve/${REVISION}/onnx/model_quantized.onnx`);
  });
});

describe('fetch-model: hashes and revisions', () => {
  it('reads sha256sum output, with binary markers and comments', () => {
    const a = 'A'.repeat(64);
    expect(parseSha256File(`# release 1\n${a}  onnx/model_quantized.onnx\n${'b'.repeat(64)} *./tokenizer.json\r\n\n`)).toEqual({
      'onnx/model_quantized.onnx': 'a'.repeat(64),
      'tokenizer.json': 'b'.repeat(64),
    });
    expect(() => parseSha256File('abc tokenizer.json')).toThrow(/Line 1 of the sha256 file/);
  });

  it('prefers nothing silently: table and file must agree, a revision must be a commit', () => {
    const recorded: ModelPin = { ...pin, revision: REVISION, files: pin.files.map((f) => ({ ...f, sha256: hashes[f.path]! })) };
    expect([...expectedSha256s(recorded).values()]).toEqual(Object.values(hashes));
    expect(() => expectedSha256s(recorded, { 'tokenizer.json': 'c'.repeat(64) })).toThrow(/refusing to install/);
    expect(pinnedRevision(recorded)).toBe(REVISION);
    expect(() => pinnedRevision(recorded, 'f'.repeat(40))).toThrow(/differs from the pinned revision/);
    expect(() => pinnedRevision(pin, 'main')).toThrow(/must be a 40-hex-digit commit/);
  });
});
