import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SecretName, type SecretsStatus } from '../../../preload/contract';
import { writeFileAtomicSync } from '../atomic-write';
import { BscError } from '../errors';

export type SecretValues = Partial<Record<SecretName, string>>;

/**
 * Where provider keys come from. Adapters: environment only; environment + a 0600 file (server,
 * CLI); environment + memory (the desktop shell decrypts its safeStorage file and hands the values
 * over). An environment variable always wins over a stored value.
 */
export interface SecretStore {
  readonly storage: 'safeStorage' | 'file' | 'env';
  get(name: SecretName): string | undefined;
  /** Whether the value in use comes from an environment variable. */
  fromEnv(name: SecretName): boolean;
  /** Store, or with null remove, a key. Absent where this process cannot persist keys. */
  set?(name: SecretName, value: string | null): void;
}

/** The environment variable that may hold each secret (it wins over a stored value). */
export const secretEnvVars: Record<SecretName, string> = {
  openaiApiKey: 'OPENAI_API_KEY',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  cohereApiKey: 'COHERE_API_KEY',
  compatibleApiKey: 'BSC_COMPATIBLE_API_KEY',
  qdrantApiKey: 'QDRANT_API_KEY',
};

/** The server's and CLI's key file; backups must never include it. */
export function secretsFileIn(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

const fromEnvVar = (env: NodeJS.ProcessEnv, name: SecretName) => env[secretEnvVars[name]]?.trim() || undefined;

export function envSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  return {
    storage: 'env',
    get: (name) => fromEnvVar(env, name),
    fromEnv: (name) => fromEnvVar(env, name) !== undefined,
  };
}

/** Keys the desktop shell decrypted with safeStorage; it keeps them, this process only reads them. */
export function memorySecretStore(values: SecretValues, env: NodeJS.ProcessEnv = process.env): SecretStore {
  const held = { ...values };
  return {
    storage: 'safeStorage',
    get: (name) => fromEnvVar(env, name) ?? (held[name] || undefined),
    fromEnv: (name) => fromEnvVar(env, name) !== undefined,
  };
}

const SecretsFile = z.partialRecord(SecretName, z.string());

/**
 * Keys in a JSON file only its owner may read (0600), for the server and the CLI. A file that
 * the group or others can read is refused, not silently used: the key may already have leaked.
 * Read on every `get`, so a key edited by hand is seen without a restart.
 */
export function fileSecretStore(file: string, env: NodeJS.ProcessEnv = process.env): SecretStore {
  return {
    storage: 'file',
    get: (name) => fromEnvVar(env, name) ?? (readSecretsFile(file)[name] || undefined),
    fromEnv: (name) => fromEnvVar(env, name) !== undefined,
    set(name, value) {
      const next = { ...readSecretsFile(file) };
      if (value === null) delete next[name];
      else next[name] = value;
      writeSecretsFile(file, next);
    },
  };
}

const checksPermissions = process.platform !== 'win32';

export function readSecretsFile(file: string): SecretValues {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new BscError('PROVIDER_AUTH', `The key file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (checksPermissions && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new BscError(
      'PROVIDER_AUTH',
      `The key file ${file} can be read by other users (mode ${mode}), so Agente BSC will not use it. ` +
        `Make it private with: chmod 600 "${file}" (and replace the keys if others could have read them).`,
      { file, mode },
    );
  }
  if (checksPermissions && typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new BscError('PROVIDER_AUTH', `The key file ${file} belongs to another user, so Agente BSC will not use it.`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // Never echo the content: it is the keys.
    throw new BscError('PROVIDER_AUTH', `The key file ${file} is not valid JSON. Fix or delete it and enter the keys again in Settings.`, { file });
  }
  const checked = SecretsFile.safeParse(parsed);
  if (!checked.success) {
    throw new BscError('PROVIDER_AUTH', `The key file ${file} should map key names (${SecretName.options.join(', ')}) to strings.`, { file });
  }
  return checked.data;
}

/** Created 0600 under a temporary name and renamed over the old file: never readable by others, never half written. */
export function writeSecretsFile(file: string, values: SecretValues): void {
  const names = Object.keys(values);
  if (names.length === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  try {
    writeFileAtomicSync(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
    if (checksPermissions) fs.chmodSync(file, 0o600); // a umask cannot widen it, but an odd one could make it unreadable to us
  } catch (err) {
    throw new BscError('PROVIDER_AUTH', `The key could not be saved in ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { file });
  }
}

/**
 * What the settings screen may show of a key: its first 3 and last 4 characters when at least 13
 * others stay hidden ("sk-…3f9a"), dots only for a shorter key.
 */
export function maskSecret(value: string): string {
  const v = value.trim();
  if (v.length < 20) return '••••••••';
  return `${v.slice(0, 3)}…${v.slice(-4)}`;
}

export function secretsStatus(store: SecretStore): z.infer<typeof SecretsStatus> {
  const secrets = {} as z.infer<typeof SecretsStatus>['secrets'];
  for (const name of SecretName.options) {
    const value = store.get(name);
    secrets[name] = { set: value !== undefined, masked: value === undefined ? null : maskSecret(value), fromEnv: store.fromEnv(name) };
  }
  return { storage: store.storage, secrets };
}

/** Every key value the store holds now (for scrubbing log lines of what no shape rule can recognise). */
export function heldKeyValues(store: SecretStore): string[] {
  const out: string[] = [];
  for (const name of SecretName.options) {
    try {
      const v = store.get(name);
      if (v) out.push(v);
    } catch {
      // an unreadable key file: nothing held
    }
  }
  return out;
}
