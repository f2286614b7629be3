import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SecretName, type Settings, type SecretsStatus } from '../../../preload/contract';
import type { z } from 'zod';
import { BscError } from '../errors';
import type { Logger } from '../observability/log';
import { writeFileAtomicSync } from '../atomic-write';
import { type SecretStore, secretsStatus } from './secrets';

/**
 * Provider keys bound to the endpoint they were saved for. A key is handed to an adapter only
 * when the address that adapter will call is one the key was entered (or first used) with, so
 * changing a base URL — by a careless edit, a hostile page, or a restored settings.json — never
 * sends the key somewhere new: the user must enter it again for the new address.
 */
export interface ProviderKeys {
  /** The store the values come from (desktop: decrypted by the shell; server and CLI: env + 0600 file). */
  store(): SecretStore;
  /** A new store (the desktop shell's keys); `entered` names a key the user just typed, bound to today's endpoints. */
  replace(store: SecretStore, entered?: SecretName): void;
  /** Stores (or removes) a key and binds it to the endpoints the settings use for it now. */
  set(name: SecretName, value: string | null): void;
  status(): z.infer<typeof SecretsStatus>;
  /** The key for `name` if it may go to `endpoint`; undefined when none is stored; PROVIDER_AUTH when bound elsewhere. */
  keyFor(name: SecretName, endpoint: string | null): string | undefined;
  /** Keys for the chat adapters under these settings. */
  chatKeys(chat: Pick<Settings['chat'], 'provider' | 'baseUrl'>): { anthropicApiKey?: string; openaiApiKey?: string; compatibleApiKey?: string };
  embeddingKeys(e: Pick<Settings['embeddings'], 'provider' | 'baseUrl'>): { openaiApiKey?: string; compatibleApiKey?: string };
  /** Called after the keys changed (providers built with the old ones are rebuilt on next use). */
  onChange(listener: () => void): () => void;
}

/** The address each provider calls when its settings name none. */
export const defaultEndpoints = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  cohere: 'https://api.cohere.com',
} as const;

/** The addresses the current settings send `name` to (several for the OpenAI key: chat and embeddings). */
export function endpointsUsing(name: SecretName, s: Settings, cohereBaseUrl: string | null = null): string[] {
  const out: string[] = [];
  const chat = s.chat;
  const emb = s.embeddings;
  if (name === 'anthropicApiKey' && chat.provider === 'anthropic') out.push(chat.baseUrl ?? defaultEndpoints.anthropic);
  if (name === 'openaiApiKey') {
    if (chat.provider === 'openai') out.push(chat.baseUrl ?? defaultEndpoints.openai);
    if (emb.provider === 'openai') out.push(emb.baseUrl ?? defaultEndpoints.openai);
  }
  if (name === 'compatibleApiKey') {
    if (chat.provider === 'openai-compatible' && chat.baseUrl) out.push(chat.baseUrl);
    if (emb.provider === 'openai-compatible' && emb.baseUrl) out.push(emb.baseUrl);
  }
  if (name === 'cohereApiKey' && s.rerank.provider === 'cohere') out.push(cohereBaseUrl ?? defaultEndpoints.cohere);
  if (name === 'qdrantApiKey' && s.vectorStore.mode === 'external' && s.vectorStore.qdrantUrl) out.push(s.vectorStore.qdrantUrl);
  return out;
}

/** Where a key is sent, as compared: scheme, host and port (a path change on the same server keeps the key). */
export function endpointOrigin(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

const providerOfKey: Record<SecretName, string> = {
  openaiApiKey: 'OpenAI', anthropicApiKey: 'Anthropic', cohereApiKey: 'Cohere', compatibleApiKey: 'OpenAI-compatible server', qdrantApiKey: 'Qdrant',
};
const defaultOf: Partial<Record<SecretName, string>> = {
  openaiApiKey: defaultEndpoints.openai, anthropicApiKey: defaultEndpoints.anthropic, cohereApiKey: defaultEndpoints.cohere,
};

interface Binding { fingerprint: string; origins: string[] }
type Bindings = Partial<Record<SecretName, Binding>>;

/** Identifies a key value without keeping it (64 bits of its SHA-256: enough to notice a new key). */
function fingerprintOf(value: string): string {
  return createHash('sha256').update(`agente-bsc key binding\0${value}`).digest('hex').slice(0, 16);
}

export function keyBindingsFile(dataDir: string): string {
  return path.join(dataDir, 'key-endpoints.json');
}

function readBindings(file: string): Bindings {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys?: Bindings };
    const out: Bindings = {};
    for (const name of SecretName.options) {
      const b = raw.keys?.[name];
      if (b && typeof b.fingerprint === 'string' && Array.isArray(b.origins)) out[name] = { fingerprint: b.fingerprint, origins: b.origins.filter((o) => typeof o === 'string') };
    }
    return out;
  } catch {
    return {};
  }
}

export interface ProviderKeysDeps {
  dataDir: string;
  initial: SecretStore;
  settings: () => Settings;
  log: Logger;
  /** Cohere's address (tests point it at a stand-in); the settings have none. */
  cohereBaseUrl?: string | null;
}

/** The endpoints each key value is bound to, kept in <data>/key-endpoints.json (fingerprints, never keys). */
function keyBindings(deps: ProviderKeysDeps & { store: () => SecretStore }) {
  const file = keyBindingsFile(deps.dataDir);
  const bindings = readBindings(file);
  const save = () => {
    try {
      writeFileAtomicSync(file, `${JSON.stringify({ version: 1, keys: bindings }, null, 2)}\n`, { mode: 0o600 });
    } catch (err) {
      deps.log.warn('key endpoint bindings could not be saved', { error: (err as Error).message });
    }
  };

  /** Binds the key in use for `name` to the endpoints today's settings send it to (or the provider's default). */
  function bindToCurrent(name: SecretName): void {
    const value = deps.store().get(name);
    if (value === undefined) {
      delete bindings[name];
      return;
    }
    const used = endpointsUsing(name, deps.settings(), deps.cohereBaseUrl ?? null);
    const fallback = name === 'cohereApiKey' ? deps.cohereBaseUrl ?? defaultEndpoints.cohere : defaultOf[name];
    const origins = (used.length ? used : fallback ? [fallback] : []).map(endpointOrigin);
    bindings[name] = { fingerprint: fingerprintOf(value), origins: [...new Set(origins)] };
  }

  return {
    bindToCurrent,
    save,
    /** Keys stored before bindings existed (or set in the environment) are bound to where they are used now. */
    bindUnbound(): void {
      let dirty = false;
      for (const name of SecretName.options) {
        const value = deps.store().get(name);
        if (value !== undefined && bindings[name]?.fingerprint !== fingerprintOf(value)) {
          bindToCurrent(name);
          dirty = true;
        }
      }
      if (dirty) save();
    },
    /** Throws PROVIDER_AUTH unless `value` may go to `origin`. */
    check(name: SecretName, value: string, origin: string): void {
      let b = bindings[name];
      if (!b || b.fingerprint !== fingerprintOf(value)) {
        bindToCurrent(name);
        save();
        b = bindings[name]!;
      }
      if (b.origins.length === 0) {
        // Saved when no address used it and its provider has no default (a local server, Qdrant): the first address it goes to.
        b.origins.push(origin);
        save();
      }
      if (b.origins.includes(origin)) return;
      throw new BscError(
        'PROVIDER_AUTH',
        `The ${providerOfKey[name]} key was saved for ${b.origins.join(', ')}; the settings now send it to ${origin}. ` +
          'It was not sent. Enter the key again in Settings → Providers to use it with this address.',
        { secret: name, savedFor: b.origins, endpoint: origin },
      );
    },
  };
}

type KeyFor = ProviderKeys['keyFor'];

function chatKeysWith(keyFor: KeyFor, chat: Pick<Settings['chat'], 'provider' | 'baseUrl'>) {
  if (chat.provider === 'anthropic') return { anthropicApiKey: keyFor('anthropicApiKey', chat.baseUrl ?? defaultEndpoints.anthropic) };
  if (chat.provider === 'openai') return { openaiApiKey: keyFor('openaiApiKey', chat.baseUrl ?? defaultEndpoints.openai) };
  if (chat.provider === 'openai-compatible') return { compatibleApiKey: keyFor('compatibleApiKey', chat.baseUrl) };
  return {};
}

function embeddingKeysWith(keyFor: KeyFor, e: Pick<Settings['embeddings'], 'provider' | 'baseUrl'>) {
  if (e.provider === 'openai') return { openaiApiKey: keyFor('openaiApiKey', e.baseUrl ?? defaultEndpoints.openai) };
  if (e.provider === 'openai-compatible') return { compatibleApiKey: keyFor('compatibleApiKey', e.baseUrl) };
  return {};
}

export function createProviderKeys(deps: ProviderKeysDeps): ProviderKeys {
  let store = deps.initial;
  const bindings = keyBindings({ ...deps, store: () => store });
  const listeners = new Set<() => void>();
  const changed = () => { for (const l of listeners) l(); };
  bindings.bindUnbound();

  const keyFor: KeyFor = (name, endpoint) => {
    const value = store.get(name);
    if (value === undefined || endpoint === null) return value;
    bindings.check(name, value, endpointOrigin(endpoint));
    return value;
  };

  return {
    store: () => store,
    replace(next, entered) {
      store = next;
      if (entered) bindings.bindToCurrent(entered);
      bindings.bindUnbound();
      bindings.save();
      changed();
    },
    set(name, value) {
      if (!store.set) {
        throw new BscError('BAD_INPUT', store.storage === 'safeStorage'
          ? 'Keys are saved by the desktop app itself; this request reached the engine directly.'
          : 'Keys come from environment variables here and cannot be changed from the app.');
      }
      const typed = value === null ? null : value.trim();
      // The environment's key typed again confirms it for today's endpoints; it is never copied into the file.
      if (!(typed !== null && store.fromEnv(name) && store.get(name) === typed)) store.set(name, typed);
      bindings.bindToCurrent(name);
      bindings.save();
      changed();
    },
    status: () => secretsStatus(store),
    keyFor,
    chatKeys: (chat) => chatKeysWith(keyFor, chat),
    embeddingKeys: (e) => embeddingKeysWith(keyFor, e),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface EndpointDifference {
  setting: 'chat.baseUrl' | 'embeddings.baseUrl' | 'vectorStore.qdrantUrl' | 'chat.provider' | 'embeddings.provider' | 'vectorStore.mode' | 'backup.folder' | 'embeddings.modelDir';
  current: string | null;
  restored: string | null;
}

/**
 * For a restore: the restored settings with the endpoints (and the providers they belong to) of
 * the settings in use now, so a backup never redirects the keys; the differences are reported to
 * the user instead of applied silently.
 */
export function keepCurrentEndpoints(current: Settings, restored: Settings): { settings: Settings; differences: EndpointDifference[] } {
  const differences: EndpointDifference[] = [];
  const note = (setting: EndpointDifference['setting'], a: string | null, b: string | null) => { if (a !== b) differences.push({ setting, current: a, restored: b }); };
  note('chat.provider', current.chat.provider, restored.chat.provider);
  note('chat.baseUrl', current.chat.baseUrl, restored.chat.baseUrl);
  note('embeddings.provider', current.embeddings.provider, restored.embeddings.provider);
  note('embeddings.baseUrl', current.embeddings.baseUrl, restored.embeddings.baseUrl);
  note('vectorStore.mode', current.vectorStore.mode, restored.vectorStore.mode);
  note('vectorStore.qdrantUrl', current.vectorStore.qdrantUrl, restored.vectorStore.qdrantUrl);
  // Folders too: a restored archive must not move where backups are written (and pruned) or from
  // where a model is loaded — the server only allows those paths under its configured roots.
  note('backup.folder', current.backup.folder, restored.backup.folder);
  note('embeddings.modelDir', current.embeddings.modelDir, restored.embeddings.modelDir);
  return {
    settings: {
      ...restored,
      chat: { ...restored.chat, provider: current.chat.provider, baseUrl: current.chat.baseUrl },
      embeddings: { ...restored.embeddings, provider: current.embeddings.provider, baseUrl: current.embeddings.baseUrl, modelDir: current.embeddings.modelDir },
      backup: { ...restored.backup, folder: current.backup.folder },
      vectorStore: { ...restored.vectorStore, mode: current.vectorStore.mode, qdrantUrl: current.vectorStore.qdrantUrl },
    },
    differences,
  };
}
