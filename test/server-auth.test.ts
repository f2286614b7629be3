import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../main/server/auth';
import { type InProcessServer, startInProcessServer } from '../main/server/start-in-process';
import { repoRoot } from './run-server';

const engineEntry = path.join(repoRoot, 'dist/main/engine-process.js');
const PASSWORD = 'balanced-scorecard-2024';
const METRICS_TOKEN = 'scrape-token-0123456789';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { res, json: (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

describe('login, sessions and logout (server in this process, injected clock)', () => {
  let srv: InProcessServer;
  let t = Date.parse('2026-05-01T09:00:00Z');
  beforeAll(async () => {
    const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-auth-renderer-'));
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Agente BSC</title>');
    srv = await startInProcessServer({
      engineEntry,
      server: {
        rendererDir,
        now: () => t,
        auth: { required: true, passwordHash: await hashPassword(PASSWORD), idleMinutes: 60 },
        trustedProxies: ['127.0.0.1'],
        allowedOrigins: ['https://intranet.example.com'],
        metricsToken: METRICS_TOKEN,
      },
    });
    srv.server.on('close', () => fs.rmSync(rendererDir, { recursive: true, force: true }));
  });
  afterAll(async () => {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  });

  it('keeps the API, events, uploads and metrics closed without a session, but not health or the login page', async () => {
    for (const p of ['/api/status', '/upload']) {
      const r = await post(`${srv.url}${p}`, {});
      expect(r.res.status, p).toBe(401);
      expect(r.json.error?.code).toBe('UNAUTHORIZED');
    }
    expect((await fetch(`${srv.url}/events`)).status).toBe(401);
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${srv.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${srv.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    const page = await fetch(`${srv.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const session = await fetch(`${srv.url}/auth/session`);
    expect(await session.json()).toEqual({ ok: true, value: { required: true, authenticated: false } });
  });

  it('refuses a wrong password, slows the next attempt, and logs it without the password', async () => {
    const first = await post(`${srv.url}/auth/login`, { password: 'wrong-password-1' });
    expect(first.res.status).toBe(401);
    expect(first.json.error).toEqual({ code: 'UNAUTHORIZED', message: 'Wrong password.' });
    expect(first.res.headers.get('set-cookie')).toBeNull();
    const started = performance.now();
    await post(`${srv.url}/auth/login`, { password: 'wrong-password-2' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    const log = fs.readFileSync(srv.logFile, 'utf8');
    expect(log.split('\n').some((l) => l.includes('"msg":"login failed"') && l.includes('"failures":2'))).toBe(true);
    expect(log).not.toContain('wrong-password');
    expect((await post(`${srv.url}/auth/login`, 'not an object')).res.status).toBe(400);
  });

  it('logs in with a strict, HttpOnly cookie (no Secure over plain HTTP) that opens the API', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD });
    expect(login.res.status).toBe(200);
    const [setCookie, device] = login.res.headers.getSetCookie();
    expect(setCookie).toMatch(/^bsc_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain('Secure');
    // The device cookie exempts this browser from throttling caused by others (login-guard.ts).
    expect(device).toMatch(/^bsc_device=[\w-]+\.[\w-]+; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const status = await post(`${srv.url}/api/status`, {}, { Cookie: cookieOf(login.res) });
    expect(status.res.status).toBe(200);
    expect(status.json.ok).toBe(true);
    expect(status.res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(status.res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(status.res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('sets Secure when a trusted proxy says the client used HTTPS', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD }, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.50' });
    expect(login.res.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(login.res.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('expires an idle session after 60 minutes, while activity keeps it alive', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD });
    const cookie = cookieOf(login.res);
    t += 59 * 60_000;
    expect((await post(`${srv.url}/api/status`, {}, { Cookie: cookie })).res.status).toBe(200);
    t += 59 * 60_000;
    expect((await post(`${srv.url}/api/status`, {}, { Cookie: cookie })).res.status).toBe(200);
    t += 61 * 60_000;
    const expired = await post(`${srv.url}/api/status`, {}, { Cookie: cookie });
    expect(expired.res.status).toBe(401);
    expect(expired.json.error?.code).toBe('UNAUTHORIZED');
  });

  it('logs out: the cookie is cleared and the session no longer works', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD });
    const cookie = cookieOf(login.res);
    const out = await post(`${srv.url}/auth/logout`, {}, { Cookie: cookie });
    expect(out.res.status).toBe(200);
    expect(out.res.headers.get('set-cookie')).toMatch(/^bsc_session=; .*Max-Age=0/);
    expect((await post(`${srv.url}/api/status`, {}, { Cookie: cookie })).res.status).toBe(401);
  });

  it('answers CORS only for allowed origins and refuses cross-site writes', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD });
    const cookie = cookieOf(login.res);
    const evil = await post(`${srv.url}/api/status`, {}, { Cookie: cookie, Origin: 'https://evil.example.net' });
    expect(evil.res.status).toBe(403);
    expect(evil.res.headers.get('access-control-allow-origin')).toBeNull();
    const friend = await post(`${srv.url}/api/status`, {}, { Cookie: cookie, Origin: 'https://intranet.example.com' });
    expect(friend.res.status).toBe(200);
    expect(friend.res.headers.get('access-control-allow-origin')).toBe('https://intranet.example.com');
    const preflight = await fetch(`${srv.url}/api/status`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example.net' } });
    expect(preflight.status).toBe(403);
    const same = await post(`${srv.url}/api/status`, {}, { Cookie: cookie, Origin: srv.url });
    expect(same.res.status).toBe(200);
  });

  it('answers unknown methods 404 without a stack trace, even when logged in', async () => {
    const login = await post(`${srv.url}/auth/login`, { password: PASSWORD });
    const r = await post(`${srv.url}/api/constructor`, {}, { Cookie: cookieOf(login.res) });
    expect(r.res.status).toBe(404);
    expect(r.json.error?.code).toBe('UNKNOWN_METHOD');
    expect(JSON.stringify(r.json)).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});
