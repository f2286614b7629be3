// The server in this process over a forked engine: for integration tests and the load bench,
// which need to inject a clock or read the server's state (the CLI entry is index.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { EngineHost, forkEngine } from '../engine/host';
import { type Logger, createRotatingLog } from '../engine/observability/log';
import { dataPaths } from '../engine/settings/data-dir';
import { type ServerOptions, createBscServer, listen } from './http';
import { PRIVATE_UMASK, tightenPermissions } from './data-permissions';
import { newLaunchToken } from './launch-token';

export interface InProcessServer {
  url: string;
  dataDir: string;
  server: http.Server;
  engine: EngineHost;
  log: Logger;
  logFile: string;
  /** The launch token when the server runs without a password (send it as a bearer). */
  token: string | null;
  stop(): Promise<void>;
}

export async function startInProcessServer(opts: {
  /** The built engine entry (dist/main/engine-process.js). */
  engineEntry: string;
  dataDir?: string;
  server?: Partial<Omit<ServerOptions, 'engine' | 'log' | 'host' | 'port' | 'incomingDir'>>;
}): Promise<InProcessServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-srv-'));
  // As the real server does (index.ts): the forked engine inherits it.
  process.umask(PRIVATE_UMASK);
  tightenPermissions(dataDir);
  const paths = dataPaths(dataDir);
  const log = createRotatingLog({ dir: paths.logs, maxFileBytes: 50 * 1024 * 1024, retentionDays: 1 }).child({ proc: 'server' });
  const engine = new EngineHost({ dataDir, spawn: forkEngine(opts.engineEntry), log });
  await engine.start();
  const auth = opts.server?.auth ?? { required: false, passwordHash: null, launchToken: newLaunchToken() };
  const pathRoots = opts.server?.pathRoots ?? { importRoots: [], backupRoots: [paths.backups] };
  const server = createBscServer({ rendererDir: null, ...opts.server, auth, pathRoots, host: '127.0.0.1', port: 0, engine, log, incomingDir: paths.incoming });
  const addr = await listen(server, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${addr.port}`,
    dataDir,
    server,
    engine,
    log,
    logFile: path.join(paths.logs, 'bsc.log'),
    token: auth.required ? null : auth.launchToken ?? null,
    async stop() {
      server.close();
      server.closeAllConnections();
      await engine.stop();
    },
  };
}
