import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { absentDockerEngine, startDockerStandin } from './docker-standin';
import type { DockerStandin, DockerStandinOptions } from './docker-standin';
import { specAvailable, specPaths } from './spec-validator';

const haveSpec = specAvailable('docker');
if (!haveSpec) console.log(`Skipping the Docker stand-in tests: the spec is missing at ${specPaths.docker}`);

const IMAGE = 'qdrant/qdrant:v1.19.0';
const LABELS = { 'app.agente-bsc': 'qdrant', 'app.agente-bsc.data-dir': '/home/ana/.bsc' };

interface ProgressEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message: string };
}

function followPull(docker: Docker, image: string): Promise<{ events: ProgressEvent[]; output: ProgressEvent[] }> {
  return new Promise((resolve, reject) => {
    const events: ProgressEvent[] = [];
    docker.pull(image, {}, (err: Error | null, stream?: NodeJS.ReadableStream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      docker.modem.followProgress(
        stream,
        (doneErr: Error | null, output: ProgressEvent[]) => (doneErr ? reject(doneErr) : resolve({ events, output })),
        (event: ProgressEvent) => events.push(event),
      );
    });
  });
}

const containerSpec = (name = 'bsc-qdrant'): Docker.ContainerCreateOptions => ({
  name,
  Image: IMAGE,
  Labels: LABELS,
  Env: ['QDRANT__SERVICE__HTTP_PORT=6333'],
  ExposedPorts: { '6333/tcp': {} },
  Healthcheck: { Test: ['CMD-SHELL', 'bash -c ":> /dev/tcp/127.0.0.1/6333"'], Interval: 2_000_000_000, Retries: 5 },
  HostConfig: {
    PortBindings: { '6333/tcp': [{ HostIp: '127.0.0.1', HostPort: '6333' }] },
    RestartPolicy: { Name: 'unless-stopped' },
    Mounts: [{ Type: 'volume', Source: 'bsc-qdrant-data', Target: '/qdrant/storage' }],
  },
});

describe.skipIf(!haveSpec)('Docker stand-in driven by the real dockerode', () => {
  let standin: DockerStandin | undefined;
  const start = async (opts: DockerStandinOptions = {}) => {
    standin = await startDockerStandin(opts);
    return { standin, docker: new Docker({ socketPath: standin.socketPath }) };
  };
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });

  it('runs the whole lifecycle: ping, pull, volume, create, start, health, adopt by label, stop, remove', async () => {
    const { standin, docker } = await start({ healthy: 'healthy' });
    expect(String(await docker.ping())).toBe('OK');
    expect((await docker.version()).ApiVersion).toBe('1.56');

    const { events, output } = await followPull(docker, IMAGE);
    const downloading = events.filter((e) => e.status === 'Downloading');
    expect(downloading.length).toBeGreaterThan(2);
    expect(downloading.every((e) => (e.progressDetail?.current ?? 0) <= (e.progressDetail?.total ?? 0))).toBe(true);
    expect(events.some((e) => e.status === 'Pull complete')).toBe(true);
    expect(output.at(-1)?.status).toBe(`Status: Downloaded newer image for ${IMAGE}`);
    expect((await docker.getImage(IMAGE).inspect()).RepoTags).toEqual([IMAGE]);
    const again = await followPull(docker, IMAGE);
    expect(again.output.at(-1)?.status).toBe(`Status: Image is up to date for ${IMAGE}`);

    await docker.createVolume({ Name: 'bsc-qdrant-data', Labels: LABELS });
    expect((await docker.getVolume('bsc-qdrant-data').inspect()).Labels).toEqual(LABELS);

    const container = await docker.createContainer(containerSpec());
    await container.start();
    await expect(container.start()).rejects.toMatchObject({ statusCode: 304 });
    const info = await container.inspect();
    expect(info.State.Running).toBe(true);
    expect(info.State.Health?.Status).toBe('healthy');
    expect(info.HostConfig.PortBindings).toEqual({ '6333/tcp': [{ HostIp: '127.0.0.1', HostPort: '6333' }] });
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Mounts[0]).toMatchObject({ Type: 'volume', Name: 'bsc-qdrant-data', Destination: '/qdrant/storage' });

    const adopted = await docker.listContainers({ all: true, filters: { label: ['app.agente-bsc=qdrant'] } });
    expect(adopted.map((c) => c.Names)).toEqual([['/bsc-qdrant']]);
    expect(adopted[0]?.Ports).toEqual([{ IP: '127.0.0.1', PrivatePort: 6333, PublicPort: 6333, Type: 'tcp' }]);
    expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: ['app.agente-bsc=other'] }) })).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { name: ['bsc-qdrant'] } })).toHaveLength(1);

    await container.stop();
    expect((await container.inspect()).State.Running).toBe(false);
    expect(await docker.listContainers({ filters: { label: ['app.agente-bsc'] } })).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: ['app.agente-bsc'] } })).toHaveLength(1);
    await container.remove({ v: true });
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404, json: { message: `No such container: ${container.id}` } });
    expect(standin.state.volumes.has('bsc-qdrant-data')).toBe(true);

    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('reports a pull that fails mid-stream as an error line', async () => {
    const { standin, docker } = await start({ failPull: true });
    const { output } = await followPull(docker, IMAGE);
    const last = output.at(-1);
    expect(last?.error).toMatch(/connection reset/);
    expect(last?.errorDetail?.message).toBe(last?.error);
    expect(output.some((e) => e.status === 'Downloading')).toBe(true);
    expect(standin.state.images.size).toBe(0);
    await expect(docker.createContainer(containerSpec())).rejects.toMatchObject({ statusCode: 404, json: { message: `No such image: ${IMAGE}` } });
  });

  it('answers 404 for a tag the registry does not have', async () => {
    const { docker } = await start({ failPull: 'not-found' });
    await expect(followPull(docker, 'qdrant/qdrant:v0.0.0')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('fails to start when the host port is taken, leaving the container created', async () => {
    const { standin, docker } = await start({ portTaken: true, images: [IMAGE] });
    const container = await docker.createContainer(containerSpec());
    await expect(container.start()).rejects.toMatchObject({
      statusCode: 500,
      json: { message: expect.stringMatching(/Bind for 127\.0\.0\.1:6333 failed: port is already allocated$/) },
    });
    expect((await container.inspect()).State.Status).toBe('created');
    expect(standin.violations).toEqual([]);
  });

  it('refuses a second container with the same name and a running container removal without force', async () => {
    const { docker } = await start({ images: [IMAGE] });
    const first = await docker.createContainer(containerSpec());
    await expect(docker.createContainer(containerSpec())).rejects.toMatchObject({ statusCode: 409 });
    await first.start();
    await expect(first.remove()).rejects.toMatchObject({ statusCode: 409 });
    await first.remove({ force: true });
    expect(await docker.listContainers({ all: true })).toEqual([]);
  });

  it('reports starting, then healthy, as a health check settles', async () => {
    const { standin, docker } = await start({ images: [IMAGE], healthy: 'starting' });
    const container = await docker.createContainer(containerSpec());
    await container.start();
    expect((await container.inspect()).State.Health?.Status).toBe('starting');
    standin.setHealth('unhealthy');
    expect((await container.inspect()).State.Health?.Status).toBe('unhealthy');
  });

  it('accepts a /v1.NN/ prefix and rejects versions newer than the spec', async () => {
    const { standin } = await start();
    const pinned = new Docker({ socketPath: standin.socketPath, version: 'v1.47' });
    expect(String(await pinned.ping())).toBe('OK');
    expect(standin.requests.at(-1)?.path).toBe('/_ping');
    const tooNew = new Docker({ socketPath: standin.socketPath, version: 'v1.99' });
    await expect(tooNew.ping()).rejects.toMatchObject({ statusCode: 400 });
  });

  it('rejects a container config the engine would refuse and records the violation', async () => {
    const { standin, docker } = await start({ images: [IMAGE] });
    const bad = { ...containerSpec(), HostConfig: { RestartPolicy: { Name: 'sometimes' } } } as unknown as Docker.ContainerCreateOptions;
    await expect(docker.createContainer(bad)).rejects.toMatchObject({ statusCode: 400 });
    expect(standin.violations).toHaveLength(1);
    expect(standin.violations[0]).toMatch(/ContainerCreate.*RestartPolicy/);
    expect(standin.state.containers.size).toBe(0);
  });
});

describe('Docker engine absent', () => {
  it('fails with ENOENT when no socket exists', async () => {
    const absent = absentDockerEngine();
    await expect(new Docker({ socketPath: absent.socketPath }).ping()).rejects.toMatchObject({ code: 'ENOENT' });
    absent.cleanup();
  });

  it('fails with ECONNREFUSED when a stale socket file has no daemon behind it', async () => {
    const absent = absentDockerEngine({ stale: true });
    try {
      await expect(new Docker({ socketPath: absent.socketPath }).ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      absent.cleanup();
    }
  });
});
