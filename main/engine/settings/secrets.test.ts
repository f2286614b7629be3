import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import { envSecretStore, fileSecretStore, maskSecret, memorySecretStore, readSecretsFile, secretsFileIn, secretsStatus } from './secrets';

const posix = process.platform !== 'win32';
const KEY = 'sk-proj-Abcdefghijklmnop1234567890xyz3f9a';

describe('file secret store (server and CLI)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-secrets-'));
    file = secretsFileIn(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has no keys while the file does not exist, and creates it 0600 on the first key', () => {
    const store = fileSecretStore(file, {});
    expect(store.get('openaiApiKey')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
    store.set!('openaiApiKey', KEY);
    expect(store.get('openaiApiKey')).toBe(KEY);
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ openaiApiKey: KEY });
    // No temporary file left behind next to it.
    expect(fs.readdirSync(dir)).toEqual(['secrets.json']);
  });

  it('keeps the file 0600 even under a permissive umask', () => {
    if (!posix) return;
    const old = process.umask(0o000);
    try {
      fileSecretStore(file, {}).set!('cohereApiKey', 'cohere-key-0123456789abcdef');
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('removes a key with null, and the file with the last key', () => {
    const store = fileSecretStore(file, {});
    store.set!('openaiApiKey', KEY);
    store.set!('anthropicApiKey', 'sk-ant-api03-zzzzzzzzzzzzzzzzzzzz');
    store.set!('openaiApiKey', null);
    expect(store.get('openaiApiKey')).toBeUndefined();
    expect(store.get('anthropicApiKey')).toBe('sk-ant-api03-zzzzzzzzzzzzzzzzzzzz');
    store.set!('anthropicApiKey', null);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('lets an environment variable win over the stored key', () => {
    const store = fileSecretStore(file, { OPENAI_API_KEY: 'sk-from-env-000000000000000000' });
    store.set!('openaiApiKey', KEY);
    expect(store.get('openaiApiKey')).toBe('sk-from-env-000000000000000000');
    expect(store.fromEnv('openaiApiKey')).toBe(true);
    expect(store.fromEnv('anthropicApiKey')).toBe(false);
  });

  it.skipIf(!posix)('refuses a file others can read, with the command that fixes it', () => {
    fs.writeFileSync(file, JSON.stringify({ openaiApiKey: KEY }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const store = fileSecretStore(file, {});
    let caught: unknown;
    try {
      store.get('openaiApiKey');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BscError);
    expect((caught as BscError).message).toContain('mode 0644');
    expect((caught as BscError).message).toContain(`chmod 600 "${file}"`);
    expect((caught as BscError).message).not.toContain(KEY);
    // Nor will it quietly overwrite it (the user should know the keys may have leaked).
    expect(() => store.set!('cohereApiKey', 'x'.repeat(30))).toThrow(/other users/);
    fs.chmodSync(file, 0o600);
    expect(store.get('openaiApiKey')).toBe(KEY);
  });

  it('says a damaged file is not JSON without echoing its content', () => {
    fs.writeFileSync(file, `{"openaiApiKey": "${KEY}"`, { mode: 0o600 });
    expect(() => readSecretsFile(file)).toThrow(/not valid JSON/);
    try {
      readSecretsFile(file);
    } catch (err) {
      expect(JSON.stringify((err as BscError).toShape())).not.toContain(KEY);
    }
    fs.writeFileSync(file, JSON.stringify({ openaiApiKey: 42 }), { mode: 0o600 });
    expect(() => readSecretsFile(file)).toThrow(/should map key names/);
  });
});

describe('masking and status', () => {
  it('shows at most the first 3 and last 4 characters, and nothing of a short key', () => {
    expect(maskSecret(KEY)).toBe('sk-…3f9a');
    expect(maskSecret('short-key-12345')).toBe('••••••••');
    expect(maskSecret('0123456789012345678')).toBe('••••••••');
    expect(maskSecret('01234567890123456789')).toBe('012…6789');
  });

  it('reports which keys are set and where from, never a value', () => {
    const store = memorySecretStore({ anthropicApiKey: 'sk-ant-api03-SECRETSECRETSECRET-9k2z', cohereApiKey: 'abc' }, { QDRANT_API_KEY: 'qdrant-env-key-0123456789' });
    const status = secretsStatus(store);
    expect(status.storage).toBe('safeStorage');
    expect(status.secrets.anthropicApiKey).toEqual({ set: true, masked: 'sk-…9k2z', fromEnv: false });
    expect(status.secrets.cohereApiKey).toEqual({ set: true, masked: '••••••••', fromEnv: false });
    expect(status.secrets.qdrantApiKey).toEqual({ set: true, masked: 'qdr…6789', fromEnv: true });
    expect(status.secrets.openaiApiKey).toEqual({ set: false, masked: null, fromEnv: false });
    const text = JSON.stringify(status);
    expect(text).not.toContain('SECRETSECRET');
    expect(text).not.toContain('qdrant-env-key');
  });

  it('treats empty environment variables as unset', () => {
    const store = envSecretStore({ OPENAI_API_KEY: '  ' });
    expect(store.get('openaiApiKey')).toBeUndefined();
    expect(store.fromEnv('openaiApiKey')).toBe(false);
    expect(store.set).toBeUndefined();
  });
});
