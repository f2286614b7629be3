import type Docker from 'dockerode';
import { BscError, throwIfCancelled } from '../errors';
import { waitForQdrantReady } from './readiness';
import { QDRANT_IMAGE } from './version';

export const DOCKER_CONTAINER_NAME = 'agente-bsc-qdrant';
export const DOCKER_VOLUME_NAME = 'agente-bsc-qdrant-storage';
/** Every object we create carries it, so we find ours again and never touch anyone else's. */
export const DOCKER_LABELS = { app: 'agente-bsc', 'app.agente-bsc.component': 'qdrant' } as const;
const QDRANT_PORT = '6333/tcp';

export type DockerQdrantProgress =
  | { phase: 'engine' | 'volume' | 'create' | 'start' | 'ready' }
  | { phase: 'pull'; percent: number; currentBytes: number; totalBytes: number; status: string }
  | { phase: 'wait'; status: string };

/**
 * How readiness is judged: 'http' waits for a healthy (or running) container and then for
 * GET /readyz on the host port; 'container' trusts inspect alone (for engines whose containers
 * serve nothing, such as the test stand-in).
 */
export type DockerReadiness = 'http' | 'container';

export interface EnsureDockerQdrantOptions {
  docker: Docker;
  image?: string;
  containerName?: string;
  volumeName?: string;
  hostPort: number;
  apiKey: string;
  onProgress?: (p: DockerQdrantProgress) => void;
  signal?: AbortSignal;
  readiness?: DockerReadiness;
  readyTimeoutMs?: number;
  pollMs?: number;
}

export interface DockerQdrant {
  url: string;
  containerId: string;
  /** true: an existing container of ours was reused (and started if it was stopped). */
  adopted: boolean;
}

/** The engine's default endpoint on this platform; DOCKER_HOST=unix://… overrides it, as for the docker CLI. */
export function defaultDockerSocketPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host?.startsWith('npipe://')) return host.slice('npipe:'.length);
  return platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock';
}

/**
 * Makes sure the app's Qdrant container runs: finds it by name and label and adopts it, or pulls
 * the pinned image, creates the named volume and the container (127.0.0.1 only, restart
 * unless-stopped), starts it and waits until it is ready.
 */
export async function ensureDockerQdrant(opts: EnsureDockerQdrantOptions): Promise<DockerQdrant> {
  const { docker, hostPort, signal } = opts;
  const image = opts.image ?? QDRANT_IMAGE;
  const containerName = opts.containerName ?? DOCKER_CONTAINER_NAME;
  const volumeName = opts.volumeName ?? DOCKER_VOLUME_NAME;
  const progress = opts.onProgress ?? (() => {});
  const url = `http://127.0.0.1:${hostPort}`;

  progress({ phase: 'engine' });
  await pingDockerEngine(docker);
  throwIfCancelled(signal);

  const existing = await findOurContainer(docker, containerName);
  if (existing) {
    const info = await docker.getContainer(existing).inspect();
    const mismatch = adoptionMismatch(info, { image, hostPort, apiKey: opts.apiKey });
    if (!mismatch) {
      if (!info.State.Running) {
        progress({ phase: 'start' });
        await startContainer(docker.getContainer(existing), hostPort);
      }
      await waitForContainerReady(opts, existing, url, progress);
      progress({ phase: 'ready' });
      return { url, containerId: existing, adopted: true };
    }
    // Settings or the pinned version changed: the container is rebuilt, the data volume stays.
    await docker.getContainer(existing).remove({ force: true }).catch(ignoreStatus(404));
  }

  if (!(await imagePresent(docker, image))) await pullImage(docker, image, progress, signal);
  throwIfCancelled(signal);

  progress({ phase: 'volume' });
  await docker.createVolume({ Name: volumeName, Labels: { ...DOCKER_LABELS } }).catch(rethrowAs('create the Docker volume'));

  progress({ phase: 'create' });
  const container = await docker.createContainer(containerSpec({ image, containerName, volumeName, hostPort, apiKey: opts.apiKey })).catch((err: unknown) => {
    if (statusOf(err) === 409) {
      throw new BscError('PROVIDER_UNAVAILABLE', `A Docker container named "${containerName}" already exists and was not created by Agente BSC. Remove or rename it, then try again.`, {
        reason: 'docker-name-taken',
        containerName,
      });
    }
    throw rethrowAs('create the Qdrant container')(err);
  });

  progress({ phase: 'start' });
  try {
    await startContainer(container, hostPort);
    await waitForContainerReady(opts, container.id, url, progress);
  } catch (err) {
    // A container that never ran would be adopted next time with the same fault: leave nothing half-made.
    await container.remove({ force: true }).catch(() => {});
    throw err;
  }
  progress({ phase: 'ready' });
  return { url, containerId: container.id, adopted: false };
}

export async function stopDockerQdrant(opts: { docker: Docker; containerName?: string; timeoutSeconds?: number }): Promise<void> {
  await pingDockerEngine(opts.docker);
  const id = await findOurContainer(opts.docker, opts.containerName ?? DOCKER_CONTAINER_NAME);
  if (!id) return;
  await opts.docker.getContainer(id).stop({ t: opts.timeoutSeconds ?? 10 }).catch(ignoreStatus(304, 404));
}

/** Removes the container; the volume (the library's vectors) only when asked. */
export async function removeDockerQdrant(opts: { docker: Docker; containerName?: string; volumeName?: string; removeVolume: boolean }): Promise<void> {
  await pingDockerEngine(opts.docker);
  const id = await findOurContainer(opts.docker, opts.containerName ?? DOCKER_CONTAINER_NAME);
  if (id) await opts.docker.getContainer(id).remove({ force: true }).catch(ignoreStatus(404));
  if (opts.removeVolume) {
    await opts.docker.getVolume(opts.volumeName ?? DOCKER_VOLUME_NAME).remove().catch(ignoreStatus(404)).catch(rethrowAs('remove the Qdrant volume'));
  }
}

/** Pings the engine, turning "no socket" and "nobody listening" into messages a user can act on. */
export async function pingDockerEngine(docker: Docker, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error('ping timed out'), { code: 'ETIMEDOUT' })), timeoutMs))),
    ]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = (docker.modem as { socketPath?: string }).socketPath ?? 'its usual address';
    if (code === 'ENOENT') {
      throw new BscError('PROVIDER_UNAVAILABLE', `Docker is not installed or not running: no Docker engine at ${where}. Install and start Docker Desktop (or Docker Engine), or choose another vector store in Settings.`, {
        reason: 'docker-absent',
      });
    }
    if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      throw new BscError('PROVIDER_UNAVAILABLE', `Docker is not installed or not running: the Docker engine at ${where} did not answer (${code}). Start Docker Desktop (or the docker service) and try again.`, {
        reason: 'docker-not-running',
      });
    }
    if (code === 'EACCES') {
      throw new BscError('PROVIDER_UNAVAILABLE', `Docker is running, but this user may not use it (permission denied on ${where}). Add the user to the "docker" group or use Docker Desktop.`, {
        reason: 'docker-permission',
      });
    }
    throw rethrowAs('reach the Docker engine')(err);
  } finally {
    clearTimeout(timer);
  }
}

// ---------- steps ----------

async function findOurContainer(docker: Docker, containerName: string): Promise<string | undefined> {
  const list = await docker
    .listContainers({ all: true, filters: { label: [`app=${DOCKER_LABELS.app}`], name: [`^/${containerName}$`] } })
    .catch(rethrowAs('list Docker containers'));
  return list.find((c) => c.Names.includes(`/${containerName}`))?.Id;
}

function adoptionMismatch(info: Docker.ContainerInspectInfo, want: { image: string; hostPort: number; apiKey: string }): string | undefined {
  if (info.Config.Image !== want.image) return `image ${info.Config.Image}, want ${want.image}`;
  const binding = info.HostConfig.PortBindings?.[QDRANT_PORT]?.[0] as { HostIp?: string; HostPort?: string } | undefined;
  if (binding?.HostIp !== '127.0.0.1' || binding.HostPort !== String(want.hostPort)) return `port ${binding?.HostIp}:${binding?.HostPort}`;
  if (!(info.Config.Env ?? []).includes(`QDRANT__SERVICE__API_KEY=${want.apiKey}`)) return 'API key changed';
  return undefined;
}

function containerSpec(o: { image: string; containerName: string; volumeName: string; hostPort: number; apiKey: string }): Docker.ContainerCreateOptions {
  const seconds = 1_000_000_000; // Docker durations are nanoseconds
  return {
    name: o.containerName,
    Image: o.image,
    Labels: { ...DOCKER_LABELS },
    Env: [`QDRANT__SERVICE__API_KEY=${o.apiKey}`, 'QDRANT__TELEMETRY_DISABLED=true'],
    ExposedPorts: { [QDRANT_PORT]: {} },
    // The image has bash but no curl: ask /readyz (open without the key) over bash's /dev/tcp.
    Healthcheck: {
      Test: ['CMD-SHELL', `bash -c 'exec 3<>/dev/tcp/127.0.0.1/6333 && printf "GET /readyz HTTP/1.0\\r\\n\\r\\n" >&3 && head -n1 <&3 | grep -q " 200 "'`],
      Interval: 5 * seconds,
      Timeout: 3 * seconds,
      Retries: 5,
      StartPeriod: 30 * seconds,
    },
    HostConfig: {
      PortBindings: { [QDRANT_PORT]: [{ HostIp: '127.0.0.1', HostPort: String(o.hostPort) }] },
      RestartPolicy: { Name: 'unless-stopped' },
      Mounts: [{ Type: 'volume', Source: o.volumeName, Target: '/qdrant/storage' }],
    },
  };
}

async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw rethrowAs('inspect the Qdrant image')(err);
  }
}

interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** Pulls with progress: bytes downloaded over all layers whose size is known, never going backwards. */
async function pullImage(docker: Docker, image: string, progress: (p: DockerQdrantProgress) => void, signal: AbortSignal | undefined): Promise<void> {
  const pullFailed = (text: string) =>
    new BscError('PROVIDER_UNAVAILABLE', `Pulling ${image} failed: ${text}`, { reason: 'docker-pull-failed', image, dockerMessage: text });
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image);
  } catch (err) {
    throw pullFailed(dockerMessage(err));
  }
  const layers = new Map<string, { current: number; total: number }>();
  let percent = 0;
  let failure: string | undefined;
  const onAbort = () => (stream as NodeJS.ReadableStream & { destroy(e?: Error): void }).destroy(new BscError('CANCELLED', 'Cancelled.'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (e: PullEvent) => {
          if (e.error || e.errorDetail) {
            failure = e.errorDetail?.message ?? e.error;
            return;
          }
          if (!e.id) return;
          const total = e.progressDetail?.total;
          if (e.status === 'Downloading' && total) layers.set(e.id, { current: e.progressDetail?.current ?? 0, total });
          else if ((e.status === 'Download complete' || e.status === 'Pull complete') && layers.has(e.id)) {
            const layer = layers.get(e.id) as { current: number; total: number };
            layer.current = layer.total;
          } else if (e.status !== 'Downloading' && e.status !== 'Extracting') return;
          const sum = [...layers.values()].reduce((a, l) => ({ current: a.current + l.current, total: a.total + l.total }), { current: 0, total: 0 });
          if (!sum.total) return;
          percent = Math.max(percent, Math.min(100, Math.floor((sum.current / sum.total) * 100)));
          progress({ phase: 'pull', percent, currentBytes: sum.current, totalBytes: sum.total, status: e.status ?? '' });
        },
      );
    });
  } catch (err) {
    throwIfCancelled(signal);
    throw pullFailed(dockerMessage(err));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  throwIfCancelled(signal);
  // The engine reports a failure mid-stream as an `error` line after a 200.
  if (failure) throw pullFailed(failure);
}

async function startContainer(container: Docker.Container, hostPort: number): Promise<void> {
  try {
    await container.start();
  } catch (err) {
    const status = statusOf(err);
    if (status === 304) return; // already running
    const text = dockerMessage(err);
    if (/port is already allocated|address already in use|bind: /i.test(text)) {
      throw new BscError('PROVIDER_UNAVAILABLE', `port ${hostPort} on 127.0.0.1 is taken by another program; choose another port in Settings.`, {
        reason: 'docker-port-taken',
        hostPort,
        dockerMessage: text,
      });
    }
    throw rethrowAs('start the Qdrant container')(err);
  }
}

async function waitForContainerReady(opts: EnsureDockerQdrantOptions, id: string, url: string, progress: (p: DockerQdrantProgress) => void): Promise<void> {
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const pollMs = opts.pollMs ?? 500;
  const t0 = Date.now();
  let last = '';
  for (;;) {
    throwIfCancelled(opts.signal);
    const info = await opts.docker.getContainer(id).inspect().catch(rethrowAs('inspect the Qdrant container'));
    const health = info.State.Health?.Status;
    const status = health ?? (info.State.Running ? 'running' : info.State.Status);
    if (status !== last) progress({ phase: 'wait', status });
    last = status;
    if (!info.State.Running && !info.State.Restarting) {
      throw new BscError('PROVIDER_UNAVAILABLE', `The Qdrant container stopped (exit code ${info.State.ExitCode}${info.State.Error ? `: ${info.State.Error}` : ''}). See \`docker logs ${opts.containerName ?? DOCKER_CONTAINER_NAME}\`.`, {
        reason: 'docker-container-exited',
        exitCode: info.State.ExitCode,
      });
    }
    if (health === 'unhealthy') {
      const probe = info.State.Health?.Log?.at(-1)?.Output?.trim();
      throw new BscError('PROVIDER_UNAVAILABLE', `The Qdrant container is unhealthy${probe ? `: ${probe}` : ''}.`, { reason: 'docker-unhealthy' });
    }
    if (health === 'healthy' || (health === undefined && info.State.Running)) break;
    if (Date.now() - t0 >= timeoutMs) {
      throw new BscError('PROVIDER_UNAVAILABLE', `The Qdrant container was not ready within ${timeoutMs} ms (health: ${status}).`, { reason: 'docker-not-ready' });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if ((opts.readiness ?? 'http') === 'container') return;
  const outcome = await waitForQdrantReady(url, { timeoutMs: Math.max(1000, timeoutMs - (Date.now() - t0)), intervalMs: 200, signal: opts.signal });
  if (!outcome.ready) {
    throw new BscError('PROVIDER_UNAVAILABLE', `The Qdrant container runs but ${url} is not ready: ${outcome.reason}.`, { reason: 'docker-not-ready' });
  }
}

// ---------- Docker errors ----------

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Docker's own words: the JSON body's message when there is one. */
function dockerMessage(err: unknown): string {
  const json = (err as { json?: unknown }).json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message;
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

function ignoreStatus(...statuses: number[]) {
  return (err: unknown): void => {
    if (!statuses.includes(statusOf(err) ?? -1)) throw err;
  };
}

function rethrowAs(action: string) {
  return (err: unknown): never => {
    if (err instanceof BscError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET') {
      throw new BscError('PROVIDER_UNAVAILABLE', `Docker is not installed or not running: the engine stopped answering while trying to ${action} (${code}).`, {
        reason: 'docker-not-running',
      });
    }
    throw new BscError('PROVIDER_UNAVAILABLE', `Could not ${action}: ${dockerMessage(err)}`, { reason: 'docker-error', status: statusOf(err) });
  };
}
