// What the routes share: options, sessions, limits, the login guard, the path policy, metrics and
// the open event streams. Built once per server by createServerState.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { EngineHost } from '../engine/host';
import type { Logger } from '../engine/observability/log';
import { SessionStore } from './auth';
import { trustedProxyList } from './client-address';
import { createHostGuard } from './host-guard';
import { LaunchToken, newLaunchToken } from './launch-token';
import { LoginGuard } from './login-guard';
import { type ServerPathRoots, createPathPolicy } from './path-policy';
import { RateLimiter } from './rate-limit';
import { createServerMetrics } from './server-metrics';

export interface ServerAuthOptions {
  /** When false every route is open (loopback without a password). */
  required: boolean;
  /** scrypt hash (stored by `bsc set-password`, or made at start from BSC_ADMIN_PASSWORD). */
  passwordHash: string | null;
  idleMinutes?: number;
  /**
   * Without a password: the per-launch token (printed in the URL), or null for a fully open
   * server (BSC_AUTH=off). Absent means a token nobody was told: a locked server, never an open one.
   */
  launchToken?: string | null;
}

export interface ServerTimeouts {
  /** Whole request head (Node's headersTimeout). */
  headersMs?: number;
  /** An API or login body must have arrived in full within this. */
  bodyMs?: number;
  /** An upload is cut when no byte arrived for this long. */
  uploadIdleMs?: number;
}

export interface ServerOptions {
  /** Where uploads from the browser land (the engine's incoming folder). */
  incomingDir: string;
  maxUploadBytes?: number;
  host: string;
  port: number;
  engine: EngineHost;
  log: Logger;
  /** The built renderer (dist/renderer); null serves the API only. */
  rendererDir: string | null;
  maxBodyBytes?: number;
  auth?: ServerAuthOptions;
  limits?: { chatPerMinute?: number; chatPerHour?: number; apiPerMinute?: number; loginGlobalThreshold?: number; loginBaseDelayMs?: number };
  allowedOrigins?: string[];
  /** Where paths sent to the API may point (BSC_IMPORT_ROOTS, the backup folder). */
  pathRoots: ServerPathRoots;
  /** BSC_ALLOWED_HOSTS: host names (beyond loopback and the bound address) this server answers to. */
  allowedHosts?: string[];
  trustedProxies?: string[];
  /** Bearer token that lets a Prometheus scraper read /metrics (and /health's details) without a session. */
  metricsToken?: string | null;
  timeouts?: ServerTimeouts;
  /** Most open connections; beyond it new ones are closed at once. */
  maxConnections?: number;
  /** Milliseconds since the epoch; tests inject a clock to expire sessions and reset limits. */
  now?: () => number;
}

export const MAX_SSE_CLIENTS = 500;

export function createServerState(opts: ServerOptions, boundPort: () => number) {
  const now = opts.now ?? Date.now;
  const auth: ServerAuthOptions = opts.auth ?? { required: false, passwordHash: null, launchToken: newLaunchToken() };
  const launch = !auth.required && auth.launchToken ? new LaunchToken(auth.launchToken, boundPort) : null;
  const limits = { chatPerMinute: 60, chatPerHour: 1000, apiPerMinute: 1200, ...opts.limits };
  const chatWindows = [{ windowMs: 60_000, max: limits.chatPerMinute }, { windowMs: 3_600_000, max: limits.chatPerHour }];
  const deviceKey = createHash('sha256').update(`bsc-device|${auth.passwordHash ?? auth.launchToken ?? ''}`).digest('base64');
  return {
    opts,
    now,
    auth,
    launch,
    /** Whether the API needs a session, the launch cookie or a bearer. */
    loginRequired: auth.required || launch !== null,
    maxBody: opts.maxBodyBytes ?? 1024 * 1024,
    timeouts: { headersMs: 10_000, bodyMs: 15_000, uploadIdleMs: 30_000, ...opts.timeouts },
    sessions: new SessionStore({ idleMs: (auth.idleMinutes ?? 60) * 60_000, now }),
    login: new LoginGuard({ now, deviceKey, globalThreshold: limits.loginGlobalThreshold, baseDelayMs: limits.loginBaseDelayMs }),
    proxies: trustedProxyList(opts.trustedProxies ?? []),
    hosts: createHostGuard({ boundHost: opts.host, port: boundPort, allowedHosts: opts.allowedHosts }),
    allowedOrigins: new Set(opts.allowedOrigins ?? []),
    chatByClient: new RateLimiter({ windows: chatWindows, now }),
    chatBySession: new RateLimiter({ windows: chatWindows, now }),
    apiByClient: new RateLimiter({ windows: [{ windowMs: 60_000, max: limits.apiPerMinute }], now }),
    loginByClient: new RateLimiter({ windows: [{ windowMs: 60_000, max: 20 }], now }),
    metrics: createServerMetrics(),
    pathPolicy: createPathPolicy(opts.pathRoots, async () => {
      const settings = await opts.engine.call('settings.get');
      return settings.ok ? settings.value.backup.folder : null;
    }),
    sseClients: new Set<http.ServerResponse>(),
  };
}

export type ServerState = ReturnType<typeof createServerState>;
