import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  /** The clean base URL (http://127.0.0.1:PORT), without the launch token. */
  url: string;
  /** The URL the server printed: with `?token=…` when it runs without a password. */
  launchUrl: string;
  /** The launch token, or null when the server asks for a password (or runs with BSC_AUTH=off). */
  token: string | null;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Launch tokens of the servers this process started, by base URL: callApi and the browser use them. */
const launchTokens = new Map<string, string>();

/** The bearer header that lets a script in through a token-mode server ({} for any other server). */
export function authHeaders(url: string): Record<string, string> {
  const token = launchTokens.get(new URL(url).origin);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Launch URLs of the running token-mode servers (the e2e browser opens them to get the cookie). */
export function runningLaunchUrls(): string[] {
  return [...launchTokens].map(([base, token]) => `${base}/?token=${token}`);
}

export function tempDataDir(prefix = 'bsc-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts `dist/main/server.js` on a free port and waits for the line that prints its URL. */
export async function startServer(opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/main/server.js'), '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const onData = () => {
      const m = out.match(/serving (http:\/\/\S+)/);
      if (m?.[1]) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
  const parsed = new URL(launchUrl);
  const url = parsed.origin;
  const token = parsed.searchParams.get('token');
  if (token) launchTokens.set(url, token);
  return {
    url,
    launchUrl,
    token,
    dataDir,
    process: child,
    output: () => out,
    stop: () => new Promise<void>((resolve) => {
      launchTokens.delete(url);
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary replies
export async function callApi(url: string, method: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...authHeaders(url) }, body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
