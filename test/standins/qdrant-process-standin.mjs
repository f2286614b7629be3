#!/usr/bin/env node
// Stands in for Qdrant's binary in process-runtime tests: same environment variables, Qdrant-like
// log lines, the service endpoints (/, /healthz, /livez, /readyz), exit code 101 on a panic and
// a clean exit 0 on SIGTERM/SIGINT. It stores nothing beyond creating its storage folder.
//
// Environment:
//   QDRANT__SERVICE__HTTP_PORT     port on 127.0.0.1 (default 6333)
//   QDRANT__STORAGE__STORAGE_PATH  storage folder, created if missing (default ./storage)
//   QDRANT__SERVICE__API_KEY       when set, `/` requires the api-key header (health paths do not)
//   STANDIN_READY_DELAY_MS         start listening only after this delay (default 0)
//   STANDIN_CRASH_AFTER_MS         panic and exit 101 this long after start
//   STANDIN_VERSION                version reported by `GET /` (default 1.19.0)
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const env = process.env;
const port = Number(env.QDRANT__SERVICE__HTTP_PORT ?? 6333);
const storage = path.resolve(env.QDRANT__STORAGE__STORAGE_PATH ?? './storage');
const apiKey = env.QDRANT__SERVICE__API_KEY;
const readyDelay = Number(env.STANDIN_READY_DELAY_MS ?? 0);
const crashAfter = env.STANDIN_CRASH_AFTER_MS === undefined ? undefined : Number(env.STANDIN_CRASH_AFTER_MS);
const version = env.STANDIN_VERSION ?? '1.19.0';

const log = (level, target, message) => process.stdout.write(`${new Date().toISOString()}  ${level.padEnd(5)} ${target}: ${message}\n`);

process.stdout.write(
  [
    '           _                 _    ',
    '  __ _  __| |_ __ __ _ _ __ | |_  ',
    " / _` |/ _` | '__/ _` | '_ \\| __| ",
    '| (_| | (_| | | | (_| | | | | |_  ',
    ' \\__, |\\__,_|_|  \\__,_|_| |_|\\__| ',
    '    |_|                           ',
    '',
    `Version: ${version}, build: standin`,
    `Access web UI at http://localhost:${port}/dashboard`,
    '',
  ].join('\n') + '\n',
);

mkdirSync(path.join(storage, 'collections'), { recursive: true });
const raftState = path.join(storage, 'raft_state.json');
if (!existsSync(raftState)) writeFileSync(raftState, JSON.stringify({ state: { hard_state: { term: 0, vote: 0, commit: 0 } } }));
log('INFO', 'storage::content_manager::consensus::persistent', `Loading raft state from ${raftState}`);
log('INFO', 'qdrant', 'Distributed mode disabled');
log('INFO', 'qdrant', 'Telemetry reporting disabled');

const send = (res, status, type, body) => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', '');
  switch (url.pathname) {
    case '/healthz':
    case '/livez':
      return send(res, 200, 'text/plain', 'healthz check passed');
    case '/readyz':
      return send(res, 200, 'text/plain', 'all shards are ready');
    case '/':
      if (apiKey && req.headers['api-key'] !== apiKey && req.headers.authorization !== `Bearer ${apiKey}`) {
        return send(res, 401, 'application/json', JSON.stringify({ status: { error: 'Must provide an API key or an Authorization bearer token' }, time: 0 }));
      }
      return send(res, 200, 'application/json', JSON.stringify({ title: 'qdrant - vector search engine', version, commit: 'standin' }));
    default:
      return send(res, 404, 'text/plain', '');
  }
});

server.on('error', (err) => {
  // Qdrant panics when it cannot bind; a Rust panic exits with 101.
  log('ERROR', 'qdrant::startup', `Panic occurred in file src/actix/mod.rs at line 120: called \`Result::unwrap()\` on an \`Err\` value: ${err.message}`);
  process.exit(101);
});

setTimeout(() => {
  log('INFO', 'qdrant::actix', 'TLS disabled for REST API');
  server.listen(port, '127.0.0.1', () => {
    log('INFO', 'qdrant::actix', `Qdrant HTTP listening on ${port}`);
    log('INFO', 'actix_server::builder', 'Starting 2 workers');
    log('INFO', 'actix_server::server', 'Actix runtime found; starting in Actix runtime');
  });
}, readyDelay);

if (crashAfter !== undefined) {
  setTimeout(() => {
    log('ERROR', 'qdrant::startup', 'Panic occurred in file lib/collection/src/shards/local_shard/mod.rs at line 42: stand-in crash (STANDIN_CRASH_AFTER_MS)');
    process.exit(101);
  }, crashAfter);
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    log('INFO', 'actix_server::server', `${signal} received; starting graceful shutdown`);
    server.closeAllConnections?.();
    server.close(() => {
      log('INFO', 'qdrant', 'Stopping Qdrant');
      process.exit(0);
    });
    if (!server.listening) process.exit(0);
  });
}
