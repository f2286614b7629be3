// The built server as the bench drives it: import through /api, job ends from /events, memory
// of the engine child from /proc.
import fs from 'node:fs';
import type { ImportJob } from '../../preload/contract';
import { callApi } from '../../test/run-server';

const TERMINAL = new Set(['done', 'failed', 'cancelled', 'needs-password']);

/** Calls a contract method over HTTP; throws on a failed reply. */
export async function api<T>(url: string, method: string, body?: unknown): Promise<T> {
  const r = await callApi(url, method, body);
  if (!r.json?.ok) throw new Error(`${method}: ${r.json?.error?.code ?? r.status} ${r.json?.error?.message ?? ''}`);
  return r.json.value as T;
}

export interface JobWatcher {
  /** Resolves when every job has ended (done, failed, cancelled or waiting for a password). */
  until(jobIds: string[], signal?: AbortSignal): Promise<ImportJob[]>;
  close(): void;
}

/** Subscribes to the server's event stream before anything is imported, so no job end is missed. */
export async function watchImportJobs(url: string): Promise<JobWatcher> {
  const abort = new AbortController();
  const res = await fetch(`${url}/events`, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`/events answered ${res.status}`);
  const ended = new Map<string, ImportJob>();
  const waiters = new Set<() => void>();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let connected!: () => void;
  const isConnected = new Promise<void>((r) => { connected = r; });
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (frame.startsWith(': connected')) connected();
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== 'onImportProgress' || !data) continue;
          const job = JSON.parse(data) as ImportJob;
          if (TERMINAL.has(job.state)) {
            ended.set(job.id, job);
            for (const w of waiters) w();
          }
        }
      }
    } catch {
      // closed
    }
  })();
  await isConnected;
  return {
    until(jobIds, signal) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (signal?.aborted) {
            waiters.delete(check);
            reject(new Error('aborted'));
          } else if (jobIds.every((id) => ended.has(id))) {
            waiters.delete(check);
            resolve(jobIds.map((id) => ended.get(id)!));
          }
        };
        waiters.add(check);
        signal?.addEventListener('abort', check, { once: true });
        check();
      });
    },
    close: () => abort.abort(),
  };
}

export async function enginePid(url: string): Promise<number> {
  const status = await api<{ engine: { pid: number } }>(url, 'status');
  return status.engine.pid;
}

/** VmRSS and VmHWM (peak RSS, every thread of the process included) in MB, or null when the process is gone. */
export function processMemoryMb(pid: number): { rss: number; peak: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}
