// Issue 13.1, in the form of the probe: a page on another site that rebinds its DNS name to
// 127.0.0.1 sends its own Host and Origin; a local page that never saw the terminal has no token.
import http from 'node:http';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './run-server';

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** Raw HTTP, so the Host header is exactly what an attacker's browser would send. */
function request(url: string, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const apiCall = (url: string, headers: Record<string, string>) => request(url, { method: 'POST', path: '/api/status', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });

describe('host, origin and launch token (npm run serve on loopback, no password)', () => {
  let server: RunningServer;
  let port: string;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ env: { BSC_ALLOWED_HOSTS: 'bsc.intranet.example' } });
    port = new URL(server.url).port;
    bearer = { Authorization: `Bearer ${server.token}` };
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('prints a URL carrying a random launch token', () => {
    expect(server.launchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses every API, event and upload call without the token or its cookie', async () => {
    for (const [method, path] of [['POST', '/api/status'], ['POST', '/api/library.import'], ['GET', '/events'], ['POST', '/upload'], ['GET', '/metrics']] as const) {
      const r = await request(server.url, { method, path, headers: { 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect(r.status, `${method} ${path}`).toBe(401);
    }
    expect((await apiCall(server.url, { Authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await apiCall(server.url, bearer)).status).toBe(200);
  });

  it('answers 421 to rebinding Host headers, even with the token', async () => {
    const rebinding = [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost:${Number(port) + 1}`, `bsc.intranet.example.evil.example:${port}`, `user@127.0.0.1:${port}`];
    for (const host of rebinding) {
      const api = await apiCall(server.url, { ...bearer, Host: host });
      // A Host that is not even a host name (user@…) is refused by the router with 400 before ours.
      const expected = host.includes('@') ? 400 : 421;
      expect(api.status, host).toBe(expected);
      if (expected === 421) expect(JSON.parse(api.body).error.message).toMatch(/BSC_ALLOWED_HOSTS/);
      expect((await request(server.url, { path: `/?token=${server.token}`, headers: { Host: host } })).status, host).toBe(expected);
    }
  });

  it('answers to loopback names with our port and to BSC_ALLOWED_HOSTS', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, 'bsc.intranet.example', 'bsc.intranet.example:8443']) {
      const r = await apiCall(server.url, { ...bearer, Host: host });
      expect(r.status, `${host} ${r.body}`).toBe(200);
    }
  });

  it('refuses a foreign Origin even when the attacker chose a matching Host', async () => {
    const evil = await apiCall(server.url, { ...bearer, Origin: 'http://evil.example', Host: `127.0.0.1:${port}` });
    expect(evil.status).toBe(403);
    // The old check compared Origin with Host; an attacker page sends both with its own name.
    expect((await apiCall(server.url, { ...bearer, Origin: `http://evil.example:${port}`, Host: `evil.example:${port}` })).status).toBe(421);
    expect((await apiCall(server.url, { ...bearer, Origin: 'null' })).status).toBe(403);
    const events = await request(server.url, { path: '/events', headers: { ...bearer, Origin: 'http://evil.example' } });
    expect(events.status).toBe(403);
    expect((await apiCall(server.url, { ...bearer, Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await apiCall(server.url, { ...bearer, Origin: 'https://bsc.intranet.example' })).status).toBe(200);
  });

  it('swaps the token in the link for an HttpOnly SameSite=Strict cookie and redirects to the clean URL', async () => {
    const first = await request(server.url, { path: `/?token=${server.token}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^bsc_launch_${port}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`));
    const cookie = setCookie.split(';')[0]!;
    expect(cookie).not.toContain(server.token!);
    expect((await apiCall(server.url, { Cookie: cookie })).status).toBe(200);
    const session = await request(server.url, { path: '/auth/session', headers: { Cookie: cookie } });
    expect(JSON.parse(session.body).value).toMatchObject({ required: true, authenticated: true, mode: 'token' });
    // A wrong token is dropped from the URL too, but earns no cookie.
    const wrong = await request(server.url, { path: '/library?token=guess&x=1' });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.location).toBe('/library?x=1');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // Never an open redirect: a path starting '//' stays on this server.
    const sneaky = await request(server.url, { path: `//evil.example/x?token=${server.token}` });
    expect(sneaky.status).toBe(303);
    expect(sneaky.headers.location).toBe('/evil.example/x');
  });

  it('takes the token on the login page as its password', async () => {
    const bad = await request(server.url, { method: 'POST', path: '/auth/login', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ password: 'guess-guess' }) });
    expect(bad.status).toBe(401);
    const good = await request(server.url, { method: 'POST', path: '/auth/login', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ password: server.token }) });
    expect(good.status).toBe(200);
    const cookie = (good.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    expect((await apiCall(server.url, { Cookie: cookie })).status).toBe(200);
  });
});
