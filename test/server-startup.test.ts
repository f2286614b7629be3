import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authHeaders, repoRoot, startServer, tempDataDir } from './run-server';

const serverJs = path.join(repoRoot, 'dist/main/server.js');
const cliJs = path.join(repoRoot, 'dist/main/cli.js');

/** The environment without any BSC_* the developer may have set, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BSC_')));
  return { ...env, ...extra };
}

/** Runs the server expecting it to refuse: returns its exit code and output. */
function runRefused(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [serverJs, '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

describe('starting the server', () => {
  it('refuses to bind a public address without an admin password (exit 2, says how to fix it)', async () => {
    const dataDir = tempDataDir();
    const r = await runRefused(['--host', '0.0.0.0', '--data-dir', dataDir], cleanEnv());
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/binding 0\.0\.0\.0 \(not loopback\) requires an admin password: set BSC_ADMIN_PASSWORD, or run `bsc set-password/);
    expect(r.output).not.toMatch(/serving/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [{ BSC_ADMIN_PASWORD: 'typo in the name' }, /unknown setting BSC_ADMIN_PASWORD \(did you mean BSC_ADMIN_PASSWORD\?\)/],
    [{ BSC_CHAT_RATE_PER_MINUTE: 'lots' }, /BSC_CHAT_RATE_PER_MINUTE must be a whole number/],
    [{ BSC_TRUSTED_PROXIES: 'nginx' }, /BSC_TRUSTED_PROXIES: "nginx" is not an IP address/],
  ])('refuses %j with a clear message and exit 2', async (extra, message) => {
    const dataDir = tempDataDir();
    const r = await runRefused(['--data-dir', dataDir], cleanEnv(extra));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(message);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('binds a public address with BSC_ADMIN_PASSWORD and requires login there', async () => {
    const server = await startServer({ args: ['--host', '0.0.0.0'], env: cleanEnv({ BSC_ADMIN_PASSWORD: 'from-the-environment' }) });
    try {
      const url = server.url.replace('0.0.0.0', '127.0.0.1');
      expect(server.output()).toMatch(/login required/);
      expect((await fetch(`${url}/api/status`, { method: 'POST' })).status).toBe(401);
      const login = await fetch(`${url}/auth/login`, { method: 'POST', body: JSON.stringify({ password: 'from-the-environment' }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const status = await (await fetch(`${url}/api/status`, { method: 'POST', headers: { Cookie: cookie } })).json();
      expect(status.ok).toBe(true);
      // The password stays in the server process: the engine child does not inherit it.
      const environ = `/proc/${status.value.engine.pid}/environ`;
      if (fs.existsSync(environ)) expect(fs.readFileSync(environ, 'utf8')).not.toContain('from-the-environment');
    } finally {
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  });

  it('uses the hash stored by `bsc set-password` (the password itself is never written)', async () => {
    const dataDir = tempDataDir();
    const set = spawnSync(process.execPath, [cliJs, 'set-password', '--data-dir', dataDir], { input: 'stored-admin-secret\n', env: cleanEnv(), encoding: 'utf8' });
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/salted scrypt hash/);
    const stored = fs.readFileSync(path.join(dataDir, 'admin-password.scrypt'), 'utf8');
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain('stored-admin-secret');
    const tooShort = spawnSync(process.execPath, [cliJs, 'set-password', '--data-dir', dataDir], { input: 'short\n', env: cleanEnv(), encoding: 'utf8' });
    expect(tooShort.status).toBe(2);
    expect(tooShort.stderr).toMatch(/at least 8 characters/);

    const server = await startServer({ dataDir, args: ['--host', '0.0.0.0'], env: cleanEnv() });
    try {
      const url = server.url.replace('0.0.0.0', '127.0.0.1');
      const bad = await fetch(`${url}/auth/login`, { method: 'POST', body: JSON.stringify({ password: 'from-the-environment' }) });
      expect(bad.status).toBe(401);
      const good = await fetch(`${url}/auth/login`, { method: 'POST', body: JSON.stringify({ password: 'stored-admin-secret' }) });
      expect(good.status).toBe(200);
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on loopback without a password, a launch token stands in for the login unless BSC_AUTH=on (which then needs a password) or off', async () => {
    const dataDir = tempDataDir();
    const r = await runRefused(['--data-dir', dataDir], cleanEnv({ BSC_AUTH: 'on' }));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/BSC_AUTH=on requires an admin password/);
    const server = await startServer({ dataDir, env: cleanEnv() });
    try {
      expect(server.token).toMatch(/^[\w-]{32}$/);
      expect((await fetch(`${server.url}/api/status`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${server.url}/api/status`, { method: 'POST', headers: authHeaders(server.url) })).status).toBe(200);
      expect(await (await fetch(`${server.url}/auth/session`)).json()).toEqual({ ok: true, value: { required: true, authenticated: false, mode: 'token' } });
    } finally {
      await server.stop();
    }
    const open = await startServer({ dataDir, env: cleanEnv({ BSC_AUTH: 'off' }) });
    try {
      expect(open.token).toBeNull();
      expect((await fetch(`${open.url}/api/status`, { method: 'POST' })).status).toBe(200);
      expect(await (await fetch(`${open.url}/auth/session`)).json()).toEqual({ ok: true, value: { required: false, authenticated: true } });
    } finally {
      await open.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
