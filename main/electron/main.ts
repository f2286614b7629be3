// The desktop shell: windows, menus, dialogs and wiring. It does no heavy work itself; the
// engine runs in a utility process and the renderer is sandboxed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, ipcMain, safeStorage, screen, session, shell } from 'electron';
import type { SecretName } from '../../preload/contract';
import Store from 'electron-store';
import { EngineHost } from '../engine/host';
import { createRotatingLog } from '../engine/observability/log';
import { dataPaths } from '../engine/settings/data-dir';
import { forwardEvent, registerContractHandlers } from './ipc';
import { loadDesktopSecrets, safeSecretsFileIn } from './secrets';
import { spawnUtilityEngine } from './utility-engine';
import { DEFAULT_BOUNDS, type WindowBounds, fitBoundsToDisplays } from './window-state';
import { installContentSecurityPolicy, installNavigationGuards, secureWebPreferences } from './window-security';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void startDesktop();
}

async function startDesktop(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.BSC_DATA_DIR ?? app.getPath('userData');
  const log = createRotatingLog({ dir: dataPaths(dataDir).logs, maxFileBytes: 100 * 1024 * 1024, retentionDays: 30 }).child({ proc: 'electron' });
  const store = new Store<{ window: WindowBounds }>({ name: 'window-state', defaults: { window: DEFAULT_BOUNDS } });
  // Keys are decrypted here with the OS keychain (safeStorage) and handed to the engine by message,
  // never through its environment; secrets.set is answered here so a plain key never reaches disk.
  const secrets = await loadDesktopSecrets({ file: safeSecretsFileIn(app.getPath('userData')), safeStorage, log });
  const engine = new EngineHost({ dataDir, spawn: secrets.feed(spawnUtilityEngine(path.join(here, 'engine-process.js'))), log });
  await engine.start();
  registerContractHandlers(ipcMain, (method, input) => engine.callRaw(method, input), {
    'secrets.set': (input) => secrets.set(input as { name: SecretName; value: string | null }, () => engine.callRaw('secrets.status', undefined)),
  });
  installContentSecurityPolicy(session.defaultSession);

  const bounds = fitBoundsToDisplays(store.get('window'), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...bounds,
    show: false,
    title: 'Agente BSC',
    backgroundColor: '#0f172a',
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  });
  if (bounds.maximized) win.maximize();
  const appUrl = `file://${path.join(here, '../renderer/index.html')}`;
  installNavigationGuards(win.webContents, appUrl, (url) => void shell.openExternal(url));
  engine.onEvent((event) => forwardEvent(win.webContents, event));
  win.once('ready-to-show', () => win.show());
  win.on('close', () => store.set('window', { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  await win.loadURL(appUrl);

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void engine.stop());
}
