// Issue 13.6, in the form of the probe: slow bodies and heads, too many sockets, parallel wrong
// logins from several addresses, /health without a login, and the modes of the files written.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../main/server/auth';
import { type InProcessServer, startInProcessServer } from '../main/server/start-in-process';
import { repoRoot } from './run-server';

const engineEntry = path.join(repoRoot, 'dist/main/engine-process.js');
const PASSWORD = 'the-right-password';

/** A raw socket that sends `head` and then trickles `trickle` one byte every `everyMs`; resolves with what came back once closed. */
function trickle(port: number, head: string, drip: string, everyMs: number): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let reply = '';
    let i = 0;
    const timer = setInterval(() => { if (i < drip.length && !socket.destroyed) socket.write(drip[i++]!); }, everyMs);
    socket.on('data', (d) => { reply += d.toString(); });
    socket.on('error', () => {});
    socket.on('close', () => { clearInterval(timer); resolve({ reply, ms: Date.now() - started }); });
  });
}

async function login(url: string, password: string, ip: string, cookie?: string) {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip, ...(cookie ? { Cookie: cookie } : {}) }, body: JSON.stringify({ password }) });
  return { status: res.status, cookies: res.headers.getSetCookie().map((c) => c.split(';')[0]!) };
}

function failedLogins(logFile: string): Array<{ client: string; failures: number; waitedMs: number }> {
  return fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"login failed"')).map((l) => JSON.parse(l));
}

describe('connection hygiene (server in this process, injected clock)', () => {
  let srv: InProcessServer;
  let port: number;
  let t = Date.parse('2026-05-01T09:00:00Z');
  let preExisting: string;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-hygiene-'));
    preExisting = path.join(dataDir, 'settings.json');
    fs.writeFileSync(preExisting, '{}', { mode: 0o644 });
    fs.chmodSync(preExisting, 0o644);
    srv = await startInProcessServer({
      engineEntry,
      dataDir,
      server: {
        now: () => t,
        auth: { required: true, passwordHash: await hashPassword(PASSWORD) },
        trustedProxies: ['127.0.0.1'],
        timeouts: { headersMs: 1000, bodyMs: 1000 },
        limits: { loginGlobalThreshold: 10, loginBaseDelayMs: 20 },
        maxConnections: 150,
      },
    });
    port = Number(new URL(srv.url).port);
  });
  afterAll(async () => {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  });

  it('cuts a login body that trickles in, with 408, within the body deadline', async () => {
    const head = `POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"pass`;
    const r = await trickle(port, head, 'word": "x'.repeat(20), 200);
    expect(r.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('cuts a request head that trickles in', async () => {
    const r = await trickle(port, 'GET /health HTTP/1.1\r\n', `Host: 127.0.0.1:${port}\r\nX-Slow: ${'a'.repeat(100)}`, 200);
    expect(r.reply).toMatch(/^HTTP\/1\.1 408|^$/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('closes connections beyond the cap at once', async () => {
    const sockets = Array.from({ length: 180 }, () => net.connect(port, '127.0.0.1'));
    const closed = sockets.map((s) => new Promise<boolean>((resolve) => {
      s.on('error', () => {});
      s.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 500);
    }));
    const early = (await Promise.all(closed)).filter(Boolean).length;
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(early).toBeGreaterThanOrEqual(10);
  });

  it('throttles parallel wrong logins from 5 addresses globally, and never locks out the right password', async () => {
    const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5'];
    const burst = await Promise.all(addresses.flatMap((ip) => Array.from({ length: 10 }, (_, i) => login(srv.url, `guess-${ip}-${i}`, ip))));
    const checked = burst.filter((r) => r.status === 401).length;
    // 50 parallel guesses: one check at a time per address, the rest refused before any check.
    expect(checked).toBeLessThanOrEqual(10);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(40);
    // Keep guessing one at a time until the global slowdown is on (10 failures, anywhere).
    for (let round = 0; round < 3; round++) for (const ip of addresses) await login(srv.url, `again-${round}`, ip);
    const fresh = await login(srv.url, 'first-try-from-here', '203.0.113.99');
    expect(fresh.status).toBe(401);
    const freshRecord = failedLogins(srv.logFile).find((r) => r.client === '203.0.113.99');
    expect(freshRecord?.failures).toBe(1);
    expect(freshRecord?.waitedMs).toBeGreaterThan(0); // slowed by others' failures: the global backoff
    // The right password still works during the attack, from a new address (slowed, not refused).
    const during = await login(srv.url, PASSWORD, '203.0.113.100');
    expect(during.status).toBe(200);
    const device = during.cookies.find((c) => c.startsWith('bsc_device='))!;
    // A user behind an attacked address, with the device cookie of an earlier login, gets in too.
    expect((await login(srv.url, PASSWORD, addresses[0]!, device)).status).toBe(200);
    // After the attack subsides, the right password works from the attacked addresses, unslowed.
    t += 16 * 60_000;
    for (const ip of addresses) expect((await login(srv.url, PASSWORD, ip)).status).toBe(200);
  });

  it('shows only the status on /health without a login; pid, version and providers with one', async () => {
    const open = await fetch(`${srv.url}/health`);
    const text = await open.text();
    expect(JSON.parse(text)).toEqual({ healthy: true });
    expect(text).not.toMatch(/pid|version|provider/i);
    const { cookies } = await login(srv.url, PASSWORD, '192.0.2.10');
    const details = await (await fetch(`${srv.url}/health`, { headers: { Cookie: cookies[0]!, 'X-Forwarded-For': '192.0.2.10' } })).json();
    expect(details).toMatchObject({ healthy: true, engine: { ok: true, pid: expect.any(Number) }, version: expect.any(String) });
  });

  it('writes data files 0600 in 0700 folders, and tightened an older 0644 file at start', async () => {
    const { cookies } = await login(srv.url, PASSWORD, '192.0.2.11');
    const up = await fetch(`${srv.url}/upload`, { method: 'POST', headers: { Cookie: cookies[0]!, 'X-Forwarded-For': '192.0.2.11' }, body: '# nota\n\ntexto\n' });
    expect(up.status).toBe(200);
    expect(fs.statSync(preExisting).mode & 0o777).toBe(0o600);
    const loose: string[] = [];
    const walk = (p: string) => {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) return;
      if ((st.mode & 0o077) !== 0) loose.push(`${(st.mode & 0o777).toString(8)} ${path.relative(srv.dataDir, p)}`);
      if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n));
    };
    walk(srv.dataDir);
    expect(fs.existsSync(path.join(srv.dataDir, 'library.sqlite'))).toBe(true);
    expect(loose).toEqual([]);
  });
});
