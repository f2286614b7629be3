import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channelFor } from '../../preload/contract';
import { type EngineChild, EngineHost, forkEngine } from '../engine/host';
import { type Logger, createRotatingLog, silentLog } from '../engine/observability/log';
import type { FromEngine, ToEngine } from '../engine/protocol';
import { registerContractHandlers } from './ipc';
import { type SafeStorageLike, loadDesktopSecrets, safeSecretsFileIn } from './secrets';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const KEY = 'sk-ant-api03-desktop-0123456789ABCDEFGH-k9z2';

/** A stand-in for safeStorage: reversible, and visibly not the plain text. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; rotate?: boolean } = {}): SafeStorageLike & { encrypted: number } {
  const box = {
    encrypted: 0,
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    encryptStringAsync: async (plain: string) => { box.encrypted++; return Buffer.from(`ENC:${[...plain].reverse().join('')}`); },
    decryptStringAsync: async (blob: Buffer) => {
      const s = blob.toString();
      if (!s.startsWith('ENC:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: [...s.slice(4)].reverse().join(''), shouldReEncrypt: opts.rotate ?? false };
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
  return box;
}

function fakeChild() {
  const sent: ToEngine[] = [];
  const listeners: Array<(m: FromEngine) => void> = [];
  const child: EngineChild = {
    pid: 1234,
    send: (m) => { sent.push(m); },
    onMessage: (l) => { listeners.push(l); },
    onExit: () => {},
    kill: () => {},
  };
  return { child, sent, emit: (m: FromEngine) => { for (const l of listeners) l(m); } };
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log: Logger & { lines: string[] } = {
    lines,
    debug: (m, f) => { lines.push(JSON.stringify({ m, f })); },
    info: (m, f) => { lines.push(JSON.stringify({ m, f })); },
    warn: (m, f) => { lines.push(JSON.stringify({ m, f })); },
    error: (m, f) => { lines.push(JSON.stringify({ m, f })); },
    child: () => log,
  };
  return log;
}

describe('desktop secrets (safeStorage)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-safe-'));
    file = safeSecretsFileIn(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves only ciphertext (0600), tells the running engine, and answers with the engine status', async () => {
    const safe = fakeSafeStorage();
    const log = recordingLog();
    const secrets = await loadDesktopSecrets({ file, safeStorage: safe, log });
    const { child, sent, emit } = fakeChild();
    const spawnEnv: Record<string, string>[] = [];
    const spawn = secrets.feed((env) => { spawnEnv.push(env); return child; });
    spawn({ BSC_DATA_DIR: dir });
    emit({ type: 'ready', pid: 1234 });
    expect(sent).toEqual([{ type: 'secrets', values: {} }]);

    const status = vi.fn(async () => ({ ok: true as const, value: { storage: 'safeStorage' } }));
    const reply = await secrets.set({ name: 'anthropicApiKey', value: ` ${KEY} ` }, status);
    expect(reply).toEqual({ ok: true, value: { storage: 'safeStorage' } });
    expect(status).toHaveBeenCalledTimes(1);
    expect(sent.at(-1)).toEqual({ type: 'secrets', values: { anthropicApiKey: KEY }, entered: 'anthropicApiKey' });

    const onDisk = fs.readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(KEY);
    expect(Buffer.from(JSON.parse(onDisk).secrets.anthropicApiKey, 'base64').toString()).toMatch(/^ENC:/);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(spawnEnv)).not.toContain(KEY);
    expect(log.lines.join('\n')).not.toContain(KEY);

    await secrets.set({ name: 'anthropicApiKey', value: null }, status);
    expect(sent.at(-1)).toEqual({ type: 'secrets', values: {}, entered: 'anthropicApiKey' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).secrets).toEqual({});
  });

  it('decrypts at the next start and feeds every new engine before the host hears it is ready', async () => {
    const first = await loadDesktopSecrets({ file, safeStorage: fakeSafeStorage(), log: silentLog });
    await first.set({ name: 'openaiApiKey', value: 'sk-proj-openai-desktop-000000000000' }, async () => ({ ok: true, value: null }));

    const secrets = await loadDesktopSecrets({ file, safeStorage: fakeSafeStorage(), log: silentLog });
    expect(secrets.values()).toEqual({ openaiApiKey: 'sk-proj-openai-desktop-000000000000' });
    for (let restart = 0; restart < 2; restart++) {
      const { child, sent, emit } = fakeChild();
      const order: string[] = [];
      const spawned = secrets.feed(() => child)({});
      spawned.onMessage((m) => order.push(`host saw ${m.type} after ${sent.length} message(s) to the engine`));
      emit({ type: 'ready', pid: 1 });
      expect(sent).toEqual([{ type: 'secrets', values: { openaiApiKey: 'sk-proj-openai-desktop-000000000000' } }]);
      expect(order).toEqual(['host saw ready after 1 message(s) to the engine']);
    }
  });

  it('refuses to save without a real keychain, and writes nothing', async () => {
    for (const safe of [fakeSafeStorage({ available: false }), fakeSafeStorage({ backend: 'basic_text' })]) {
      const secrets = await loadDesktopSecrets({ file, safeStorage: safe, log: silentLog });
      const status = vi.fn();
      const reply = await secrets.set({ name: 'cohereApiKey', value: 'cohere-key-0123456789abcdef' }, status);
      expect(reply).toMatchObject({ ok: false, error: { code: 'PROVIDER_AUTH', message: expect.stringContaining('environment variable') } });
      expect(status).not.toHaveBeenCalled();
      expect(fs.existsSync(file)).toBe(false);
      expect(secrets.values()).toEqual({});
    }
  });

  it('skips a key that no longer decrypts, naming it but not its content, and re-encrypts after a key rotation', async () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, secrets: { cohereApiKey: Buffer.from('garbage').toString('base64'), openaiApiKey: Buffer.from('ENC:cba').toString('base64') } }));
    const log = recordingLog();
    const safe = fakeSafeStorage({ rotate: true });
    const secrets = await loadDesktopSecrets({ file, safeStorage: safe, log });
    expect(secrets.values()).toEqual({ openaiApiKey: 'abc' });
    expect(log.lines.join('\n')).toContain('cohereApiKey');
    expect(log.lines.join('\n')).not.toContain('garbage');
    expect(safe.encrypted).toBe(1);
  });
});

describe('secrets.set is answered in main, never forwarded to the engine', () => {
  it('validates, then calls the override; other methods still reach the engine', async () => {
    const handlers = new Map<string, (e: unknown, input: unknown) => Promise<unknown>>();
    const engine = vi.fn(async () => ({ ok: true as const, value: 'engine' }));
    const override = vi.fn(async () => ({ ok: true as const, value: 'main' }));
    registerContractHandlers({ handle: (ch, fn) => { handlers.set(ch, fn); } }, engine, () => true, { 'secrets.set': override });
    const set = handlers.get(channelFor('secrets.set'))!;
    expect(await set({}, { name: 'nope', value: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await set({}, { name: 'openaiApiKey', value: KEY })).toEqual({ ok: true, value: 'main' });
    expect(override).toHaveBeenCalledWith({ name: 'openaiApiKey', value: KEY });
    expect(await handlers.get(channelFor('secrets.status'))!({}, undefined)).toEqual({ ok: true, value: 'engine' });
    expect(engine.mock.calls.map((c) => (c as unknown[])[0])).toEqual(['secrets.status']);
  });
});

const entry = path.join(repoRoot, 'dist/main/engine-process.js');
describe('a real engine process fed by the desktop secrets', () => {
  it.skipIf(!fs.existsSync(entry))('uses the keys it was sent, survives a restart with them, and never had them in its env', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-safe-engine-'));
    const secrets = await loadDesktopSecrets({ file: safeSecretsFileIn(dir), safeStorage: fakeSafeStorage(), log: silentLog });
    const envs: Record<string, string>[] = [];
    const fork = forkEngine(entry);
    // The host writes the one log (the engine forwards its records): a real file, to search for the key.
    const hostLog = createRotatingLog({ dir: path.join(dir, 'data', 'logs'), maxFileBytes: 1e7, retentionDays: 1 });
    const host = new EngineHost({ dataDir: path.join(dir, 'data'), log: hostLog, spawn: secrets.feed((env) => { envs.push(env); return fork(env); }) });
    try {
      await host.start();
      const reply = await secrets.set({ name: 'anthropicApiKey', value: KEY }, () => host.callRaw('secrets.status', undefined));
      expect(reply).toMatchObject({ ok: true, value: { storage: 'safeStorage', secrets: { anthropicApiKey: { set: true, masked: 'sk-…k9z2' } } } });
      expect(JSON.stringify(reply)).not.toContain(KEY);

      // A crash: the restarted engine is fed again before it answers anything.
      process.kill(host.pid!, 'SIGKILL');
      const after = await (async () => {
        for (let i = 0; i < 100; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const r = await host.callRaw('secrets.status', undefined);
          if (r.ok) return r;
        }
        throw new Error('engine did not come back');
      })();
      expect(after).toMatchObject({ ok: true, value: { secrets: { anthropicApiKey: { set: true } } } });
      expect(host.restartCount).toBeGreaterThan(0);
      expect(JSON.stringify(envs)).not.toContain(KEY);
      const logs = fs.readdirSync(path.join(dir, 'data', 'logs')).map((f) => fs.readFileSync(path.join(dir, 'data', 'logs', f), 'utf8')).join('');
      expect(logs).not.toContain(KEY);
    } finally {
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
