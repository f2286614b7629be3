// `npm run serve`: the browser mode and headless deployments, over the same engine process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EngineHost, forkEngine } from '../engine/host';
import { createRotatingLog } from '../engine/observability/log';
import { dataPaths, defaultDataDir } from '../engine/settings/data-dir';
import { createBscServer, listen } from './http';

const USAGE = 'usage: bsc-serve [--host 127.0.0.1] [--port 5171] [--data-dir DIR]';

export async function runServer(argv: string[]): Promise<void> {
  let values: { host?: string; port?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const host = values.host ?? process.env.BSC_HOST ?? '127.0.0.1';
  const port = Number(values.port ?? process.env.BSC_PORT ?? 5171);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535\n${USAGE}\n`);
    process.exit(2);
  }
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const logsDir = dataPaths(dataDir).logs;
  let log;
  try {
    log = createRotatingLog({ dir: logsDir, maxFileBytes: 100 * 1024 * 1024, retentionDays: 30, echo: true }).child({ proc: 'server' });
  } catch (err) {
    // A data folder we cannot write still gets a server: /health then says why it is unhealthy.
    process.stderr.write(`cannot write logs in ${logsDir}: ${(err as Error).message}\n`);
    log = createRotatingLog({ dir: fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'bsc-logs-')), maxFileBytes: 1e8, retentionDays: 30, echo: true });
  }
  const engine = new EngineHost({ dataDir, spawn: forkEngine(), log });
  await engine.start();

  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = path.resolve(here, '../renderer');
  const hasRenderer = fs.existsSync(path.join(rendererDir, 'index.html'));
  if (!hasRenderer) log.warn('renderer not built; serving the API only (run npm run build)');
  const server = createBscServer({ host, port, engine, log, rendererDir: hasRenderer ? rendererDir : null, incomingDir: dataPaths(dataDir).incoming });
  const addr = await listen(server, host, port);
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  process.stdout.write(`Agente BSC is serving ${url}  (data: ${dataDir})\n`);

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
