import { createServer } from 'node:net';
import { BscError, throwIfCancelled } from '../errors';

/** Asks the OS for a free loopback port (listen on 0, close, reuse the number). */
export async function pickFreeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new BscError('INTERNAL', 'Could not pick a free port on 127.0.0.1.');
  return address.port;
}

export interface WaitForReadyOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Checked on every round: a reason here (the process exited…) ends the wait at once. */
  abandon?: () => string | undefined;
}

export type ReadyOutcome = { ready: true; waitedMs: number } | { ready: false; waitedMs: number; reason: string };

/** Polls GET /readyz (Qdrant answers it without the API key) until 200, the timeout, or an abandon reason. */
export async function waitForQdrantReady(url: string, opts: WaitForReadyOptions): Promise<ReadyOutcome> {
  const t0 = Date.now();
  const interval = opts.intervalMs ?? 50;
  let last = 'no answer yet';
  for (;;) {
    throwIfCancelled(opts.signal);
    const abandoned = opts.abandon?.();
    if (abandoned) return { ready: false, waitedMs: Date.now() - t0, reason: abandoned };
    try {
      const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(Math.max(250, interval * 4)) });
      await res.body?.cancel();
      if (res.ok) return { ready: true, waitedMs: Date.now() - t0 };
      last = `GET /readyz answered ${res.status}`;
    } catch (err) {
      last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    if (Date.now() - t0 >= opts.timeoutMs) return { ready: false, waitedMs: Date.now() - t0, reason: `not ready after ${opts.timeoutMs} ms (${last})` };
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The version Qdrant reports on `GET /`, or undefined when it cannot be read. */
export async function readQdrantVersion(url: string, apiKey: string | null): Promise<string | undefined> {
  try {
    const res = await fetch(new URL('/', url), { headers: apiKey ? { 'api-key': apiKey } : {}, signal: AbortSignal.timeout(3000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === 'string' ? body.version : undefined;
  } catch {
    return undefined;
  }
}
