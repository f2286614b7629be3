// A PDF dropped in the desktop app reaches the engine as a path: the renderer's import helper,
// the real preload, a fake webUtils standing in for Electron's, and no /upload on the way.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BscFiles } from './desktop-contract';
import { desktopChannelFor } from './desktop-contract';

const exposed: Record<string, unknown> = {};
const onDisk = new WeakMap<object, string>();
const invoke = vi.fn(async (channel: string, input: unknown) => (
  channel === desktopChannelFor('pickImport') ? { ok: true, value: { paths: ['/home/ana/clientes'] } } : { ok: true, value: { channel, input } }
));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed[key] = api; } },
  ipcRenderer: { invoke, on: () => {}, removeListener: () => {} },
  webUtils: { getPathForFile: (file: object) => onDisk.get(file) ?? '' },
}));

async function desktopWindow(): Promise<BscFiles> {
  await import('./index');
  const files = exposed.bscFiles as BscFiles;
  vi.stubGlobal('window', { bscFiles: files });
  return files;
}

describe('files from the OS in the desktop app', () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it('turns a dropped PDF into { path } through webUtils, never uploading it', async () => {
    await desktopWindow();
    const upload = vi.fn(async () => new Response('{}'));
    vi.stubGlobal('fetch', upload);
    const { importSourceFor } = await import('../renderer/src/lib/files');
    const dropped = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46])], 'plano-estrategico.pdf', { type: 'application/pdf' });
    onDisk.set(dropped, '/home/ana/clientes/plano-estrategico.pdf');
    expect(await importSourceFor(dropped)).toEqual({ path: '/home/ana/clientes/plano-estrategico.pdf' });
    // A File made in the page (not on disk) is refused rather than uploaded.
    await expect(importSourceFor(new File(['x'], 'colado.txt'))).rejects.toThrow(/not a file on disk/);
    expect(upload).not.toHaveBeenCalled();
  });

  it('asks main for the native Import folder dialog and returns its paths as import sources', async () => {
    await desktopWindow();
    const { pickImportSources } = await import('../renderer/src/lib/files');
    expect(await pickImportSources(true)).toEqual([{ path: '/home/ana/clientes' }]);
    expect(invoke).toHaveBeenLastCalledWith(desktopChannelFor('pickImport'), { folders: true });
  });

  it('uploads in the browser mode, where there is no window.bscFiles', async () => {
    vi.stubGlobal('window', {});
    const upload = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: { uploadId: 'abcdef123456' } })));
    vi.stubGlobal('fetch', upload);
    const { importSourceFor, pickImportSources } = await import('../renderer/src/lib/files');
    expect(await importSourceFor(new File(['x'], 'a.txt'))).toEqual({ uploadId: 'abcdef123456', filename: 'a.txt' });
    expect(upload).toHaveBeenCalledTimes(1);
    expect(await pickImportSources(false)).toEqual([]);
  });
});
