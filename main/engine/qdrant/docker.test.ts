import { createServer } from 'node:http';
import type { Server } from 'node:http';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { absentDockerEngine, startDockerStandin } from '../../../test/standins/docker-standin';
import type { DockerStandin, DockerStandinOptions } from '../../../test/standins/docker-standin';
import { specAvailable, specPaths } from '../../../test/standins/spec-validator';
import { BscError } from '../errors';
import {
  DOCKER_CONTAINER_NAME,
  DOCKER_VOLUME_NAME,
  defaultDockerSocketPath,
  ensureDockerQdrant,
  removeDockerQdrant,
  stopDockerQdrant,
} from './docker';
import type { DockerQdrantProgress, EnsureDockerQdrantOptions } from './docker';
import { QDRANT_IMAGE } from './version';

const haveSpec = specAvailable('docker');
if (!haveSpec) console.log(`Skipping the Docker runtime tests against the stand-in: the Docker spec is missing at ${specPaths.docker}`);

let standin: DockerStandin | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await standin?.close();
  standin = undefined;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function engine(opts: DockerStandinOptions = {}) {
  standin = await startDockerStandin(opts);
  return { standin, docker: new Docker({ socketPath: standin.socketPath }) };
}

const base = (docker: Docker, over: Partial<EnsureDockerQdrantOptions> = {}): EnsureDockerQdrantOptions => ({
  docker,
  image: QDRANT_IMAGE,
  containerName: DOCKER_CONTAINER_NAME,
  volumeName: DOCKER_VOLUME_NAME,
  hostPort: 6333,
  apiKey: 'key-0123456789abcdef0123456789abcdef',
  readiness: 'container',
  pollMs: 20,
  readyTimeoutMs: 2000,
  ...over,
});

async function failure(p: Promise<unknown>): Promise<BscError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BscError);
  return err as BscError;
}

describe.skipIf(!haveSpec)('Docker Qdrant runtime (Docker stand-in, spec-checked)', () => {
  it('pulls with progress, creates volume and container, starts, waits for health, then adopts on the next call', async () => {
    const { standin, docker } = await engine({ healthy: 'healthy' });
    const events: DockerQdrantProgress[] = [];
    const first = await ensureDockerQdrant(base(docker, { onProgress: (p) => events.push(p) }));
    expect(first).toMatchObject({ url: 'http://127.0.0.1:6333', adopted: false });

    const pulls = events.filter((e): e is Extract<DockerQdrantProgress, { phase: 'pull' }> => e.phase === 'pull');
    expect(pulls.length).toBeGreaterThan(3);
    const percents = pulls.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b)); // never backwards
    expect(percents.at(-1)).toBe(100);
    expect(pulls.at(-1)?.totalBytes).toBe(29_126_484 + 41_871_120);
    expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual(['engine', 'pull', 'volume', 'create', 'start', 'wait', 'ready']);

    expect(standin.state.images.has(QDRANT_IMAGE)).toBe(true);
    expect(standin.state.volumes.get(DOCKER_VOLUME_NAME)?.Labels).toMatchObject({ app: 'agente-bsc' });
    const info = await docker.getContainer(first.containerId).inspect();
    expect(info.Name).toBe(`/${DOCKER_CONTAINER_NAME}`);
    expect(info.Config.Labels).toMatchObject({ app: 'agente-bsc' });
    expect(info.Config.Env).toContain('QDRANT__SERVICE__API_KEY=key-0123456789abcdef0123456789abcdef');
    expect(info.HostConfig.PortBindings).toEqual({ '6333/tcp': [{ HostIp: '127.0.0.1', HostPort: '6333' }] });
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Mounts[0]).toMatchObject({ Type: 'volume', Name: DOCKER_VOLUME_NAME, Destination: '/qdrant/storage' });
    expect(info.State).toMatchObject({ Running: true, Health: { Status: 'healthy' } });

    const pullsBefore = standin.requests.filter((r) => r.path === '/images/create').length;
    const second = await ensureDockerQdrant(base(docker));
    expect(second).toEqual({ url: first.url, containerId: first.containerId, adopted: true });
    expect(standin.state.containers.size).toBe(1);
    expect(standin.requests.filter((r) => r.path === '/images/create').length).toBe(pullsBefore);
    expect(standin.requests.filter((r) => r.path === '/containers/create')).toHaveLength(1);

    // Stopped (by us or by a reboot): adopted and started again.
    await stopDockerQdrant({ docker });
    expect((await docker.getContainer(first.containerId).inspect()).State.Running).toBe(false);
    const third = await ensureDockerQdrant(base(docker));
    expect(third.adopted).toBe(true);
    expect((await docker.getContainer(first.containerId).inspect()).State.Running).toBe(true);

    await removeDockerQdrant({ docker, removeVolume: false });
    expect(standin.state.containers.size).toBe(0);
    expect(standin.state.volumes.has(DOCKER_VOLUME_NAME)).toBe(true);

    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('waits while the health check says starting, and fails clearly when it turns unhealthy', async () => {
    const { standin, docker } = await engine({ healthy: 'starting', images: [QDRANT_IMAGE] });
    const waits: string[] = [];
    const pending = ensureDockerQdrant(base(docker, { onProgress: (p) => p.phase === 'wait' && waits.push(p.status) }));
    await new Promise((r) => setTimeout(r, 150));
    standin.setHealth('healthy');
    expect((await pending).adopted).toBe(false);
    expect(waits).toEqual(['starting', 'healthy']);

    standin.setHealth('unhealthy');
    const err = await failure(ensureDockerQdrant(base(docker)));
    expect(err.message).toMatch(/unhealthy/);
    expect(err.details).toMatchObject({ reason: 'docker-unhealthy' });
    expect(standin.violations).toEqual([]);
  });

  it('rebuilds the container (keeping the volume) when the port or pinned image changed', async () => {
    const { standin, docker } = await engine({ images: [QDRANT_IMAGE, 'qdrant/qdrant:v1.18.0'] });
    const old = await ensureDockerQdrant(base(docker, { image: 'qdrant/qdrant:v1.18.0' }));
    const now = await ensureDockerQdrant(base(docker, { hostPort: 6340 }));
    expect(now.adopted).toBe(false);
    expect(now.containerId).not.toBe(old.containerId);
    expect(now.url).toBe('http://127.0.0.1:6340');
    expect([...standin.state.containers.values()].map((c) => c.Image)).toEqual([QDRANT_IMAGE]);
    expect(standin.state.volumes.has(DOCKER_VOLUME_NAME)).toBe(true);
    expect(standin.violations).toEqual([]);
  });

  it('checks /readyz on the host port in http readiness mode', async () => {
    const { docker } = await engine({ images: [QDRANT_IMAGE] });
    // The stand-in runs nothing, so a local server plays Qdrant's port for the HTTP check.
    let hits = 0;
    const server = createServer((req, res) => {
      hits += req.url === '/readyz' ? 1 : 0;
      res.writeHead(req.url === '/readyz' && hits > 2 ? 200 : 503).end();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const q = await ensureDockerQdrant(base(docker, { hostPort: port, readiness: 'http' }));
    expect(q.url).toBe(`http://127.0.0.1:${port}`);
    expect(hits).toBe(3);
  });

  it('fails with Docker’s own words when the pull breaks mid-stream, and creates nothing', async () => {
    const { standin, docker } = await engine({ failPull: true });
    const events: DockerQdrantProgress[] = [];
    const err = await failure(ensureDockerQdrant(base(docker, { onProgress: (p) => events.push(p) })));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).toBe(`Pulling ${QDRANT_IMAGE} failed: read tcp 172.17.0.1:48512->104.16.97.215:443: read: connection reset by peer`);
    expect(err.details).toMatchObject({ reason: 'docker-pull-failed' });
    expect(events.some((e) => e.phase === 'pull')).toBe(true);
    expect(standin.state.containers.size).toBe(0);
    expect(standin.violations).toEqual([]);
  });

  it('fails clearly when the registry has no such tag', async () => {
    const { docker } = await engine({ failPull: 'not-found' });
    const err = await failure(ensureDockerQdrant(base(docker)));
    expect(err.message).toMatch(/^Pulling qdrant\/qdrant:v1\.19\.0 failed: manifest for qdrant\/qdrant:v1\.19\.0 not found/);
  });

  it('says the port is taken and leaves no half-made container behind', async () => {
    const { standin, docker } = await engine({ portTaken: true, images: [QDRANT_IMAGE] });
    const err = await failure(ensureDockerQdrant(base(docker)));
    expect(err.message).toBe('port 6333 on 127.0.0.1 is taken by another program; choose another port in Settings.');
    expect(err.details).toMatchObject({ reason: 'docker-port-taken', dockerMessage: expect.stringMatching(/port is already allocated/) });
    expect(standin.state.containers.size).toBe(0);
    expect(standin.violations).toEqual([]);
  });

  it('refuses to take over a same-named container that is not ours', async () => {
    const { docker } = await engine({ images: [QDRANT_IMAGE] });
    await docker.createContainer({ name: DOCKER_CONTAINER_NAME, Image: QDRANT_IMAGE });
    const err = await failure(ensureDockerQdrant(base(docker)));
    expect(err.message).toMatch(/already exists and was not created by Agente BSC/);
  });

  it('asks the engine to delete the volume when told to remove it', async () => {
    const { standin, docker } = await engine({ images: [QDRANT_IMAGE] });
    await ensureDockerQdrant(base(docker));
    // The stand-in does not implement VolumeDelete (it answers 501), so this checks the request
    // we send is the one the spec defines, and that the failure surfaces rather than vanishes.
    const err = await failure(removeDockerQdrant({ docker, removeVolume: true }));
    expect(err.message).toMatch(/Could not remove the Qdrant volume/);
    expect(standin.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/volumes/${DOCKER_VOLUME_NAME}` });
    expect(standin.state.containers.size).toBe(0);
    expect(standin.violations).toEqual([]);
  });
});

describe('Docker engine missing', () => {
  it('says Docker is not installed or not running when there is no socket', async () => {
    const absent = absentDockerEngine();
    const err = await failure(ensureDockerQdrant(base(new Docker({ socketPath: absent.socketPath }))));
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).toMatch(/^Docker is not installed or not running: no Docker engine at /);
    expect(err.details).toMatchObject({ reason: 'docker-absent' });
    absent.cleanup();
  });

  it('says the engine is not running when the socket refuses connections', async () => {
    const absent = absentDockerEngine({ stale: true });
    try {
      const err = await failure(ensureDockerQdrant(base(new Docker({ socketPath: absent.socketPath }))));
      expect(err.message).toMatch(/^Docker is not installed or not running: the Docker engine at .* did not answer \(ECONNREFUSED\)/);
      expect(err.details).toMatchObject({ reason: 'docker-not-running' });
    } finally {
      absent.cleanup();
    }
  });

  it('finds the engine where the docker CLI would', () => {
    expect(defaultDockerSocketPath('linux', {})).toBe('/var/run/docker.sock');
    expect(defaultDockerSocketPath('darwin', { DOCKER_HOST: 'unix:///Users/ana/.docker/run/docker.sock' })).toBe('/Users/ana/.docker/run/docker.sock');
    expect(defaultDockerSocketPath('win32', {})).toBe('//./pipe/docker_engine');
  });
});
