import path from 'node:path';
import Docker from 'dockerode';
import type { Logger } from '../observability/log';
import { resourcesDir as defaultResourcesDir } from '../resources';
import { readOrCreateQdrantApiKey } from './api-key';
import { bundledQdrantPath, startBundledQdrant } from './bundled';
import type { BundledQdrant, BundledQdrantOptions } from './bundled';
import { defaultDockerSocketPath, ensureDockerQdrant, stopDockerQdrant } from './docker';
import type { DockerQdrantProgress, DockerReadiness } from './docker';
import { parseExternalQdrant } from './external';
import { readQdrantVersion } from './readiness';
import { checkQdrantVersion, QDRANT_IMAGE } from './version';

export type QdrantRuntimeMode = 'bundled' | 'docker' | 'external';

export interface QdrantRuntimeSettings {
  /** The app's data folder: bundled storage in <dataDir>/qdrant/storage, the local API key in <dataDir>/qdrant/qdrant-api-key. */
  dataDir: string;
  /** Where resources/qdrant/<platform>-<arch>/ lives (the packaged app's resources folder). */
  resourcesDir?: string;
  bundled?: { binaryPath?: string; args?: string[]; env?: Record<string, string>; readyTimeoutMs?: number; restart?: BundledQdrantOptions['restart'] };
  docker?: { socketPath?: string; hostPort?: number; readiness?: DockerReadiness; readyTimeoutMs?: number; pollMs?: number };
  external?: { url: string | null; apiKey?: string | null };
}

export interface QdrantRuntimeDeps {
  log: Logger;
  /** A Docker client other than the platform socket's (tests, a remote engine). */
  docker?: Docker;
  onProgress?: (p: DockerQdrantProgress) => void;
  signal?: AbortSignal;
}

export type QdrantRuntimeState = BundledQdrant['state'] | 'unreachable';

export interface QdrantRuntimeDescription {
  mode: QdrantRuntimeMode;
  state: QdrantRuntimeState;
  version?: string;
  /** One line for the Settings panel: where it runs and anything the user should know. */
  detail: string;
}

export interface QdrantRuntime {
  mode: QdrantRuntimeMode;
  url: string;
  apiKey: string | null;
  describe(): QdrantRuntimeDescription;
  stop(): Promise<void>;
}

/** The engine's one entry point to a Qdrant, whichever of the three ways the user chose. */
export async function startQdrantRuntime(mode: QdrantRuntimeMode, settings: QdrantRuntimeSettings, deps: QdrantRuntimeDeps): Promise<QdrantRuntime> {
  const log = deps.log.child({ component: 'qdrant-runtime', mode });
  const keyFile = path.join(settings.dataDir, 'qdrant', 'qdrant-api-key');
  switch (mode) {
    case 'bundled': {
      const resourcesDir = settings.resourcesDir ?? defaultResourcesDir();
      const q = await startBundledQdrant({
        binaryPath: settings.bundled?.binaryPath ?? bundledQdrantPath(resourcesDir),
        args: settings.bundled?.args,
        env: settings.bundled?.env,
        storageDir: path.join(settings.dataDir, 'qdrant', 'storage'),
        apiKey: readOrCreateQdrantApiKey(keyFile),
        log,
        readyTimeoutMs: settings.bundled?.readyTimeoutMs ?? 30_000,
        restart: settings.bundled?.restart ?? { maxRestarts: 5, baseDelayMs: 500 },
      });
      const version = await readQdrantVersion(q.url, q.apiKey);
      return {
        mode,
        url: q.url,
        apiKey: q.apiKey,
        describe: () => ({
          mode,
          state: q.state,
          version,
          detail: withVersionNote(`Bundled Qdrant on ${q.url}${q.pid ? ` (pid ${q.pid})` : ''}${q.restarts ? `, restarted ${q.restarts} time(s)` : ''}`, version),
        }),
        stop: () => q.stop(),
      };
    }
    case 'docker': {
      const socketPath = settings.docker?.socketPath ?? defaultDockerSocketPath();
      const docker = deps.docker ?? new Docker({ socketPath });
      const apiKey = readOrCreateQdrantApiKey(keyFile);
      const q = await ensureDockerQdrant({
        docker,
        image: QDRANT_IMAGE,
        hostPort: settings.docker?.hostPort ?? 6333,
        apiKey,
        onProgress: deps.onProgress,
        signal: deps.signal,
        readiness: settings.docker?.readiness,
        readyTimeoutMs: settings.docker?.readyTimeoutMs,
        pollMs: settings.docker?.pollMs,
      });
      log.info('Docker Qdrant ready', { url: q.url, containerId: q.containerId.slice(0, 12), adopted: q.adopted });
      const version = await readQdrantVersion(q.url, apiKey);
      let state: QdrantRuntimeState = 'ready';
      return {
        mode,
        url: q.url,
        apiKey,
        describe: () => ({
          mode,
          state,
          version,
          detail: withVersionNote(`Docker container ${q.containerId.slice(0, 12)} (${QDRANT_IMAGE}) on ${q.url}${q.adopted ? ', reused' : ''}`, version),
        }),
        async stop() {
          await stopDockerQdrant({ docker });
          state = 'stopped';
        },
      };
    }
    case 'external': {
      const ext = parseExternalQdrant({ url: settings.external?.url, apiKey: settings.external?.apiKey });
      if (ext.warning) log.warn(ext.warning, { url: ext.url });
      // Probed once, not required: a cloud cluster may be briefly away and the store retries.
      const version = await readQdrantVersion(ext.url, ext.apiKey);
      let state: QdrantRuntimeState = version ? 'ready' : 'unreachable';
      return {
        mode,
        url: ext.url,
        apiKey: ext.apiKey,
        describe: () => ({
          mode,
          state,
          version,
          detail: withVersionNote(
            [`External Qdrant at ${ext.url}`, version ? undefined : 'not reachable or the API key was refused', ext.warning].filter(Boolean).join('; '),
            version,
          ),
        }),
        async stop() {
          state = 'stopped'; // not ours to stop
        },
      };
    }
  }
}

function withVersionNote(detail: string, version: string | undefined): string {
  if (!version) return detail;
  const check = checkQdrantVersion(version);
  return check.ok ? detail : `${detail}. ${check.message}`;
}
