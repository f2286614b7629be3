// Provider keys in the desktop app: encrypted with Electron's safeStorage (the OS keychain) into
// <userData>/secrets.safe.json, decrypted here in the main process and handed to the engine
// process by message after each start. Never in the engine's environment (its children inherit
// that), never written in plain text.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SecretName, type Reply } from '../../preload/contract';
import { errorShape } from '../engine/dispatch';
import { BscError } from '../engine/errors';
import type { EngineChild, SpawnEngine } from '../engine/host';
import type { Logger } from '../engine/observability/log';
import type { SecretValues } from '../engine/settings/secrets';

/** The part of Electron's safeStorage we use (the async API; the sync one is deprecated in Electron 45); a test passes a fake. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plain: string): Promise<Buffer>;
  decryptStringAsync(blob: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: 'basic_text' means a hard-coded password, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
}

export function safeSecretsFileIn(userData: string): string {
  return path.join(userData, 'secrets.safe.json');
}

interface SafeFile {
  version: 1;
  /** base64 of safeStorage's ciphertext, per key. */
  secrets: Partial<Record<SecretName, string>>;
}

function readSafeFile(file: string): SafeFile {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
    throw err;
  }
  const parsed = JSON.parse(raw) as Partial<SafeFile>;
  const secrets: SafeFile['secrets'] = {};
  for (const name of SecretName.options) {
    const blob = parsed.secrets?.[name];
    if (typeof blob === 'string') secrets[name] = blob;
  }
  return { version: 1, secrets };
}

function writeSafeFile(file: string, data: SafeFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  // Ciphertext only, but still private to the user: defence in depth.
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
}

async function assertSecureStorage(safe: SafeStorageLike): Promise<void> {
  const available = await safe.isAsyncEncryptionAvailable();
  const backend = safe.getSelectedStorageBackend?.();
  if (!available || backend === 'basic_text') {
    throw new BscError(
      'PROVIDER_AUTH',
      'This system offers no keychain to encrypt the key (on Linux: install and unlock GNOME Keyring or KWallet). ' +
        'Set it as an environment variable instead (e.g. OPENAI_API_KEY) and restart the app.',
      { backend: backend ?? null },
    );
  }
}

export interface DesktopSecrets {
  /** Decrypted values, read from the file at start. */
  values(): SecretValues;
  /** Wraps the engine spawner so each new engine gets the keys right after it says 'ready', before any call. */
  feed(spawn: SpawnEngine): SpawnEngine;
  /** The `secrets.set` call, answered in main: encrypt, save, tell the running engine, return its status. */
  set(input: { name: SecretName; value: string | null }, status: () => Promise<Reply<unknown>>): Promise<Reply<unknown>>;
}

/**
 * Loads and decrypts the keys (a key that no longer decrypts — another OS user, a reset keychain —
 * is skipped and logged by name only) and returns what main needs to keep the engine fed.
 */
export async function loadDesktopSecrets(opts: { file: string; safeStorage: SafeStorageLike; log: Logger }): Promise<DesktopSecrets> {
  const { file, safeStorage: safe, log } = opts;
  const values: SecretValues = {};
  let stored: SafeFile = { version: 1, secrets: {} };
  try {
    stored = readSafeFile(file);
  } catch (err) {
    log.error('secrets file unreadable; keys must be entered again', { file, error: (err as Error).message });
  }
  let reEncrypt = false;
  for (const [name, blob] of Object.entries(stored.secrets) as [SecretName, string][]) {
    try {
      const { result, shouldReEncrypt } = await safe.decryptStringAsync(Buffer.from(blob, 'base64'));
      values[name] = result;
      reEncrypt ||= shouldReEncrypt;
    } catch {
      log.warn('a stored key could not be decrypted; enter it again in Settings', { secret: name });
    }
  }
  if (reEncrypt) {
    try {
      for (const [name, value] of Object.entries(values) as [SecretName, string][]) stored.secrets[name] = (await safe.encryptStringAsync(value)).toString('base64');
      writeSafeFile(file, stored);
    } catch (err) {
      log.warn('keys could not be re-encrypted with the rotated keychain key', { error: (err as Error).message });
    }
  }

  let current: EngineChild | null = null;
  const push = (child: EngineChild) => child.send({ type: 'secrets', values: { ...values } });

  return {
    values: () => ({ ...values }),
    feed(spawn) {
      return (env) => {
        const child = spawn(env);
        current = child;
        // Registered before the host's own listener, so the keys go out before the host sends any call.
        child.onMessage((m) => { if (m.type === 'ready') push(child); });
        return child;
      };
    },
    async set({ name, value }, status) {
      try {
        if (value === null) {
          delete stored.secrets[name];
          delete values[name];
        } else {
          await assertSecureStorage(safe);
          const plain = value.trim();
          stored.secrets[name] = (await safe.encryptStringAsync(plain)).toString('base64');
          values[name] = plain;
        }
        writeSafeFile(file, stored);
      } catch (err) {
        return { ok: false, error: errorShape(err instanceof BscError ? err : new BscError('PROVIDER_AUTH', `The key could not be saved: ${(err as Error).message}`)) };
      }
      log.info('provider key changed', { secret: name, action: value === null ? 'removed' : 'stored', storage: 'safeStorage' });
      // `entered`: the engine binds this key to the endpoints the settings use now (keys bound to endpoints, 13.3).
      if (current) current.send({ type: 'secrets', values: { ...values }, entered: name });
      return status();
    },
  };
}
