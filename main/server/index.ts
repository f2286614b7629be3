// `npm run serve`: the browser mode and headless deployments, over the same engine process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EngineHost, forkEngine } from '../engine/host';
import { createRotatingLog } from '../engine/observability/log';
import { dataPaths, defaultDataDir } from '../engine/settings/data-dir';
import { acquireWriterLock, describeHolder } from '../engine/settings/writer-lock';
import { hashPassword, passwordHashFile, readStoredPasswordHash } from './auth';
import { ConfigError, type ServerConfig, isLoopback, readServerConfig } from './config';
import { PRIVATE_UMASK, tightenPermissions } from './data-permissions';
import { createBscServer, listen } from './http';
import { newLaunchToken } from './launch-token';
import { withTerminal } from './terminal';

const toStderr = (line: string) => { process.stderr.write(line); };

const USAGE = 'usage: bsc-serve [--host 127.0.0.1] [--port 5171] [--data-dir DIR]   (settings: BSC_* environment variables, see .env.example)';

function refuse(message: string): never {
  process.stderr.write(`Agente BSC server: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Whether login is required, and with which hash; refuses a public address without a password. */
export async function resolveAuth(config: ServerConfig, dataDir: string): Promise<{ required: boolean; passwordHash: string | null; source: string; launchToken: string | null }> {
  const stored = readStoredPasswordHash(dataDir);
  const passwordHash = config.adminPassword ? await hashPassword(config.adminPassword) : stored;
  const source = config.adminPassword ? 'BSC_ADMIN_PASSWORD' : stored ? passwordHashFile(dataDir) : 'none';
  const publicHost = !isLoopback(config.host);
  if ((publicHost || config.auth === 'on') && !passwordHash) {
    throw new ConfigError(
      `${publicHost ? `binding ${config.host} (not loopback)` : 'BSC_AUTH=on'} requires an admin password: set BSC_ADMIN_PASSWORD, or run \`bsc set-password --data-dir ${dataDir}\` first`,
    );
  }
  const required = config.auth === 'on' || publicHost || (config.auth === 'auto' && passwordHash !== null);
  // No password on loopback: a per-launch token in the printed URL, unless BSC_AUTH=off says open.
  const launchToken = required || config.auth === 'off' ? null : newLaunchToken();
  return { required, passwordHash: required ? passwordHash : null, source: launchToken ? 'launch token' : source, launchToken };
}

/** BSC_BACKUP_DIR becomes the library's backup folder, so scheduled backups land there too. */
async function useBackupDir(engine: EngineHost, dir: string, configured: boolean): Promise<string> {
  if (!configured) return dir;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const current = await engine.call('settings.get');
  if (current.ok && current.value.backup.folder !== dir) {
    const set = await engine.call('settings.set', { backup: { folder: dir } });
    if (!set.ok) throw new Error(`cannot use BSC_BACKUP_DIR ${dir}: ${set.error.message}`);
  }
  return dir;
}

export async function runServer(argv: string[]): Promise<void> {
  let values: { host?: string; port?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true }));
  } catch (err) {
    refuse((err as Error).message);
  }
  let config: ServerConfig;
  try {
    config = readServerConfig(process.env, { host: values.host, port: values.port, dataDir: values['data-dir'] });
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  // Secrets stay in this process: the engine child is forked with our environment.
  delete process.env.BSC_ADMIN_PASSWORD;
  delete process.env.BSC_METRICS_TOKEN;
  const dataDir = path.resolve(config.dataDir ?? defaultDataDir());
  // Before the engine is forked: it inherits the umask, so library, documents, logs and backups are 0600.
  process.umask(PRIVATE_UMASK);
  const tightened = [dataDir, ...(config.backupDir ? [config.backupDir] : [])].reduce((n, d) => n + tightenPermissions(d), 0);
  let auth: Awaited<ReturnType<typeof resolveAuth>>;
  try {
    auth = await resolveAuth(config, dataDir);
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }
  const logsDir = dataPaths(dataDir).logs;
  let log;
  try {
    log = withTerminal(createRotatingLog({ dir: logsDir, maxFileBytes: 100 * 1024 * 1024, retentionDays: 30 }), toStderr).child({ proc: 'server' });
  } catch (err) {
    // A data folder we cannot write still gets a server: /health then says why it is unhealthy.
    process.stderr.write(`cannot write logs in ${logsDir}: ${(err as Error).message}\n`);
    log = withTerminal(createRotatingLog({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-logs-')), maxFileBytes: 1e8, retentionDays: 30 }), toStderr);
  }
  // One writer per data folder: a running app, server or `bsc index` holds it (released at exit).
  const lock = acquireWriterLock(dataDir, 'server');
  if (!lock.ok) {
    process.stderr.write(`Agente BSC server: ${describeHolder(lock.holder, dataDir)}; stop it first, or serve another --data-dir.\n`);
    process.exit(1);
  }
  const engine = new EngineHost({ dataDir, spawn: forkEngine(), log });
  await engine.start();
  const backupDir = await useBackupDir(engine, config.backupDir ?? dataPaths(dataDir).backups, config.backupDir !== null);

  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = path.resolve(here, '../renderer');
  const hasRenderer = fs.existsSync(path.join(rendererDir, 'index.html'));
  if (!hasRenderer) log.warn('renderer not built; serving the API only (run npm run build)');
  for (const root of config.importRoots) if (!fs.existsSync(root)) log.warn('BSC_IMPORT_ROOTS names a folder that does not exist (nothing under it can be imported)', { root });
  const server = createBscServer({
    host: config.host,
    port: config.port,
    engine,
    log,
    rendererDir: hasRenderer ? rendererDir : null,
    incomingDir: dataPaths(dataDir).incoming,
    maxBodyBytes: config.maxBodyBytes,
    maxUploadBytes: config.maxUploadBytes,
    maxConnections: config.maxConnections,
    auth: { required: auth.required, passwordHash: auth.passwordHash, idleMinutes: config.sessionIdleMinutes, launchToken: auth.launchToken },
    limits: { chatPerMinute: config.chatPerMinute, chatPerHour: config.chatPerHour, apiPerMinute: config.apiPerMinute },
    allowedOrigins: config.allowedOrigins,
    allowedHosts: config.allowedHosts,
    pathRoots: { importRoots: config.importRoots, backupRoots: [backupDir] },
    trustedProxies: config.trustedProxies,
    metricsToken: config.metricsToken,
  });
  const addr = await listen(server, config.host, config.port);
  const base = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const url = auth.launchToken ? `${base}/?token=${auth.launchToken}` : base;
  const login = auth.required ? 'login required' : auth.launchToken ? 'open this link: it carries the launch token' : 'login off';
  if (tightened > 0) log.info('data files made private to this user', { entries: tightened });
  log.info('server started', { host: config.host, port: addr.port, login: auth.required ? `required (${auth.source})` : auth.source === 'launch token' ? 'launch token' : 'off' });
  process.stdout.write(`Agente BSC is serving ${url}  (data: ${dataDir}; ${login})\n`);

  const shutdown = async () => {
    server.close();
    server.closeAllConnections();
    await engine.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runServer(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`Agente BSC server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
