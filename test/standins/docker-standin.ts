import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadSpec } from './spec-validator';

/**
 * A Docker Engine on a unix socket that speaks API v1.56 for what our Docker runtime uses
 * (ping, version, pull, volumes, containers), validates every request against the engine's
 * Swagger document and keeps images, volumes and containers in memory. It runs nothing.
 */

export type HealthStatus = 'healthy' | 'unhealthy' | 'starting';

export interface DockerStandinOptions {
  socketPath?: string;
  /** true: the pull stream ends in an error line mid-download; 'not-found': 404 before any stream. */
  failPull?: boolean | 'not-found';
  /** Starting a container with a published port fails as when another process holds the port. */
  portTaken?: boolean;
  /** Health reported for running containers (default: healthy when the container has a healthcheck). */
  healthy?: HealthStatus;
  /** Images present before any pull, e.g. ['qdrant/qdrant:v1.19.0']. */
  images?: string[];
}

export interface RecordedDockerRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface ImageRecord {
  Id: string;
  RepoTags: string[];
  Created: string;
  Size: number;
}
export interface VolumeRecord {
  Name: string;
  Labels: Record<string, string>;
  CreatedAt: string;
}
export interface ContainerRecord {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  ImageID: string;
  Config: Record<string, unknown> & { Labels?: Record<string, string>; Healthcheck?: unknown; Cmd?: string[] };
  HostConfig: Record<string, unknown> & {
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    Mounts?: Array<{ Type?: string; Source?: string; Target?: string }>;
    Binds?: string[];
  };
  running: boolean;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  pid: number;
}

export interface DockerStandin {
  socketPath: string;
  requests: RecordedDockerRequest[];
  violations: string[];
  /** Responses of ours that do not match the spec: a stand-in bug, asserted empty in tests. */
  responseViolations: string[];
  state: { images: Map<string, ImageRecord>; containers: Map<string, ContainerRecord>; volumes: Map<string, VolumeRecord> };
  /** Changes the health later containers report, e.g. starting → healthy. */
  setHealth(status: HealthStatus): void;
  close(): Promise<void>;
}

const API_VERSION = '1.56';
const ENGINE_VERSION = '29.0.0';

class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDockerStandin(opts: DockerStandinOptions = {}): Promise<DockerStandin> {
  const spec = await loadSpec('docker');
  const socketPath = opts.socketPath ?? path.join(os.tmpdir(), `docker-standin-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const images = new Map<string, ImageRecord>();
  const containers = new Map<string, ContainerRecord>();
  const volumes = new Map<string, VolumeRecord>();
  const requests: RecordedDockerRequest[] = [];
  const violations: string[] = [];
  const responseViolations: string[] = [];
  let health = opts.healthy;
  for (const ref of opts.images ?? []) addImage(images, ref);

  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `stand-in failure: ${String(err)}` });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const query = Object.fromEntries(url.searchParams);
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', `Docker/${ENGINE_VERSION} (linux)`);

    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (versioned && Number(versioned[1]) > Number(API_VERSION)) {
      return sendJson(res, 400, { message: `client version ${versioned[1]} is too new. Maximum supported API version is ${API_VERSION}` });
    }
    const apiPath = versioned?.[2] ?? url.pathname;
    requests.push({ method, path: apiPath, query, body });

    const check = spec.checkRequest({ method, path: encodeImageName(apiPath), query, headers: req.headers, body });
    if (!check.operationId) {
      violations.push(`${method} ${apiPath}: not in the Docker Engine API`);
      return sendJson(res, 404, { message: 'page not found' });
    }
    const reply = (status: number, payload?: unknown): void => {
      if (payload !== undefined) {
        for (const e of spec.checkResponse(check.operationId as string, status, payload)) responseViolations.push(`${method} ${apiPath} → ${status}: ${e}`);
      }
      if (payload === undefined) res.writeHead(status).end();
      else if (typeof payload === 'string') res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(payload);
      else sendJson(res, status, payload);
    };
    if (check.errors.length) {
      violations.push(`${method} ${apiPath} (${check.operationId}): ${check.errors.join('; ')}`);
      return reply(400, { message: `invalid request: ${check.errors.join('; ')}` });
    }

    try {
      const p = check.params;
      switch (check.operationId) {
        case 'SystemPing':
          res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
          return reply(200, method === 'HEAD' ? undefined : 'OK');
        case 'SystemVersion':
          return reply(200, {
            Platform: { Name: 'Docker Engine - Community' },
            Version: ENGINE_VERSION,
            ApiVersion: API_VERSION,
            MinAPIVersion: '1.24',
            GitCommit: 'standin',
            GoVersion: 'go1.24.0',
            Os: 'linux',
            Arch: 'amd64',
            KernelVersion: os.release(),
          });
        case 'ImageCreate':
          return await pullImage(query, res);
        case 'ImageInspect': {
          const image = findImage(images, p.name ?? '');
          if (!image) throw new EngineError(404, `No such image: ${p.name}`);
          return reply(200, { Id: image.Id, RepoTags: image.RepoTags, RepoDigests: [], Created: image.Created, Size: image.Size, Os: 'linux', Architecture: 'amd64' });
        }
        case 'VolumeCreate': {
          const cfg = (body ?? {}) as { Name?: string; Labels?: Record<string, string> };
          const name = cfg.Name || randomBytes(32).toString('hex');
          const existing = volumes.get(name);
          const volume = existing ?? { Name: name, Labels: cfg.Labels ?? {}, CreatedAt: new Date().toISOString() };
          volumes.set(name, volume);
          return reply(201, describeVolume(volume));
        }
        case 'VolumeInspect': {
          const volume = volumes.get(p.name ?? '');
          if (!volume) throw new EngineError(404, `get ${p.name}: no such volume`);
          return reply(200, describeVolume(volume));
        }
        case 'ContainerCreate':
          return reply(201, createContainer(query.name, body as ContainerRecord['Config']));
        case 'ContainerList':
          return reply(200, listContainers(query));
        case 'ContainerInspect':
          return reply(200, inspectContainer(findContainer(p.id ?? '')));
        case 'ContainerStart': {
          const c = findContainer(p.id ?? '');
          if (c.running) return reply(304);
          const binding = firstBinding(c);
          if (opts.portTaken && binding) {
            throw new EngineError(
              500,
              `driver failed programming external connectivity on endpoint ${c.Name.slice(1)} (${c.Id.slice(0, 12)}): Bind for ${binding} failed: port is already allocated`,
            );
          }
          Object.assign(c, { running: true, startedAt: new Date().toISOString(), pid: 4000 + containers.size, exitCode: 0 });
          return reply(204);
        }
        case 'ContainerStop': {
          const c = findContainer(p.id ?? '');
          if (!c.running) return reply(304);
          Object.assign(c, { running: false, finishedAt: new Date().toISOString(), pid: 0, exitCode: 0 });
          return reply(204);
        }
        case 'ContainerDelete': {
          const c = findContainer(p.id ?? '');
          if (c.running && query.force !== 'true' && query.force !== '1') {
            throw new EngineError(409, `cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
          }
          containers.delete(c.Id);
          return reply(204);
        }
        default:
          throw new EngineError(501, `the Docker stand-in does not implement ${check.operationId}`);
      }
    } catch (err) {
      if (err instanceof EngineError) return reply(err.status, { message: err.message });
      throw err;
    }
  }

  /** Streams JSON lines the way the engine reports a pull; errors after the 200 arrive as an `error` line. */
  async function pullImage(query: Record<string, string>, res: ServerResponse): Promise<void> {
    const from = query.fromImage ?? '';
    const ref = normaliseRef(query.tag && !hasTag(from) ? `${from}:${query.tag}` : from);
    const [repo, tag] = splitRef(ref);
    if (opts.failPull === 'not-found') {
      return sendJson(res, 404, { message: `manifest for ${ref} not found: manifest unknown: manifest unknown` });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const send = async (line: object) => {
      res.write(`${JSON.stringify(line)}\r\n`);
      await new Promise((r) => setImmediate(r));
    };
    await send({ status: `Pulling from ${repo}`, id: tag });
    if (findImage(images, ref)) {
      await send({ status: `Digest: sha256:${digestOf(ref)}` });
      await send({ status: `Status: Image is up to date for ${ref}` });
      return void res.end();
    }
    const layers = [
      { id: digestOf(`${ref}#1`).slice(0, 12), total: 29_126_484 },
      { id: digestOf(`${ref}#2`).slice(0, 12), total: 41_871_120 },
    ];
    for (const layer of layers) await send({ status: 'Pulling fs layer', progressDetail: {}, id: layer.id });
    for (const layer of layers) {
      for (const fraction of [0.25, 0.5, 0.75, 1]) {
        const current = Math.round(layer.total * fraction);
        await send({ status: 'Downloading', progressDetail: { current, total: layer.total }, progress: progressBar(current, layer.total), id: layer.id });
        if (opts.failPull === true && fraction === 0.5) {
          const message = `read tcp 172.17.0.1:48512->104.16.97.215:443: read: connection reset by peer`;
          await send({ errorDetail: { message }, error: message });
          return void res.end();
        }
      }
      await send({ status: 'Verifying Checksum', progressDetail: {}, id: layer.id });
      await send({ status: 'Download complete', progressDetail: {}, id: layer.id });
    }
    for (const layer of layers) {
      await send({ status: 'Extracting', progressDetail: { current: layer.total, total: layer.total }, progress: progressBar(layer.total, layer.total), id: layer.id });
      await send({ status: 'Pull complete', progressDetail: {}, id: layer.id });
    }
    addImage(images, ref);
    await send({ status: `Digest: sha256:${digestOf(ref)}` });
    await send({ status: `Status: Downloaded newer image for ${ref}` });
    res.end();
  }

  function createContainer(name: string | undefined, body: ContainerRecord['Config'] & { HostConfig?: ContainerRecord['HostConfig']; NetworkingConfig?: unknown }) {
    const { HostConfig = {}, NetworkingConfig: _networking, ...config } = body;
    const imageRef = String(config.Image ?? '');
    const image = findImage(images, imageRef);
    if (!image) throw new EngineError(404, `No such image: ${normaliseRef(imageRef)}`);
    const id = randomBytes(32).toString('hex');
    const fullName = `/${name ?? `standin_${id.slice(0, 6)}`}`;
    const clash = [...containers.values()].find((c) => c.Name === fullName);
    if (clash) {
      throw new EngineError(409, `Conflict. The container name "${fullName}" is already in use by container "${clash.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    // Named volumes referenced by a mount or bind are created on the fly, as the engine does.
    for (const m of HostConfig.Mounts ?? []) if ((m.Type ?? 'volume') === 'volume' && m.Source) ensureVolume(m.Source);
    for (const b of HostConfig.Binds ?? []) {
      const source = b.split(':')[0] ?? '';
      if (source && !source.startsWith('/')) ensureVolume(source);
    }
    containers.set(id, {
      Id: id,
      Name: fullName,
      Created: new Date().toISOString(),
      Image: imageRef,
      ImageID: image.Id,
      Config: config,
      HostConfig,
      running: false,
      startedAt: '0001-01-01T00:00:00Z',
      finishedAt: '0001-01-01T00:00:00Z',
      exitCode: 0,
      pid: 0,
    });
    return { Id: id, Warnings: [] };
  }

  function ensureVolume(name: string): void {
    if (!volumes.has(name)) volumes.set(name, { Name: name, Labels: {}, CreatedAt: new Date().toISOString() });
  }

  function findContainer(ref: string): ContainerRecord {
    const byId = containers.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    const found = [...containers.values()].find((c) => c.Name === name || (ref.length >= 3 && c.Id.startsWith(ref)));
    if (!found) throw new EngineError(404, `No such container: ${ref}`);
    return found;
  }

  function listContainers(query: Record<string, string>) {
    const all = query.all === 'true' || query.all === '1';
    const filters = parseFilters(query.filters);
    return [...containers.values()]
      .filter((c) => all || c.running)
      .filter((c) => matchesFilters(c, filters))
      .map((c) => ({
        Id: c.Id,
        Names: [c.Name],
        Image: c.Image,
        ImageID: c.ImageID,
        Command: (c.Config.Cmd ?? ['./entrypoint.sh']).join(' '),
        Created: Math.floor(Date.parse(c.Created) / 1000),
        Ports: publishedPorts(c),
        Labels: c.Config.Labels ?? {},
        State: stateOf(c),
        Status: c.running ? 'Up 1 second' : c.finishedAt.startsWith('0001') ? 'Created' : 'Exited (0) 1 second ago',
        HostConfig: { NetworkMode: 'bridge' },
        Mounts: mountsOf(c),
      }));
  }

  function inspectContainer(c: ContainerRecord) {
    const healthStatus = c.running ? (health ?? (c.Config.Healthcheck ? 'healthy' : undefined)) : undefined;
    return {
      Id: c.Id,
      Created: c.Created,
      Path: './entrypoint.sh',
      Args: [],
      State: {
        Status: stateOf(c),
        Running: c.running,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: c.pid,
        ExitCode: c.exitCode,
        Error: '',
        StartedAt: c.startedAt,
        FinishedAt: c.finishedAt,
        ...(healthStatus ? { Health: { Status: healthStatus, FailingStreak: healthStatus === 'unhealthy' ? 3 : 0, Log: [] } } : {}),
      },
      Image: c.ImageID,
      Name: c.Name,
      RestartCount: 0,
      Driver: 'overlay2',
      Platform: 'linux',
      Config: c.Config,
      HostConfig: c.HostConfig,
      Mounts: mountsOf(c),
      NetworkSettings: {
        Ports: Object.fromEntries(Object.entries(c.HostConfig.PortBindings ?? {}).map(([port, b]) => [port, c.running ? (b ?? []) : null])),
      },
    };
  }

  function mountsOf(c: ContainerRecord) {
    const fromMounts = (c.HostConfig.Mounts ?? []).map((m) => ({
      Type: m.Type ?? 'volume',
      Name: m.Type === 'bind' ? '' : (m.Source ?? ''),
      Source: m.Type === 'bind' ? (m.Source ?? '') : `/var/lib/docker/volumes/${m.Source}/_data`,
      Destination: m.Target ?? '',
      Driver: 'local',
      Mode: 'z',
      RW: true,
      Propagation: '',
    }));
    const fromBinds = (c.HostConfig.Binds ?? []).map((b) => {
      const [source = '', target = ''] = b.split(':');
      const isVolume = !source.startsWith('/');
      return {
        Type: isVolume ? 'volume' : 'bind',
        Name: isVolume ? source : '',
        Source: isVolume ? `/var/lib/docker/volumes/${source}/_data` : source,
        Destination: target,
        Driver: isVolume ? 'local' : '',
        Mode: '',
        RW: !b.endsWith(':ro'),
        Propagation: isVolume ? '' : 'rprivate',
      };
    });
    return [...fromMounts, ...fromBinds];
  }

  function firstBinding(c: ContainerRecord): string | undefined {
    for (const list of Object.values(c.HostConfig.PortBindings ?? {})) {
      const b = list?.[0];
      if (b?.HostPort) return `${b.HostIp || '0.0.0.0'}:${b.HostPort}`;
    }
    return undefined;
  }

  function publishedPorts(c: ContainerRecord) {
    if (!c.running) return [];
    return Object.entries(c.HostConfig.PortBindings ?? {}).flatMap(([port, list]) => {
      const [privatePort = '0', type = 'tcp'] = port.split('/');
      return (list ?? []).map((b) => ({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(privatePort), PublicPort: Number(b.HostPort), Type: type }));
    });
  }

  if (existsSync(socketPath)) rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  return {
    socketPath,
    requests,
    violations,
    responseViolations,
    state: { images, containers, volumes },
    setHealth(status) {
      health = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}

/**
 * A socket path where no engine listens. By default nothing exists there (connecting fails
 * with ENOENT, as when Docker is not installed); with `stale: true` a leftover non-socket file
 * sits there (ECONNREFUSED, as when the daemon is stopped).
 */
export function absentDockerEngine(opts: { stale?: boolean } = {}): { socketPath: string; cleanup(): void } {
  const socketPath = path.join(os.tmpdir(), `docker-absent-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  if (opts.stale) writeFileSync(socketPath, '');
  return { socketPath, cleanup: () => rmSync(socketPath, { force: true }) };
}

// ---------- images ----------

function hasTag(ref: string): boolean {
  return /:[^/]+$/.test(ref) || ref.includes('@');
}

/** 'qdrant/qdrant' → 'qdrant/qdrant:latest'; a 'docker.io/' prefix is dropped, as the engine displays it. */
function normaliseRef(ref: string): string {
  const bare = ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
  return hasTag(bare) ? bare : `${bare}:latest`;
}

function splitRef(ref: string): [string, string] {
  const i = ref.lastIndexOf(':');
  return [ref.slice(0, i), ref.slice(i + 1)];
}

function addImage(images: Map<string, ImageRecord>, ref: string): void {
  const name = normaliseRef(ref);
  images.set(name, { Id: `sha256:${digestOf(`image:${name}`)}`, RepoTags: [name], Created: new Date().toISOString(), Size: 70_997_604 });
}

function findImage(images: Map<string, ImageRecord>, ref: string): ImageRecord | undefined {
  return images.get(normaliseRef(ref)) ?? [...images.values()].find((i) => i.Id === ref || i.Id === `sha256:${ref}`);
}

/** Image names contain '/', which the spec's `{name}` segment cannot hold; the engine routes them with `{name:.*}`. */
function encodeImageName(apiPath: string): string {
  const m = /^\/images\/(.+)\/(json|history|push|tag|get|attestations)$/.exec(apiPath);
  return m ? `/images/${encodeURIComponent(decodeURIComponent(m[1] ?? ''))}/${m[2]}` : apiPath;
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function progressBar(current: number, total: number): string {
  const width = 50;
  const done = Math.round((current / total) * width);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)}MB`;
  return `[${'='.repeat(Math.max(0, done - 1))}${done ? '>' : ''}${' '.repeat(width - done)}]  ${mb(current)}/${mb(total)}`;
}

// ---------- containers ----------

function stateOf(c: ContainerRecord): 'created' | 'running' | 'exited' {
  if (c.running) return 'running';
  return c.finishedAt.startsWith('0001') ? 'created' : 'exited';
}

function describeVolume(v: VolumeRecord) {
  return { Name: v.Name, Driver: 'local', Mountpoint: `/var/lib/docker/volumes/${v.Name}/_data`, CreatedAt: v.CreatedAt, Labels: v.Labels, Scope: 'local', Options: {} };
}

type Filters = Record<string, string[]>;

/** Accepts both encodings the engine accepts: {"label":["a=b"]} and the legacy {"label":{"a=b":true}}. */
function parseFilters(raw: string | undefined): Filters {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new EngineError(400, `invalid filter: ${raw}`);
  }
  const out: Filters = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    out[key] = Array.isArray(value) ? value.map(String) : Object.keys(value as object);
  }
  return out;
}

function matchesFilters(c: ContainerRecord, filters: Filters): boolean {
  for (const [key, values] of Object.entries(filters)) {
    const ok = (() => {
      switch (key) {
        case 'label':
          // Every label filter must hold (the engine ANDs label filters).
          return values.every((f) => {
            const [k = '', v] = f.split(/=(.*)/s);
            const labels = c.Config.Labels ?? {};
            return v === undefined ? k in labels : labels[k] === v;
          });
        case 'name':
          return values.some((n) => new RegExp(n).test(c.Name));
        case 'id':
          return values.some((id) => c.Id.startsWith(id));
        case 'status':
          return values.includes(stateOf(c));
        default:
          throw new EngineError(400, `invalid filter '${key}'`);
      }
    })();
    if (!ok) return false;
  }
  return true;
}

// ---------- HTTP plumbing ----------

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
