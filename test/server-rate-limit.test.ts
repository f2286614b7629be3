import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../main/server/auth';
import { type InProcessServer, startInProcessServer } from '../main/server/start-in-process';
import { repoRoot } from './run-server';

const engineEntry = path.join(repoRoot, 'dist/main/engine-process.js');
const ask = { question: 'Quais indicadores da perspectiva financeira?' };

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as { ok: boolean; error?: { code: string; message: string } } };
}

describe('rate limits (injected clock)', () => {
  let t = Date.parse('2026-05-01T09:00:00Z');
  let open: InProcessServer;
  let locked: InProcessServer;
  beforeAll(async () => {
    [open, locked] = await Promise.all([
      // Open (BSC_AUTH=off): these limits apply per address whatever the login.
      startInProcessServer({ engineEntry, server: { now: () => t, auth: { required: false, passwordHash: null, launchToken: null }, limits: { chatPerMinute: 3, chatPerHour: 5, apiPerMinute: 40 } } }),
      startInProcessServer({
        engineEntry,
        server: {
          now: () => t, limits: { chatPerMinute: 2, chatPerHour: 100, apiPerMinute: 1000 }, trustedProxies: ['127.0.0.1'],
          auth: { required: true, passwordHash: await hashPassword('rate-limit-pass') },
        },
      }),
    ]);
  });
  afterAll(async () => { await Promise.all([open.stop(), locked.stop()]); });

  it('limits chat.ask per client per minute with 429 and Retry-After, and resets after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await post(`${open.url}/api/chat.ask`, ask)).status).not.toBe(429);
    t += 15_000;
    const refused = await post(`${open.url}/api/chat.ask`, ask);
    expect(refused.status).toBe(429);
    expect(refused.json.error?.code).toBe('RATE_LIMITED');
    expect(refused.json.error?.message).toMatch(/chat per client/);
    expect(Number(refused.retryAfter)).toBe(45);
    // Other methods are not chat-limited.
    expect((await post(`${open.url}/api/status`, {})).status).toBe(200);
    t += 45_000;
    expect((await post(`${open.url}/api/chat.ask`, ask)).status).not.toBe(429);
    expect((await post(`${open.url}/api/chat.ask`, ask)).status).not.toBe(429);
    // 5 per hour reached: the hourly window now refuses with the time to its end.
    const hourly = await post(`${open.url}/api/chat.ask`, ask);
    expect(hourly.status).toBe(429);
    expect(Number(hourly.retryAfter)).toBe(3600 - 60);
    t += 3600_000;
    expect((await post(`${open.url}/api/chat.ask`, ask)).status).not.toBe(429);
  });

  it('does not count invalid calls against the chat limit', async () => {
    t += 3600_000;
    for (let i = 0; i < 10; i++) expect((await post(`${open.url}/api/chat.ask`, { question: '' })).status).toBe(400);
    expect((await post(`${open.url}/api/chat.ask`, ask)).status).not.toBe(429);
  });

  it('limits all API calls per client', async () => {
    t += 3600_000;
    let refused = 0;
    for (let i = 0; i < 45; i++) if ((await post(`${open.url}/api/status`, {})).status === 429) refused++;
    expect(refused).toBe(5);
    t += 60_000;
    expect((await post(`${open.url}/api/status`, {})).status).toBe(200);
  });

  it('limits chat.ask per session even when the session moves between client addresses', async () => {
    const login = await fetch(`${locked.url}/auth/login`, { method: 'POST', body: JSON.stringify({ password: 'rate-limit-pass' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const from = (ip: string) => ({ Cookie: cookie, 'X-Forwarded-For': ip });
    expect((await post(`${locked.url}/api/chat.ask`, ask, from('198.51.100.1'))).status).not.toBe(429);
    expect((await post(`${locked.url}/api/chat.ask`, ask, from('198.51.100.2'))).status).not.toBe(429);
    const refused = await post(`${locked.url}/api/chat.ask`, ask, from('198.51.100.3'));
    expect(refused.status).toBe(429);
    expect(refused.json.error?.message).toMatch(/chat per session/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // A different client without that session is not affected by it.
    const other = await fetch(`${locked.url}/auth/login`, { method: 'POST', headers: { 'X-Forwarded-For': '198.51.100.9' }, body: JSON.stringify({ password: 'rate-limit-pass' }) });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await post(`${locked.url}/api/chat.ask`, ask, { Cookie: otherCookie, 'X-Forwarded-For': '198.51.100.9' })).status).not.toBe(429);
  });
});
