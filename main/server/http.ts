import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import type { EngineEvent, Reply, Status } from '../../preload/contract';
import { parseInput } from '../engine/dispatch';
import type { EngineHost } from '../engine/host';
import type { Logger } from '../engine/observability/log';
import { CONTENT_SECURITY_POLICY } from '../engine/security';
import { httpStatusFor } from './http-status';
import { resolveStaticFile } from './static-files';

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
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendReply(res: http.ServerResponse, reply: Reply<unknown>): void {
  sendJson(res, reply.ok ? 200 : httpStatusFor(reply.error.code), reply);
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Keep reading into nothing so the client gets our 413 rather than a reset connection.
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Health for load balancers and people: 200 when engine, database and store are fine, else 503. */
export async function healthOf(engine: EngineHost): Promise<{ status: number; body: unknown }> {
  const reply = await engine.call('status');
  if (!reply.ok) {
    return { status: 503, body: { healthy: false, engine: { ok: false, detail: reply.error.message }, restarts: engine.restartCount } };
  }
  const s: Status = reply.value;
  return {
    status: s.healthy ? 200 : 503,
    body: {
      healthy: s.healthy,
      engine: s.engine,
      database: { ok: s.database.ok, detail: s.database.detail, schemaVersion: s.database.schemaVersion },
      vectorStore: s.vectorStore,
      providers: s.providers,
      version: s.versions.app,
    },
  };
}

export function createBscServer(opts: ServerOptions): http.Server {
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const sseClients = new Set<http.ServerResponse>();
  opts.engine.onEvent((event: EngineEvent) => {
    const frame = `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    for (const res of sseClients) res.write(frame);
  });

  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () => opts.log.info('http', { method: req.method, path: url.pathname, status: res.statusCode, ms: Date.now() - started }));
    try {
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') {
          res.setHeader('Allow', 'POST');
          return sendJson(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'Use POST for API methods.' } });
        }
        const name = decodeURIComponent(url.pathname.slice('/api/'.length));
        let raw: unknown;
        try {
          const text = await readBody(req, maxBody);
          raw = text.trim() === '' ? undefined : JSON.parse(text);
        } catch (err) {
          if (err instanceof BodyTooLarge) res.setHeader('Connection', 'close');
          if (err instanceof BodyTooLarge) return sendJson(res, 413, { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `Request body over ${maxBody} bytes.` } });
          return sendJson(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } });
        }
        // Validate at the door: bad input never reaches the engine.
        const checked = parseInput(name, raw);
        if (!checked.ok) return sendReply(res, checked);
        const abort = new AbortController();
        res.on('close', () => { if (!res.writableFinished) abort.abort(); });
        return sendReply(res, await opts.engine.callRaw(name, raw, abort.signal));
      }
      if (url.pathname === '/upload' && req.method === 'POST') {
        return await receiveUpload(req, res, opts);
      }
      if (url.pathname === '/events' && req.method === 'GET') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.write(': connected\n\n');
        sseClients.add(res);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => { clearInterval(ping); sseClients.delete(res); });
        return;
      }
      if (url.pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        const h = await healthOf(opts.engine);
        return sendJson(res, h.status, h.body);
      }
      if ((req.method === 'GET' || req.method === 'HEAD') && opts.rendererDir) {
        const found = resolveStaticFile(opts.rendererDir, url.pathname);
        if (found) {
          const isHtml = found.type.startsWith('text/html');
          res.writeHead(200, {
            ...SECURITY_HEADERS,
            'Content-Type': found.type,
            'Content-Security-Policy': CONTENT_SECURITY_POLICY,
            'Cache-Control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
          });
          if (req.method === 'HEAD') return res.end();
          return fs.createReadStream(found.file).pipe(res);
        }
      }
      sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `Nothing at ${url.pathname}.` } });
    } catch (err) {
      opts.log.error('request failed', { path: url.pathname, error: err });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The server failed to handle this request.' } });
      else res.end();
    }
  });
  server.on('close', () => { for (const r of sseClients) r.end(); });
  return server;
}

/**
 * Browser-mode file upload: the raw body streams to incoming/<id>; the returned id goes into
 * library.import. Size-capped here; the engine applies the user's own limit when importing.
 */
async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse, opts: ServerOptions): Promise<void> {
  const limit = opts.maxUploadBytes ?? 2 * 1024 * 1024 * 1024;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    res.setHeader('Connection', 'close');
    return sendJson(res, 413, { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `Files over ${Math.round(limit / 1048576)} MB cannot be uploaded.` } });
  }
  fs.mkdirSync(opts.incomingDir, { recursive: true });
  const uploadId = randomUUID();
  const target = path.join(opts.incomingDir, uploadId);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      cb(received > limit ? new Error('too large') : null, chunk);
    },
  });
  try {
    await pipeline(req, counter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch {
    fs.rmSync(target, { force: true });
    res.setHeader('Connection', 'close');
    return sendJson(res, received > limit ? 413 : 400, { ok: false, error: { code: received > limit ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT', message: 'The upload did not complete.' } });
  }
  sendJson(res, 200, { ok: true, value: { uploadId, bytes: received } });
}

export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
