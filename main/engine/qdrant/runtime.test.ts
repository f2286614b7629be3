import fs from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { startDockerStandin } from '../../../test/standins/docker-standin';
import type { DockerStandin } from '../../../test/standins/docker-standin';
import { specAvailable, specPaths } from '../../../test/standins/spec-validator';
import { BscError } from '../errors';
import { silentLog } from '../observability/log';
import { parseExternalQdrant } from './external';
import { startQdrantRuntime } from './runtime';
import type { QdrantRuntime } from './runtime';
import { checkQdrantVersion, QDRANT_IMAGE, QDRANT_VERSION } from './version';

const root = path.resolve(import.meta.dirname, '../../..');
const standinScript = path.join(root, 'test/standins/qdrant-process-standin.mjs');
const haveDockerSpec = specAvailable('docker');
if (!haveDockerSpec) console.log(`Skipping the docker-mode runtime test: the Docker spec is missing at ${specPaths.docker}`);

const runtimes: QdrantRuntime[] = [];
const dirs: string[] = [];
const servers: Server[] = [];
let dockerStandin: DockerStandin | undefined;
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  await dockerStandin?.close();
  dockerStandin = undefined;
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-qdrant-runtime-'));
  dirs.push(dir);
  return dir;
}

describe('startQdrantRuntime', () => {
  it('bundled: runs the binary with storage and key in the data folder and describes itself', async () => {
    const dir = dataDir();
    const rt = await startQdrantRuntime('bundled', { dataDir: dir, bundled: { binaryPath: process.execPath, args: [standinScript], readyTimeoutMs: 5000 } }, { log: silentLog });
    runtimes.push(rt);
    expect(rt.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rt.apiKey).toBe(fs.readFileSync(path.join(dir, 'qdrant', 'qdrant-api-key'), 'utf8').trim());
    expect(fs.existsSync(path.join(dir, 'qdrant', 'storage', 'collections'))).toBe(true);
    const d = rt.describe();
    expect(d).toMatchObject({ mode: 'bundled', state: 'ready', version: QDRANT_VERSION });
    expect(d.detail).toMatch(new RegExp(`^Bundled Qdrant on ${rt.url} \\(pid \\d+\\)$`));
    await rt.stop();
    expect(rt.describe().state).toBe('stopped');
    await expect(fetch(`${rt.url}/readyz`)).rejects.toThrow();
  });

  it('bundled: notes a version older than the app supports', async () => {
    const rt = await startQdrantRuntime(
      'bundled',
      { dataDir: dataDir(), bundled: { binaryPath: process.execPath, args: [standinScript], env: { STANDIN_VERSION: '1.9.4' }, readyTimeoutMs: 5000 } },
      { log: silentLog },
    );
    runtimes.push(rt);
    expect(rt.describe().detail).toMatch(/Qdrant 1\.9\.4 is too old: Agente BSC needs 1\.10\.0 or newer/);
  });

  it('bundled: a missing binary is a NOT_FOUND error naming the fetch script', async () => {
    const err = await startQdrantRuntime('bundled', { dataDir: dataDir(), resourcesDir: path.join(os.tmpdir(), 'nowhere') }, { log: silentLog }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BscError);
    expect((err as BscError).code).toBe('NOT_FOUND');
    expect((err as BscError).message).toContain(path.join(os.tmpdir(), 'nowhere', 'qdrant', `${process.platform}-${process.arch}`));
  });

  it.skipIf(!haveDockerSpec)('docker: ensures the container with the data folder’s key, and stops it', async () => {
    dockerStandin = await startDockerStandin({ healthy: 'healthy' });
    const docker = new Docker({ socketPath: dockerStandin.socketPath });
    const dir = dataDir();
    const phases: string[] = [];
    const rt = await startQdrantRuntime('docker', { dataDir: dir, docker: { hostPort: 6399, readiness: 'container', pollMs: 20 } }, { log: silentLog, docker, onProgress: (p) => phases.push(p.phase) });
    expect(rt.url).toBe('http://127.0.0.1:6399');
    expect(phases).toContain('pull');
    const [container] = [...dockerStandin.state.containers.values()];
    expect(container?.Image).toBe(QDRANT_IMAGE);
    expect(container?.Config.Env).toContain(`QDRANT__SERVICE__API_KEY=${rt.apiKey}`);
    expect(rt.describe()).toMatchObject({ mode: 'docker', state: 'ready' });
    await rt.stop();
    expect(container?.running).toBe(false);
    expect(rt.describe().state).toBe('stopped');
    // The key is the data folder's: a second start adopts the same container.
    const again = await startQdrantRuntime('docker', { dataDir: dir, docker: { hostPort: 6399, readiness: 'container', pollMs: 20 } }, { log: silentLog, docker });
    expect(again.apiKey).toBe(rt.apiKey);
    expect(again.describe().detail).toMatch(/, reused$/);
    expect(dockerStandin.state.containers.size).toBe(1);
    expect(dockerStandin.violations).toEqual([]);
  });

  it('external: probes the version with the key and reports an unreachable server without failing', async () => {
    const server = createServer((req, res) => {
      if (req.headers['api-key'] !== 'secret') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ title: 'qdrant - vector search engine', version: '1.19.2' }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const rt = await startQdrantRuntime('external', { dataDir: dataDir(), external: { url, apiKey: ' secret ' } }, { log: silentLog });
    expect(rt).toMatchObject({ url: url.replace(/\/$/, ''), apiKey: 'secret' });
    expect(rt.describe()).toMatchObject({ state: 'ready', version: '1.19.2' });
    const wrongKey = await startQdrantRuntime('external', { dataDir: dataDir(), external: { url, apiKey: 'nope' } }, { log: silentLog });
    expect(wrongKey.describe()).toMatchObject({ state: 'unreachable', version: undefined });
    expect(wrongKey.describe().detail).toMatch(/not reachable or the API key was refused/);
  });
});

describe('parseExternalQdrant', () => {
  const bad = (url: string | null) => {
    try {
      parseExternalQdrant({ url });
    } catch (err) {
      expect(err).toBeInstanceOf(BscError);
      expect((err as BscError).code).toBe('BAD_INPUT');
      return (err as BscError).message;
    }
    throw new Error(`accepted ${url}`);
  };

  it('accepts http and https, trims, drops the trailing slash, keeps an optional key', () => {
    expect(parseExternalQdrant({ url: ' https://xyz.eu-central.aws.cloud.qdrant.io:6333/ ' })).toEqual({ url: 'https://xyz.eu-central.aws.cloud.qdrant.io:6333', apiKey: null });
    expect(parseExternalQdrant({ url: 'http://localhost:6333', apiKey: 'k' })).toEqual({ url: 'http://localhost:6333', apiKey: 'k' });
    expect(parseExternalQdrant({ url: 'http://qdrant.lan:6333', apiKey: 'k' }).warning).toMatch(/unencrypted/);
    expect(parseExternalQdrant({ url: 'https://q.example.com/qdrant', apiKey: '' })).toEqual({ url: 'https://q.example.com/qdrant', apiKey: null });
  });

  it('refuses what is not an http(s) Qdrant address', () => {
    expect(bad(null)).toMatch(/Enter the Qdrant URL/);
    expect(bad('qdrant:6333')).toMatch(/must start with http/);
    expect(bad('localhost')).toMatch(/is not a URL/);
    expect(bad('ftp://q.example.com')).toMatch(/must start with http/);
    expect(bad('https://user:pw@q.example.com')).toMatch(/API key in its own field/);
    expect(bad('https://q.example.com/?api-key=x')).toMatch(/no query/);
  });
});

describe('checkQdrantVersion', () => {
  it('accepts the pinned and newer versions, refuses older than 1.10 and garbage', () => {
    expect(checkQdrantVersion(QDRANT_VERSION)).toEqual({ ok: true, version: QDRANT_VERSION, pinned: true });
    expect(checkQdrantVersion('1.20.1')).toMatchObject({ ok: true, pinned: false });
    expect(checkQdrantVersion('1.10.0')).toMatchObject({ ok: true });
    expect(checkQdrantVersion('1.9.7')).toMatchObject({ ok: false });
    expect(checkQdrantVersion('dev')).toMatchObject({ ok: false, message: expect.stringMatching(/unreadable/) });
    expect(QDRANT_IMAGE).toBe(`qdrant/qdrant:v${QDRANT_VERSION}`);
  });
});
