import { app, ipcMain, safeStorage } from 'electron';
import type { SecretName } from '../../preload/contract';
import { EngineHost } from '../engine/host';
import { silentLog as log } from '../engine/observability/log';
import { registerContractHandlers } from './ipc';
import { loadDesktopSecrets, safeSecretsFileIn } from './secrets';
import { spawnUtilityEngine } from './utility-engine';
export async function wire(dataDir: string, entry: string) {
  const secrets = await loadDesktopSecrets({ file: safeSecretsFileIn(app.getPath('userData')), safeStorage, log });
  const engine = new EngineHost({ dataDir, spawn: secrets.feed(spawnUtilityEngine(entry)), log });
  await engine.start();
  registerContractHandlers(ipcMain, (method, input) => engine.callRaw(method, input), {
    'secrets.set': (input) => secrets.set(input as { name: SecretName; value: string | null }, () => engine.callRaw('secrets.status', undefined)),
  });
}
