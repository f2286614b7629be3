// The built server as the bench drives it: started with the chat stand-in, import through /api,
// job and answer ends from /events, memory of the engine child from /proc.
import fs from 'node:fs';
import type { ImportJob } from '../../preload/contract';
import { authHeaders, callApi, type RunningServer, startServer, tempDataDir } from '../../test/run-server';
import { addChatCompletionsRoute, type ChatCompletionsRoute } from '../../test/standins/openai-chat-route';
import { type OpenAIStandin, startOpenAIStandin } from '../../test/standins/openai-standin';

const TERMINAL = new Set(['done', 'failed', 'cancelled', 'needs-password']);

/** Calls a contract method over HTTP; throws on a failed reply. */
export async function api<T>(url: string, method: string, body?: unknown): Promise<T> {
  const r = await callApi(url, method, body);
  if (!r.json?.ok) throw new Error(`${method}: ${r.json?.error?.code ?? r.status} ${r.json?.error?.message ?? ''}`);
  return r.json.value as T;
}

export interface ChatBench {
  server: RunningServer;
  standin: OpenAIStandin;
  route: ChatCompletionsRoute;
  /** Points the server's chat at the stand-in (the specialist model only). */
  useStandinForChat(): Promise<void>;
  /** Stops the server and the stand-in and removes the server's data folder. */
  close(): Promise<void>;
}

/** The built server on a fresh data folder, with the OpenAI-compatible stand-in adding `latencyMs` per chat call. */
export async function startChatBench(opts: { latencyMs: number; dataDirPrefix: string; env?: NodeJS.ProcessEnv }): Promise<ChatBench> {
  const apiKey = 'bench-local-key';
  const standin = await startOpenAIStandin({ apiKey });
  const route = addChatCompletionsRoute(standin);
  route.script.latencyMs = opts.latencyMs;
  const server = await startServer({ dataDir: tempDataDir(opts.dataDirPrefix), env: { BSC_COMPATIBLE_API_KEY: apiKey, ...opts.env } });
  return {
    server,
    standin,
    route,
    async useStandinForChat() {
      await api(server.url, 'settings.set', { chat: { provider: 'openai-compatible', baseUrl: standin.url, models: { router: null, specialist: 'standin-chat', synthesizer: null, judge: null, contextualizer: null } } });
    },
    async close() {
      await server.stop();
      await standin.close();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens /events and waits for it to be connected; then yields each event's name and data, in order. */
export async function openEventStream(url: string, signal: AbortSignal): Promise<AsyncGenerator<{ event: string; data: string }>> {
  const res = await fetch(`${url}/events`, { signal, headers: authHeaders(url) });
  if (!res.ok || !res.body) throw new Error(`/events answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  // Nothing is asked before this, so no event of the work that follows can be missed.
  while (!buffer.includes(': connected')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('/events ended before it was connected');
    buffer += value;
  }
  return (async function* frames() {
    for (;;) {
      let at: number;
      while ((at = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event !== undefined && data !== undefined) yield { event, data };
      }
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
    }
  })();
}

export interface JobWatcher {
  /** Resolves when every job has ended (done, failed, cancelled or waiting for a password). */
  until(jobIds: string[], signal?: AbortSignal): Promise<ImportJob[]>;
  close(): void;
}

/** Subscribes to the server's event stream before anything is imported, so no job end is missed. */
export async function watchImportJobs(url: string): Promise<JobWatcher> {
  const abort = new AbortController();
  const events = await openEventStream(url, abort.signal);
  const ended = new Map<string, ImportJob>();
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      for await (const { event, data } of events) {
        if (event !== 'onImportProgress' || !data) continue;
        const job = JSON.parse(data) as ImportJob;
        if (TERMINAL.has(job.state)) {
          ended.set(job.id, job);
          for (const w of waiters) w();
        }
      }
    } catch {
      // closed
    }
  })();
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
