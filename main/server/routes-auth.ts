// /auth/session, /auth/login, /auth/logout: the admin password (or, in token mode, the launch
// token typed into the same page) for a session cookie, behind the login guard.
import type { Hono } from 'hono';
import { clearedSessionCookie, sessionCookie, verifyPassword } from './auth';
import { type BscEnv, refuseRate } from './middleware';
import { errorResponse, jsonResponse, readBody, unreadableBody } from './replies';
import type { ServerState } from './server-state';

async function passwordOf(body: string): Promise<string | null> {
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return null; }
  const password = typeof parsed === 'object' && parsed !== null ? (parsed as { password?: unknown }).password : undefined;
  return typeof password === 'string' && password.length > 0 && password.length <= 1024 ? password : null;
}

function isRight(state: ServerState, password: string): Promise<boolean> | boolean {
  // In token mode the login page takes the token (pasted from the terminal) as its password.
  return state.launch ? state.launch.matches(password) : verifyPassword(password, state.auth.passwordHash!);
}

export function authRoutes(app: Hono<BscEnv>, state: ServerState): void {
  app.get('/auth/session', (c) => {
    const authenticated = state.launch ? state.launch.admits(c.env.incoming.headers) : !state.auth.required || state.sessions.touch(c.get('sessionId'));
    return jsonResponse(200, { ok: true, value: { required: state.loginRequired, authenticated, ...(state.launch ? { mode: 'token' } : {}) } });
  });

  app.post('/auth/logout', (c) => {
    const https = c.get('client').https;
    state.sessions.destroy(c.get('sessionId'));
    const cleared = state.launch ? state.launch.clearedCookie(https) : clearedSessionCookie(https);
    return jsonResponse(200, { ok: true, value: { authenticated: false } }, { 'Set-Cookie': cleared });
  });

  app.post('/auth/login', async (c) => {
    const client = c.get('client');
    const rate = state.loginByClient.take(client.ip);
    if (!rate.ok) return refuseRate(state, 'login per client', rate.retryAfterSeconds);
    let body: string;
    try { body = await readBody(c.env.incoming, 4096, state.timeouts.bodyMs); } catch (err) { return unreadableBody(err, c.env.outgoing, 4096); }
    const password = await passwordOf(body);
    if (password === null) return errorResponse(400, 'BAD_INPUT', 'Send {"password": "..."} as JSON.');
    if (!state.loginRequired || (!state.auth.passwordHash && !state.launch)) {
      return jsonResponse(200, { ok: true, value: { authenticated: true, required: false } });
    }
    return checkPassword(state, c.env.incoming.headers.cookie, client, password, c.get('sessionId'));
  });

  app.all('/auth/*', (c) => {
    const pathname = new URL(c.req.url).pathname;
    const known = /^\/auth\/(login|logout|session)$/.test(pathname);
    return errorResponse(known ? 405 : 404, 'NOT_FOUND', `Nothing at ${pathname.slice(0, 200)} for ${c.req.method}.`, { Allow: pathname === '/auth/session' ? 'GET' : 'POST' });
  });
}

/** The guarded check: waits as the login guard says, then answers 401, or 200 with the cookies. */
async function checkPassword(state: ServerState, cookieHeader: string | undefined, client: { ip: string; https: boolean }, password: string, sessionId: string | undefined): Promise<Response> {
  const admission = state.login.admit(client.ip, cookieHeader);
  if (!admission.ok) return refuseRate(state, `login: ${admission.reason}`, admission.retryAfterSeconds);
  let right = false;
  try {
    if (admission.waitMs > 0) await new Promise((r) => setTimeout(r, admission.waitMs));
    right = await isRight(state, password);
  } finally {
    const failures = admission.release(right);
    if (!right) {
      state.metrics.loginFailed();
      state.opts.log.warn('login failed', { client: client.ip, failures, waitedMs: admission.waitMs, device: admission.key.startsWith('device:') });
    }
  }
  if (!right) return errorResponse(401, 'UNAUTHORIZED', 'Wrong password.');
  state.opts.log.info('login', { client: client.ip });
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  if (state.launch) headers.append('Set-Cookie', state.launch.cookie(client.https));
  else {
    state.sessions.destroy(sessionId);
    headers.append('Set-Cookie', sessionCookie(state.sessions.create(), { secure: client.https }));
  }
  headers.append('Set-Cookie', state.login.newDeviceCookie(client.https));
  return new Response(JSON.stringify({ ok: true, value: { authenticated: true, required: true } }), { status: 200, headers });
}
