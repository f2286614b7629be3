// The application menu. Built from a pure template function so a test can check that the
// installed app's menu has no way into DevTools (the default Electron menu has one).
export interface MenuActions {
  importFiles(): void;
  importFolder(): void;
}

export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

export function menuTemplate(opts: { isPackaged: boolean; platform: NodeJS.Platform; actions: MenuActions }): MenuItemTemplate[] {
  const { isPackaged, platform, actions } = opts;
  const mac = platform === 'darwin';
  const view: MenuItemTemplate[] = [
    { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
  ];
  // Development only: reload and DevTools. The fuses and this menu keep them out of the installed app.
  if (!isPackaged) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(mac ? [{ label: 'Agente BSC', submenu: [{ role: 'about' }, { type: 'separator' as const }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' as const }, { role: 'quit' }] }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import files…', accelerator: 'CmdOrCtrl+O', click: actions.importFiles },
        { label: 'Import folder…', accelerator: 'CmdOrCtrl+Shift+O', click: actions.importFolder },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: view },
    { label: 'Window', submenu: [{ role: 'minimize' }, ...(mac ? [{ role: 'zoom' }, { role: 'front' }] : [{ role: 'close' }])] },
  ];
}

/** Every role anywhere in a template, for checks. */
export function menuRoles(items: MenuItemTemplate[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...menuRoles(i.submenu ?? [])]);
}
