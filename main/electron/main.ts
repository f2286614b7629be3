// The desktop shell: windows, menus, dialogs and wiring. It does no heavy work itself; the
// engine runs in a utility process and the renderer is sandboxed, loaded from app://bsc/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron';
import type { SecretName } from '../../preload/contract';
import Store from 'electron-store';
import { EngineHost } from '../engine/host';
import { createRotatingLog } from '../engine/observability/log';
import { resourcesDir } from '../engine/resources';
import { dataPaths } from '../engine/settings/data-dir';
import { acquireWriterLock, describeHolder } from '../engine/settings/writer-lock';
import { menuTemplate } from './app-menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, serveAppRequest } from './app-protocol';
import { desktopFileHandlers, registerDesktopFileHandlers } from './desktop-files';
import { forwardEvent, registerContractHandlers } from './ipc';
import { loadDesktopSecrets, safeSecretsFileIn } from './secrets';
import { claimSingleInstance } from './single-instance';
import { startUpdateChecks } from './updates';
import { spawnUtilityEngine } from './utility-engine';
import { DEFAULT_BOUNDS, type WindowBounds, fitBoundsToDisplays } from './window-state';
import { installContentSecurityPolicy, installNavigationGuards, installPermissionPolicy, isTrustedSender, secureWebPreferences } from './window-security';

const here = path.dirname(fileURLToPath(import.meta.url));
let mainWindow: BrowserWindow | null = null;

// Must happen before 'ready': app:// gets the standard, secure origin the page needs.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

if (claimSingleInstance(app, () => mainWindow)) void startDesktop();

async function startDesktop(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.BSC_DATA_DIR ?? app.getPath('userData');
  const lock = acquireWriterLock(dataDir, 'app');
  if (!lock.ok) {
    dialog.showErrorBox('Agente BSC', `${describeHolder(lock.holder, dataDir)}.\n\nClose it, then open Agente BSC again.`);
    app.quit();
    return;
  }
  const log = createRotatingLog({ dir: dataPaths(dataDir).logs, maxFileBytes: 100 * 1024 * 1024, retentionDays: 30 }).child({ proc: 'electron' });
  const store = new Store<{ window: WindowBounds }>({ name: 'window-state', defaults: { window: DEFAULT_BOUNDS } });
  // Keys are decrypted here with the OS keychain (safeStorage) and handed to the engine by message,
  // never through its environment; secrets.set is answered here so a plain key never reaches disk.
  const secrets = await loadDesktopSecrets({ file: safeSecretsFileIn(app.getPath('userData')), safeStorage, log });
  // The engine finds the sample library, bundled Qdrant and models here: inside the install
  // folder when packaged, the repo's resources/ in development.
  const resources = app.isPackaged ? process.resourcesPath : resourcesDir();
  const spawn = secrets.feed(spawnUtilityEngine(path.join(here, 'engine-process.js')));
  const engine = new EngineHost({ dataDir, spawn: (env) => spawn({ ...env, BSC_RESOURCES_DIR: resources }), log });
  await engine.start();

  const rendererDir = path.join(here, '../renderer');
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
  installContentSecurityPolicy(session.defaultSession);
  installPermissionPolicy(session.defaultSession);
  const callEngine = (method: string, input: unknown) => engine.callRaw(method, input);
  registerContractHandlers(ipcMain, callEngine, isTrustedSender, {
    'secrets.set': (input) => secrets.set(input as { name: SecretName; value: string | null }, () => engine.callRaw('secrets.status', undefined)),
  });
  const win = createMainWindow(fitBoundsToDisplays(store.get('window'), screen.getAllDisplays().map((d) => d.workArea)));
  mainWindow = win;
  const files = desktopFileHandlers({
    showOpenDialog: (options) => dialog.showOpenDialog(win, options),
    showSaveDialog: (options) => dialog.showSaveDialog(win, options),
    openPath: (file) => shell.openPath(file),
    fileExists: (file) => fs.existsSync(file),
    callEngine,
    dataDir,
    documentsDir: app.getPath('documents'),
  });
  registerDesktopFileHandlers(ipcMain, isTrustedSender, files);
  const importPicked = async (folders: boolean) => {
    const picked = await files.pickImport({ folders });
    const paths = picked.ok ? (picked.value as { paths: string[] }).paths : [];
    if (paths.length) await callEngine('library.import', { sources: paths.map((p) => ({ path: p })) });
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({
    isPackaged: app.isPackaged,
    platform: process.platform,
    // The same native dialogs as the Library's buttons; the Library shows the jobs by their events.
    actions: { importFiles: () => void importPicked(false), importFolder: () => void importPicked(true) },
  }) as Electron.MenuItemConstructorOptions[]));
  engine.onEvent((event) => forwardEvent(win.webContents, event));
  win.on('close', () => store.set('window', { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  await win.loadURL(APP_URL);

  startUpdateChecks({ isPackaged: app.isPackaged, env: process.env }, log);
  app.on('window-all-closed', () => app.quit());
  // Quit waits for the engine to finish its writes, then frees the data folder for others.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void engine.stop().finally(() => { stopped = true; lock.release(); app.quit(); });
  });
  // A logout or `kill` is a quit like any other.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit());
}

function createMainWindow(bounds: WindowBounds): BrowserWindow {
  const win = new BrowserWindow({
    ...bounds,
    show: false,
    title: 'Agente BSC',
    backgroundColor: '#0f172a',
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  });
  if (bounds.maximized) win.maximize();
  installNavigationGuards(win.webContents, APP_URL, (url) => void shell.openExternal(url));
  // The installed app has no DevTools (no menu item; this closes them if a shortcut slips through).
  if (app.isPackaged) win.webContents.on('devtools-opened', () => win.webContents.closeDevTools());
  win.once('ready-to-show', () => win.show());
  return win;
}
