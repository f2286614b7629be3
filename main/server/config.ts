// The server's configuration, from environment variables only (documented in .env.example).
// Unknown BSC_* variables and malformed values are refused: a typo must not silently fall back
// to a default that leaves a server open.
import net from 'node:net';
import path from 'node:path';
import { parseHostHeader } from './host-guard';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string | null;
  /** auto: login required when a password is configured or the host is not loopback. */
  auth: 'auto' | 'on' | 'off';
  adminPassword: string | null;
  sessionIdleMinutes: number;
  chatPerMinute: number;
  chatPerHour: number;
  apiPerMinute: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  maxConnections: number;
  allowedOrigins: string[];
  /** Host names (beyond loopback and the bound address) the server answers to. */
  allowedHosts: string[];
  /** Server folders whose files may be imported by path; none: uploads only. */
  importRoots: string[];
  /** Where backups from the server go (and are verified/restored from); null: <data>/backups. */
  backupDir: string | null;
  trustedProxies: string[];
  metricsToken: string | null;
}

export class ConfigError extends Error {}

type Spec = { doc: string; parse?: (raw: string, name: string) => unknown };

const int = (min: number, max: number) => (raw: string, name: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got ${n})`);
  return n;
};

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

function parseOrigins(raw: string, name: string): string[] {
  return list(raw).map((o) => {
    let u: URL;
    try { u = new URL(o); } catch { throw new ConfigError(`${name}: "${o}" is not an origin like https://bsc.example.com`); }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o.replace(/\/$/, '')) {
      throw new ConfigError(`${name}: "${o}" is not an origin (scheme://host[:port], no path)`);
    }
    return u.origin;
  });
}

function parseHosts(raw: string, name: string): string[] {
  return list(raw).map((h) => {
    if (!parseHostHeader(h)) throw new ConfigError(`${name}: "${h}" is not a host name like bsc.example.com or bsc.example.com:8443`);
    return h.toLowerCase();
  });
}

function absolutePath(raw: string, name: string): string {
  const p = raw.trim();
  if (!path.isAbsolute(p)) throw new ConfigError(`${name}: "${p}" is not an absolute path`);
  return path.resolve(p);
}

// A root that does not exist yet matches nothing (the server warns at start): failing closed.
const parseRoots = (raw: string, name: string): string[] => list(raw).map((p) => absolutePath(p, name));

function parseProxies(raw: string, name: string): string[] {
  return list(raw).map((p) => {
    const [addr, bits, extra] = p.split('/');
    const family = net.isIP(addr ?? '');
    const max = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw new ConfigError(`${name}: "${p}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)`);
    }
    return p;
  });
}

/** Every BSC_* variable we know; the ones without a parser belong to other parts of the app. */
export const ENV_SPECS: Record<string, Spec> = {
  BSC_HOST: { doc: 'address to bind', parse: (raw, name) => {
    if (raw !== 'localhost' && !net.isIP(raw)) throw new ConfigError(`${name} must be an IP address or localhost (got "${raw}")`);
    return raw;
  } },
  BSC_PORT: { doc: 'port', parse: int(0, 65535) },
  BSC_DATA_DIR: { doc: 'data folder', parse: (raw, name) => { if (!raw.trim()) throw new ConfigError(`${name} is empty`); return raw; } },
  BSC_AUTH: { doc: 'auto | on | off', parse: (raw, name) => {
    if (raw !== 'auto' && raw !== 'on' && raw !== 'off') throw new ConfigError(`${name} must be auto, on or off (got "${raw}")`);
    return raw;
  } },
  BSC_ADMIN_PASSWORD: { doc: 'admin password', parse: (raw, name) => {
    if (raw.length < 8) throw new ConfigError(`${name} must be at least 8 characters`);
    return raw;
  } },
  BSC_SESSION_IDLE_MINUTES: { doc: 'idle timeout', parse: int(1, 7 * 24 * 60) },
  BSC_CHAT_RATE_PER_MINUTE: { doc: 'chat.ask per client/session per minute', parse: int(1, 1_000_000) },
  BSC_CHAT_RATE_PER_HOUR: { doc: 'chat.ask per client/session per hour', parse: int(1, 10_000_000) },
  BSC_API_RATE_PER_MINUTE: { doc: 'any API call per client per minute', parse: int(1, 10_000_000) },
  BSC_MAX_BODY_BYTES: { doc: 'API body limit', parse: int(1024, 64 * 1024 * 1024) },
  BSC_MAX_UPLOAD_MB: { doc: 'upload limit', parse: int(1, 100_000) },
  BSC_MAX_CONNECTIONS: { doc: 'open connections at once', parse: int(16, 100_000) },
  BSC_ALLOWED_ORIGINS: { doc: 'CORS allow-list', parse: parseOrigins },
  BSC_ALLOWED_HOSTS: { doc: 'host names the server answers to', parse: parseHosts },
  BSC_IMPORT_ROOTS: { doc: 'server folders importable by path', parse: parseRoots },
  BSC_BACKUP_DIR: { doc: 'folder for backups made through the server', parse: absolutePath },
  BSC_TRUSTED_PROXIES: { doc: 'proxies whose X-Forwarded-* we believe', parse: parseProxies },
  BSC_METRICS_TOKEN: { doc: 'bearer token for GET /metrics', parse: (raw, name) => {
    if (raw.length < 16) throw new ConfigError(`${name} must be at least 16 characters`);
    return raw;
  } },
  // Read elsewhere (engine, launcher, secrets); listed so they are not refused as unknown.
  BSC_RESOURCES_DIR: { doc: 'bundled resources folder' },
  BSC_COMPATIBLE_API_KEY: { doc: 'openai-compatible provider key' },
  BSC_ENGINE_RESTARTS: { doc: 'internal: set by the host for its engine' },
  BSC_BROWSER: { doc: 'npm start: use the browser instead of Electron' },
  BSC_NO_OPEN: { doc: 'npm start: do not open the browser' },
  BSC_NO_ELECTRON_DOWNLOAD: { doc: 'install: skip the Electron download' },
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Reads the configuration; command-line flags (--host, --port) win over the environment.
 * Throws ConfigError with a message naming the variable.
 */
export function readServerConfig(env: NodeJS.ProcessEnv, flags: { host?: string; port?: string; dataDir?: string } = {}): ServerConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('BSC_') || raw === undefined) continue;
    const spec = ENV_SPECS[name];
    if (!spec) {
      const near = Object.keys(ENV_SPECS).find((k) => editDistance(k, name) <= 2);
      problems.push(`unknown setting ${name}${near ? ` (did you mean ${near}?)` : ''}`);
      continue;
    }
    try { values[name] = spec.parse ? spec.parse(raw, name) : raw; } catch (err) { problems.push((err as Error).message); }
  }
  if (flags.host !== undefined) {
    try { values.BSC_HOST = ENV_SPECS.BSC_HOST!.parse!(flags.host, '--host'); } catch (err) { problems.push((err as Error).message); }
  }
  if (flags.port !== undefined) {
    try { values.BSC_PORT = ENV_SPECS.BSC_PORT!.parse!(flags.port, '--port'); } catch (err) { problems.push((err as Error).message); }
  }
  if (problems.length) throw new ConfigError(problems.join('\n'));
  const get = <T>(name: string, fallback: T): T => (values[name] === undefined ? fallback : (values[name] as T));
  const config: ServerConfig = {
    host: get('BSC_HOST', '127.0.0.1'),
    port: get('BSC_PORT', 5171),
    dataDir: flags.dataDir ?? get<string | null>('BSC_DATA_DIR', null),
    auth: get('BSC_AUTH', 'auto'),
    adminPassword: get<string | null>('BSC_ADMIN_PASSWORD', null),
    sessionIdleMinutes: get('BSC_SESSION_IDLE_MINUTES', 60),
    chatPerMinute: get('BSC_CHAT_RATE_PER_MINUTE', 60),
    chatPerHour: get('BSC_CHAT_RATE_PER_HOUR', 1000),
    apiPerMinute: get('BSC_API_RATE_PER_MINUTE', 1200),
    maxBodyBytes: get('BSC_MAX_BODY_BYTES', 1024 * 1024),
    maxUploadBytes: get('BSC_MAX_UPLOAD_MB', 2048) * 1024 * 1024,
    maxConnections: get('BSC_MAX_CONNECTIONS', 1024),
    allowedOrigins: get<string[]>('BSC_ALLOWED_ORIGINS', []),
    allowedHosts: get<string[]>('BSC_ALLOWED_HOSTS', []),
    importRoots: get<string[]>('BSC_IMPORT_ROOTS', []),
    backupDir: get<string | null>('BSC_BACKUP_DIR', null),
    trustedProxies: get<string[]>('BSC_TRUSTED_PROXIES', []),
    metricsToken: get<string | null>('BSC_METRICS_TOKEN', null),
  };
  if (config.auth === 'off' && !isLoopback(config.host)) {
    throw new ConfigError(`BSC_AUTH=off is only allowed on a loopback address, not ${config.host}`);
  }
  return config;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
