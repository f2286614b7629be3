// The desktop app in a real Electron, as a user meets it: a fresh data folder, a PDF dropped on the
// Library through the real preload (webUtils gives its path; nothing is uploaded), the import
// watched, a question answered with a citation opened, a backup saved to a file chosen in the
// native Save dialog and restored from the native Open dialog (both dialogs stubbed in main with
// electronApp.evaluate: no test hook exists in the app itself).
// Runs where an Electron binary exists ($ELECTRON_PATH or the electron package's download); here
// it prints one line saying why it skipped. See README "Desktop app".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ElectronApplication, type Page, _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const electron = findElectronBinary();
if (!electron.path) console.log(`Electron e2e skipped: ${electron.why}.`);
const samplePdf = path.join(repoRoot, 'resources/sample-library/guia-bsc-mapa-estrategico.pdf');
const artifacts = path.join(repoRoot, 'test/artifacts');

/** Builds and stages the app with better-sqlite3 rebuilt for this Electron (scripts/stage-app.mjs --electron). */
function preparedApp(): string {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const staged = spawnSync(process.execPath, ['scripts/stage-app.mjs', '--electron'], { cwd: repoRoot, encoding: 'utf8' });
  if (staged.status !== 0) throw new Error(`staging for Electron failed:\n${staged.stdout}${staged.stderr}`);
  return staged.stdout.trim().split('\n').pop()!;
}

async function launch(appDir: string, dataDir: string): Promise<ElectronApplication> {
  return _electron.launch({
    executablePath: electron.path!,
    args: [appDir],
    env: { ...process.env, BSC_DATA_DIR: dataDir, BSC_E2E: '1', BSC_NO_UPDATES: '1' },
    timeout: 60_000,
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's window.bsc is typed in the renderer, not here
const inPage = <T>(page: Page, fn: (w: any) => Promise<T>) => page.evaluate(fn as () => Promise<T>);

describe.skipIf(!electron.path)('the desktop app in Electron', () => {
  let work: string;
  let appDir: string;
  let dataDir: string;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    appDir = preparedApp();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-electron-'));
    dataDir = path.join(work, 'data');
    app = await launch(appDir, dataDir);
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    fs.mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await app?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('loads its own page from app://bsc/ with window.bsc and window.bscFiles, and no Node in the page', async () => {
    expect(page.url()).toMatch(/^app:\/\/bsc\/index\.html/);
    const shape = await page.evaluate(() => ({
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      bsc: typeof (window as any).bsc?.library?.import, files: typeof (window as any).bscFiles?.pathForFile,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      node: typeof (window as any).require, process: typeof (window as any).process,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    }));
    expect(shape).toMatchObject({ bsc: 'function', files: 'function', node: 'undefined', process: 'undefined' });
    expect(shape.csp).toContain("script-src 'self'");
    expect(await app.evaluate(({ app: a }) => a.getPath('userData') !== '')).toBe(true);
  });

  it('drops a PDF on the Library: the preload hands its path to the engine, which indexes it', async () => {
    await page.evaluate(() => { location.hash = '#/library'; });
    await page.getByTestId('library-view').waitFor();
    // A File backed by a file on disk (as a real drag from the file manager gives), then a real drop event.
    await page.evaluate(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', id: 'e2e-disk-file', hidden: true });
      document.body.append(input);
    });
    await page.setInputFiles('#e2e-disk-file', samplePdf);
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add((document.getElementById('e2e-disk-file') as HTMLInputElement).files![0]!);
      return dt;
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(await page.evaluate(() => (window as any).bscFiles.pathForFile((document.getElementById('e2e-disk-file') as HTMLInputElement).files![0]))).toBe(samplePdf);
    const view = '[data-testid="library-view"]';
    await page.dispatchEvent(view, 'dragenter', { dataTransfer });
    await page.dispatchEvent(view, 'dragover', { dataTransfer });
    await page.dispatchEvent(view, 'drop', { dataTransfer });
    const job = page.locator(`[data-testid="import-job"][data-filename="${path.basename(samplePdf)}"]`);
    await job.and(page.locator('[data-state="done"]')).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: path.join(artifacts, 'electron-library.png') });
    // Read from its path: nothing went through the browser-mode upload folder.
    const incoming = path.join(dataDir, 'incoming');
    expect(fs.existsSync(incoming) ? fs.readdirSync(incoming) : []).toEqual([]);
  });

  it('answers a question and opens a citation in the source panel', async () => {
    await page.evaluate(() => { location.hash = '#/chat'; });
    const input = page.getByTestId('question-input');
    await input.fill('Como construir um mapa estratégico?');
    await input.press('Enter');
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 120_000 });
    await answer.getByTestId('citation').first().click();
    await page.getByTestId('source-panel').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'electron-citation.png') });
  });

  it('saves a backup to the file chosen in the Save dialog and restores it from the Open dialog', async () => {
    const backupFile = path.join(work, 'escolhido', 'minha-biblioteca.bscbackup');
    fs.mkdirSync(path.dirname(backupFile), { recursive: true });
    await app.evaluate(({ dialog }, file) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: file.replace(/\.bscbackup$/, '') })) as typeof dialog.showSaveDialog;
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog;
    }, backupFile);
    await page.evaluate(() => { location.hash = '#/backup'; });
    await page.getByTestId('backup-save-as').click();
    await expect.poll(() => fs.existsSync(backupFile) && fs.statSync(backupFile).size, { timeout: 120_000 }).toBeGreaterThan(1000);
    await page.getByTestId('backup-save-as').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    const ops = await inPage(page, async (w) => (await w.bsc.operations.list()).value.operations as Array<{ kind: string; state: string; result: { path?: string } | null }>);
    expect(ops.find((o) => o.kind === 'backup')).toMatchObject({ state: 'done' });

    const before = await inPage(page, async (w) => (await w.bsc.library.list()).value.documents as Array<{ id: string }>);
    expect(before).toHaveLength(1);
    await inPage(page, async (w) => w.bsc.library.delete({ documentId: (await w.bsc.library.list()).value.documents[0].id }));
    await page.getByTestId('restore-pick').click();
    await page.getByTestId('restore-confirm-yes').click();
    await expect.poll(async () => {
      const list = await inPage(page, async (w) => (await w.bsc.library.list().catch(() => null))?.value?.documents as Array<{ id: string }> | undefined);
      return list?.map((d) => d.id).join(',') ?? '';
    }, { timeout: 120_000 }).toBe(before.map((d) => d.id).join(','));
    await page.screenshot({ path: path.join(artifacts, 'electron-restored.png') });
  });

  it('denies permission requests and keeps one instance (a second launch exits and leaves one window)', async () => {
    const mic = await page.evaluate(() => navigator.mediaDevices.getUserMedia({ audio: true }).then(() => 'granted', (e: Error) => e.name));
    expect(mic).toBe('NotAllowedError');
    const second = spawnSync(electron.path!, [appDir], { env: { ...process.env, BSC_DATA_DIR: dataDir, BSC_NO_UPDATES: '1' }, timeout: 30_000 });
    expect(second.status).toBe(0);
    expect(app.windows()).toHaveLength(1);
  });
});
