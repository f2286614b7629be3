// The renderer's one way to the engine: window.bsc (Electron preload, IPC) when present,
// otherwise HTTP POST /api/<method> and Server-Sent Events at /events (browser mode).
import {
  type BscApi, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput, type Reply,
  eventNames, methodNames,
} from '../../../preload/contract';

declare global {
  interface Window { bsc?: BscApi }
}

export type Transport = {
  kind: 'ipc' | 'http';
  call<K extends MethodName>(name: K, input?: MethodInput<K>): Promise<Reply<MethodOutput<K>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

function ipcTransport(bsc: BscApi): Transport {
  return {
    kind: 'ipc',
    call(name, input) {
      const [group, leaf] = name.split('.') as [string, string | undefined];
      const target = (bsc as unknown as Record<string, unknown>)[group];
      const fn = (leaf ? (target as Record<string, unknown>)[leaf] : target) as (i: unknown) => Promise<never>;
      return fn(input);
    },
    on: (name, listener) => bsc.on(name, listener),
  };
}

// Server mode with a password: a 401 means the session is missing or expired; App shows the login page.
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function httpTransport(base = ''): Transport {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${base}/events`);
    // EventSource retries network errors by itself but gives up for good on an HTTP error such as
    // 401; the listeners then check the session (the page reloads after a login).
    source.addEventListener('error', () => {
      if (source?.readyState !== EventSource.CLOSED) return;
      source = null;
      for (const l of unauthorizedListeners) l();
    });
    for (const name of eventNames) {
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as unknown;
        for (const l of listeners.get(name) ?? []) l(payload);
      });
    }
  };
  return {
    kind: 'http',
    async call(name, input) {
      try {
        const res = await fetch(`${base}/api/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: input === undefined ? '' : JSON.stringify(input),
        });
        if (res.status === 401) for (const l of unauthorizedListeners) l();
        return (await res.json()) as never;
      } catch (err) {
        return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: `Cannot reach the Agente BSC server (${(err as Error).message}).` } };
      }
    },
    on(name, listener) {
      ensureSource();
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

export const api: Transport = typeof window !== 'undefined' && window.bsc ? ipcTransport(window.bsc) : httpTransport();

export const knownMethods = methodNames;
