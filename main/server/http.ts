import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import { type EngineEvent, type Reply, type Status, isMethodName } from '../../preload/contract';
import { parseInput } from '../engine/dispatch';
import type { EngineHost } from '../engine/host';
import type { Logger } from '../engine/observability/log';
import { CONTENT_SECURITY_POLICY } from '../engine/security';
import { LoginThrottle, SESSION_COOKIE, SessionStore, clearedSessionCookie, readCookie, sessionCookie, verifyPassword } from './auth';
import { type ClientInfo, clientInfo, trustedProxyList } from './client-address';
import { httpStatusFor } from './http-status';
import { createHostGuard } from './host-guard';
import { LaunchToken, newLaunchToken, sameSecret } from './launch-token';
import { type ServerPathRoots, createPathPolicy } from './path-policy';
import { RateLimiter } from './rate-limit';
import { createServerMetrics } from './server-metrics';
import { resolveStaticFile } from './static-files';

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
  limits?: { chatPerMinute?: number; chatPerHour?: number; apiPerMinute?: number };
  allowedOrigins?: string[];
  /** Where paths sent to the API may point (BSC_IMPORT_ROOTS, the backup folder). */
  pathRoots: ServerPathRoots;
  /** BSC_ALLOWED_HOSTS: host names (beyond loopback and the bound address) this server answers to. */
  allowedHosts?: string[];
  trustedProxies?: string[];
  /** Bearer token that lets a Prometheus scraper read /metrics without a session. */
  metricsToken?: string | null;
  /** Milliseconds since the epoch; tests inject a clock to expire sessions and reset limits. */
  now?: () => number;
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Responses that are not the renderer's pages run nothing and may not be framed.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

const MAX_SSE_CLIENTS = 500;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
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

/** A bounded label for metrics: never the raw path (unbounded cardinality). */
function routeOf(pathname: string): string {
  if (pathname.startsWith('/api/')) {
    let name = '';
    try { name = decodeURIComponent(pathname.slice(5)); } catch { /* malformed escape */ }
    return isMethodName(name) ? `/api/${name}` : '/api/unknown';
  }
  if (['/events', '/health', '/metrics', '/upload', '/auth/login', '/auth/logout', '/auth/session'].includes(pathname)) return pathname;
  return 'static';
}

export function createBscServer(opts: ServerOptions): http.Server {
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const auth: ServerAuthOptions = opts.auth ?? { required: false, passwordHash: null, launchToken: newLaunchToken() };
  const boundPort = () => (server.address() as AddressInfo | null)?.port ?? opts.port;
  const hosts = createHostGuard({ boundHost: opts.host, port: boundPort, allowedHosts: opts.allowedHosts });
  const launch = !auth.required && auth.launchToken ? new LaunchToken(auth.launchToken, boundPort) : null;
  const loginRequired = auth.required || launch !== null;
  const sessions = new SessionStore({ idleMs: (auth.idleMinutes ?? 60) * 60_000, now });
  const throttle = new LoginThrottle(now);
  const proxies = trustedProxyList(opts.trustedProxies ?? []);
  const allowedOrigins = new Set(opts.allowedOrigins ?? []);
  const limits = { chatPerMinute: 60, chatPerHour: 1000, apiPerMinute: 1200, ...opts.limits };
  const chatWindows = [{ windowMs: 60_000, max: limits.chatPerMinute }, { windowMs: 3_600_000, max: limits.chatPerHour }];
  const chatByClient = new RateLimiter({ windows: chatWindows, now });
  const chatBySession = new RateLimiter({ windows: chatWindows, now });
  const apiByClient = new RateLimiter({ windows: [{ windowMs: 60_000, max: limits.apiPerMinute }], now });
  const loginByClient = new RateLimiter({ windows: [{ windowMs: 60_000, max: 20 }], now });
  const metrics = createServerMetrics();
  const pathPolicy = createPathPolicy(opts.pathRoots, async () => {
    const settings = await opts.engine.call('settings.get');
    return settings.ok ? settings.value.backup.folder : null;
  });
  const sseClients = new Set<http.ServerResponse>();
  opts.engine.onEvent((event: EngineEvent) => {
    const frame = `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    for (const res of sseClients) res.write(frame);
  });

  const refuseRate = (res: http.ServerResponse, limit: string, retryAfterSeconds: number) => {
    metrics.rateLimited(limit);
    res.setHeader('Retry-After', String(retryAfterSeconds));
    sendError(res, 429, 'RATE_LIMITED', `Too many requests (${limit}); try again in ${retryAfterSeconds} s.`);
  };

  const server = http.createServer(async (req, res) => {
    const started = performance.now();
    let url: URL;
    try { url = new URL(req.url ?? '/', 'http://localhost'); } catch { url = new URL('http://localhost/'); }
    const client: ClientInfo = clientInfo(req, proxies);
    const route = routeOf(url.pathname);
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.request(req.method, route, res.statusCode, seconds);
      // Method, path, status and time only: never bodies, query strings, cookies or headers.
      opts.log.info('http', { method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(seconds * 1000), client: client.ip });
    });
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (client.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    try {
      // DNS rebinding: a name we were not bound to is another site's name resolving to us.
      // The host as the client typed it: X-Forwarded-Host from a trusted proxy, else Host.
      if (!hosts.isAllowedHost(client.host, client.https)) {
        res.setHeader('Connection', 'close');
        return sendError(res, 421, 'UNAUTHORIZED', `This server does not answer to the host "${String(client.host).slice(0, 100)}" (add it to BSC_ALLOWED_HOSTS).`);
      }
      // CORS and cross-site requests: an origin naming one of our hosts, or one on the allow-list.
      const origin = req.headers.origin;
      const originAllowed = origin === undefined || hosts.isAllowedOrigin(origin, allowedOrigins);
      if (origin !== undefined && allowedOrigins.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        if (!originAllowed) return sendError(res, 403, 'UNAUTHORIZED', 'This origin is not allowed (BSC_ALLOWED_ORIGINS).');
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
        return res.end();
      }
      const isProtected = url.pathname.startsWith('/api/') || url.pathname === '/events' || url.pathname === '/upload' || url.pathname === '/metrics';
      if (!originAllowed && ((req.method !== 'GET' && req.method !== 'HEAD') || isProtected || url.pathname.startsWith('/auth/'))) {
        return sendError(res, 403, 'UNAUTHORIZED', 'This origin is not allowed (BSC_ALLOWED_ORIGINS).');
      }
      if (launch && url.searchParams.has('token') && (req.method === 'GET' || req.method === 'HEAD') && !isProtected) {
        return exchangeToken(res, url, client.https);
      }

      const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (url.pathname.startsWith('/auth/')) return await handleAuth(req, res, url.pathname, sessionId, client);

      let authenticated = !loginRequired;
      if (isProtected && loginRequired) {
        authenticated = launch ? launch.admits(req.headers) : sessions.touch(sessionId);
        const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
        const scraper = url.pathname === '/metrics' && !!opts.metricsToken && !!bearer && sameSecret(bearer, opts.metricsToken);
        if (!authenticated && !scraper) {
          return sendError(res, 401, 'UNAUTHORIZED', launch ? 'Open the link printed when the server started (it carries this launch\'s token).' : 'Log in to use Agente BSC.');
        }
      }

      if (url.pathname.startsWith('/api/') || url.pathname === '/upload') {
        const api = apiByClient.take(client.ip);
        if (!api.ok) return refuseRate(res, 'api per client', api.retryAfterSeconds);
      }

      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') {
          res.setHeader('Allow', 'POST');
          return sendError(res, 405, 'BAD_INPUT', 'Use POST for API methods.');
        }
        let name: string;
        try { name = decodeURIComponent(url.pathname.slice('/api/'.length)); } catch { name = ''; }
        if (!isMethodName(name)) return sendError(res, 404, 'UNKNOWN_METHOD', `Unknown method "${name.slice(0, 100)}".`);
        let raw: unknown;
        try {
          const text = await readBody(req, maxBody);
          raw = text.trim() === '' ? undefined : JSON.parse(text);
        } catch (err) {
          if (err instanceof BodyTooLarge) {
            res.setHeader('Connection', 'close');
            return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body over ${maxBody} bytes.`);
          }
          return sendError(res, 400, 'BAD_INPUT', 'The request body is not valid JSON.');
        }
        // Validate at the door: bad input never reaches the engine.
        const checked = parseInput(name, raw);
        if (!checked.ok) return sendReply(res, checked);
        if (name === 'chat.ask') {
          const byClient = chatByClient.take(client.ip);
          if (!byClient.ok) return refuseRate(res, 'chat per client', byClient.retryAfterSeconds);
          if (auth.required && sessionId) {
            const bySession = chatBySession.take(sessionId);
            if (!bySession.ok) return refuseRate(res, 'chat per session', bySession.retryAfterSeconds);
          }
        }
        // Paths on the server: only under the folders the operator listed (issue 13.2).
        const placed = await pathPolicy.check(name, checked.value);
        if (!placed.ok) return sendReply(res, placed);
        const abort = new AbortController();
        res.on('close', () => { if (!res.writableFinished) abort.abort(); });
        return sendReply(res, await opts.engine.callRaw(name, placed.input === checked.value ? raw : placed.input, abort.signal));
      }
      if (url.pathname === '/upload' && req.method === 'POST') {
        return await receiveUpload(req, res, opts);
      }
      if (url.pathname === '/events' && req.method === 'GET') {
        if (sseClients.size >= MAX_SSE_CLIENTS) return sendError(res, 503, 'ENGINE_UNAVAILABLE', 'Too many open event streams.');
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        res.write(': connected\n\n');
        sseClients.add(res);
        metrics.sseClients(sseClients.size);
        const ping = setInterval(() => {
          // A stream whose session expired or was logged out ends; the browser then asks again and gets 401.
          // An open stream is not activity: it must not keep an idle session alive.
          if (auth.required && !sessions.isAlive(sessionId) && !authenticatedByToken(req)) return res.end();
          if (launch && !launch.admits(req.headers)) return res.end();
          res.write(': ping\n\n');
        }, 15_000);
        req.on('close', () => { clearInterval(ping); sseClients.delete(res); metrics.sseClients(sseClients.size); });
        return;
      }
      if (url.pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        const h = await healthOf(opts.engine);
        return sendJson(res, h.status, h.body);
      }
      if (url.pathname === '/metrics' && req.method === 'GET') {
        const engineText = await opts.engine.call('metrics.prometheus');
        const serverText = await metrics.registry.metrics();
        const enginePart = engineText.ok
          ? engineText.value.text
          : `# engine metrics unavailable: ${engineText.error.code}\n`;
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
        return res.end(`${enginePart.trimEnd()}\n\n# HELP bsc_engine_up Whether the engine answered the metrics call.\n# TYPE bsc_engine_up gauge\nbsc_engine_up ${engineText.ok ? 1 : 0}\n\n${serverText}`);
      }
      if ((req.method === 'GET' || req.method === 'HEAD') && opts.rendererDir) {
        const found = resolveStaticFile(opts.rendererDir, url.pathname);
        if (found) {
          const isHtml = found.type.startsWith('text/html');
          res.writeHead(200, {
            'Content-Type': found.type,
            'Content-Security-Policy': CONTENT_SECURITY_POLICY,
            'Cache-Control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
          });
          if (req.method === 'HEAD') return res.end();
          return fs.createReadStream(found.file).pipe(res);
        }
      }
      sendError(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname.slice(0, 200)}.`);
    } catch (err) {
      opts.log.error('request failed', { path: url.pathname, error: err });
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The server failed to handle this request.');
      else res.end();
    }
  });

  /** `?token=…` on a page: the cookie in its place, then the same page without the token. */
  function exchangeToken(res: http.ServerResponse, url: URL, https: boolean): void {
    const given = url.searchParams.get('token');
    url.searchParams.delete('token');
    const clean = `${url.pathname}${url.search}`;
    if (launch?.matches(given)) res.setHeader('Set-Cookie', launch.cookie(https));
    res.writeHead(303, { Location: clean, 'Cache-Control': 'no-store' });
    res.end();
  }

  function authenticatedByToken(req: http.IncomingMessage): boolean {
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    return !!opts.metricsToken && !!bearer && sameSecret(bearer, opts.metricsToken);
  }

  async function handleAuth(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, sessionId: string | undefined, client: ClientInfo): Promise<void> {
    if (pathname === '/auth/session' && req.method === 'GET') {
      const authenticated = launch ? launch.admits(req.headers) : !auth.required || sessions.touch(sessionId);
      return sendJson(res, 200, { ok: true, value: { required: loginRequired, authenticated, ...(launch ? { mode: 'token' } : {}) } });
    }
    if (pathname === '/auth/logout' && req.method === 'POST') {
      sessions.destroy(sessionId);
      res.setHeader('Set-Cookie', launch ? launch.clearedCookie(client.https) : clearedSessionCookie(client.https));
      return sendJson(res, 200, { ok: true, value: { authenticated: false } });
    }
    if (pathname === '/auth/login' && req.method === 'POST') {
      const rate = loginByClient.take(client.ip);
      if (!rate.ok) return refuseRate(res, 'login per client', rate.retryAfterSeconds);
      let password: unknown;
      try {
        const body = JSON.parse(await readBody(req, 4096)) as unknown;
        password = typeof body === 'object' && body !== null ? (body as { password?: unknown }).password : undefined;
      } catch {
        return sendError(res, 400, 'BAD_INPUT', 'Send {"password": "..."} as JSON.');
      }
      if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
        return sendError(res, 400, 'BAD_INPUT', 'Send {"password": "..."} as JSON.');
      }
      if (!loginRequired || (!auth.passwordHash && !launch)) {
        return sendJson(res, 200, { ok: true, value: { authenticated: true, required: false } });
      }
      // Failed logins slow down the next answer to this client, before the password is even checked.
      const wait = throttle.delayMs(client.ip);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // In token mode the login page takes the token (pasted from the terminal) as its password.
      const right = launch ? launch.matches(password) : await verifyPassword(password, auth.passwordHash!);
      if (!right) {
        const failures = throttle.failed(client.ip);
        metrics.loginFailed();
        opts.log.warn('login failed', { client: client.ip, failures });
        return sendError(res, 401, 'UNAUTHORIZED', 'Wrong password.');
      }
      throttle.succeeded(client.ip);
      if (launch) {
        res.setHeader('Set-Cookie', launch.cookie(client.https));
        return sendJson(res, 200, { ok: true, value: { authenticated: true, required: true } });
      }
      sessions.destroy(sessionId);
      const id = sessions.create();
      opts.log.info('login', { client: client.ip });
      res.setHeader('Set-Cookie', sessionCookie(id, { secure: client.https }));
      return sendJson(res, 200, { ok: true, value: { authenticated: true, required: true } });
    }
    res.setHeader('Allow', pathname === '/auth/session' ? 'GET' : 'POST');
    return sendError(res, pathname.match(/^\/auth\/(login|logout|session)$/) ? 405 : 404, 'NOT_FOUND', `Nothing at ${pathname.slice(0, 200)} for ${req.method}.`);
  }

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
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Files over ${Math.round(limit / 1048576)} MB cannot be uploaded.`);
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
    return sendError(res, received > limit ? 413 : 400, received > limit ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT', 'The upload did not complete.');
  }
  sendJson(res, 200, { ok: true, value: { uploadId, bytes: received } });
}

export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
