// The middleware every request passes, in order: observe (security headers, log, metrics), host,
// origin, the launch token's exchange, login, and the per-client API limit.
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { isMethodName } from '../../preload/contract';
import { SESSION_COOKIE, readCookie } from './auth';
import { type ClientInfo, clientInfo } from './client-address';
import { sameSecret } from './launch-token';
import { errorResponse } from './replies';
import type { ServerState } from './server-state';

export type BscEnv = { Bindings: HttpBindings; Variables: { client: ClientInfo; sessionId: string | undefined } };
type Middleware = MiddlewareHandler<BscEnv>;

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Responses that are not the renderer's pages run nothing and may not be framed.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Paths that need a login (or the launch cookie, or a bearer). */
export function isProtected(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname === '/events' || pathname === '/upload' || pathname === '/metrics';
}

/** A bounded label for metrics: never the raw path (unbounded cardinality). */
export function routeOf(pathname: string): string {
  if (pathname.startsWith('/api/')) {
    let name = '';
    try { name = decodeURIComponent(pathname.slice(5)); } catch { /* malformed escape */ }
    return isMethodName(name) ? `/api/${name}` : '/api/unknown';
  }
  if (['/events', '/health', '/metrics', '/upload', '/auth/login', '/auth/logout', '/auth/session'].includes(pathname)) return pathname;
  return 'static';
}

export function bearerOf(header: string | undefined): string | undefined {
  return header?.match(/^Bearer (.+)$/)?.[1];
}

/** The Prometheus scraper's token (BSC_METRICS_TOKEN). */
export function isMetricsScraper(state: ServerState, authorization: string | undefined): boolean {
  const bearer = bearerOf(authorization);
  return !!state.opts.metricsToken && !!bearer && sameSecret(bearer, state.opts.metricsToken);
}

/** Security headers on every answer, one log line and metrics per request (never bodies, queries or cookies). */
export function observe(state: ServerState): Middleware {
  return async (c, next) => {
    const started = performance.now();
    const { incoming, outgoing } = c.env;
    const client = clientInfo(incoming, state.proxies);
    const pathname = new URL(c.req.url).pathname;
    c.set('client', client);
    c.set('sessionId', readCookie(incoming.headers.cookie, SESSION_COOKIE));
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) outgoing.setHeader(k, v);
    if (client.https) outgoing.setHeader('Strict-Transport-Security', 'max-age=31536000');
    outgoing.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      state.metrics.request(incoming.method, routeOf(pathname), outgoing.statusCode, seconds);
      state.opts.log.info('http', { method: incoming.method, path: pathname, status: outgoing.statusCode, ms: Math.round(seconds * 1000), client: client.ip });
    });
    await next();
  };
}

/** DNS rebinding: a name we were not bound to is another site's name resolving to us (421). */
export function guardHost(state: ServerState): Middleware {
  return async (c, next) => {
    const client = c.get('client');
    if (!state.hosts.isAllowedHost(client.host, client.https)) {
      c.env.outgoing.shouldKeepAlive = false;
      return errorResponse(421, 'UNAUTHORIZED', `This server does not answer to the host "${client.host.slice(0, 100)}" (add it to BSC_ALLOWED_HOSTS).`);
    }
    await next();
  };
}

/** Cross-site requests: an Origin naming one of our hosts, or one on BSC_ALLOWED_ORIGINS (CORS). */
export function guardOrigin(state: ServerState): Middleware {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin === undefined || state.hosts.isAllowedOrigin(origin, state.allowedOrigins);
    const pathname = new URL(c.req.url).pathname;
    if (origin !== undefined && state.allowedOrigins.has(origin)) {
      const out = c.env.outgoing;
      out.setHeader('Access-Control-Allow-Origin', origin);
      out.setHeader('Access-Control-Allow-Credentials', 'true');
      out.setHeader('Vary', 'Origin');
    }
    const refused = () => errorResponse(403, 'UNAUTHORIZED', 'This origin is not allowed (BSC_ALLOWED_ORIGINS).');
    if (c.req.method === 'OPTIONS') {
      if (!allowed) return refused();
      return new Response(null, { status: 204, headers: { 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' } });
    }
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!allowed && (!reading || isProtected(pathname) || pathname.startsWith('/auth/'))) return refused();
    await next();
  };
}

/** `?token=…` on a page: the launch cookie in its place, then the same page without the token (as Jupyter does). */
export function exchangeLaunchToken(state: ServerState): Middleware {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!state.launch || !reading || !url.searchParams.has('token') || isProtected(url.pathname)) return next();
    const given = url.searchParams.get('token');
    url.searchParams.delete('token');
    // One leading slash only: '//evil.example' would send the browser to another site.
    const headers: Record<string, string> = { Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`, 'Cache-Control': 'no-store' };
    if (state.launch.matches(given)) headers['Set-Cookie'] = state.launch.cookie(c.get('client').https);
    return new Response(null, { status: 303, headers });
  };
}

/** The API, events, uploads and metrics need a session, the launch cookie, or (metrics) the scraper's token. */
export function requireLogin(state: ServerState): Middleware {
  return async (c, next) => {
    const pathname = new URL(c.req.url).pathname;
    if (!isProtected(pathname) || !state.loginRequired) return next();
    const headers = c.env.incoming.headers;
    const authenticated = state.launch ? state.launch.admits(headers) : state.sessions.touch(c.get('sessionId'));
    const scraper = pathname === '/metrics' && isMetricsScraper(state, headers.authorization);
    if (!authenticated && !scraper) {
      return errorResponse(401, 'UNAUTHORIZED', state.launch ? 'Open the link printed when the server started (it carries this launch\'s token).' : 'Log in to use Agente BSC.');
    }
    await next();
  };
}

export function refuseRate(state: ServerState, limit: string, retryAfterSeconds: number): Response {
  state.metrics.rateLimited(limit);
  return errorResponse(429, 'RATE_LIMITED', `Too many requests (${limit}); try again in ${retryAfterSeconds} s.`, { 'Retry-After': String(retryAfterSeconds) });
}

/** Every API call and upload counts against the client's per-minute allowance. */
export function limitApi(state: ServerState): Middleware {
  return async (c, next) => {
    const pathname = new URL(c.req.url).pathname;
    if (pathname.startsWith('/api/') || pathname === '/upload') {
      const api = state.apiByClient.take(c.get('client').ip);
      if (!api.ok) return refuseRate(state, 'api per client', api.retryAfterSeconds);
    }
    await next();
  };
}
