import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

describe('Library → Keep a folder in sync, in Chromium (browser mode)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const roots = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-watch-roots-')));
  const folder = path.join(roots, 'Cliente Norte');
  beforeAll(async () => {
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'metas.md'), '# Metas 2025\n\nReduzir o prazo médio de entrega para cinco dias úteis.');
    server = await startServer({ env: { BSC_IMPORT_ROOTS: roots } });
    browser = await launchChromium('en-US');
  });
  afterAll(async () => {
    await closeBrowserAndServer(browser, server);
    fs.rmSync(roots, { recursive: true, force: true });
  });

  it('adds a folder by path, shows its status, follows a new file, refuses a folder outside the roots, and removes it', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/library`);
    await page.getByTestId('watch-add').click();

    // Outside BSC_IMPORT_ROOTS: refused with the server's message, nothing added.
    await page.getByTestId('watch-path').fill(os.tmpdir());
    await page.getByTestId('watch-submit').click();
    await page.getByTestId('watch-message').waitFor();
    expect(await page.getByTestId('watch-message').textContent()).toMatch(/outside|not allowed|BSC_IMPORT_ROOTS/i);

    await page.getByTestId('watch-path').fill(folder);
    await page.getByTestId('watch-ondelete-remove').check();
    await page.getByTestId('watch-submit').click();
    const row = page.locator(`[data-testid="watched-folder"][data-path="${folder}"]`);
    await row.and(page.locator('[data-state="watching"]')).waitFor({ timeout: 30_000 });
    await row.getByText('1 in the library').waitFor({ timeout: 30_000 });
    await page.getByText('Cliente Norte/metas.md').first().waitFor({ timeout: 30_000 });

    // A file saved into the folder appears in the library by itself.
    fs.writeFileSync(path.join(folder, 'riscos.txt'), 'Matriz de riscos: atraso de fornecedores e variação cambial.');
    await row.getByText('2 in the library').waitFor({ timeout: 30_000 });
    await page.getByText('Cliente Norte/riscos.txt').first().waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('watch-ondelete').inputValue()).toBe('remove');
    // Changed back to the safe default from the row itself.
    await row.getByTestId('watch-ondelete').selectOption('keep');
    await expect.poll(async () => JSON.stringify((await callApi(server.url, 'watch.list')).json)).toContain('"onDelete":"keep"');
    await page.screenshot({ path: path.join(artifactsDir, 'library-watched-folder.png') });

    const search = await callApi(server.url, 'library.search', { query: 'variação cambial' });
    expect(JSON.stringify(search.json)).toContain('Cliente Norte/riscos.txt');

    await row.getByRole('button', { name: `Stop syncing ${folder}` }).click();
    await row.waitFor({ state: 'detached' });
    const listed = await callApi(server.url, 'watch.list');
    expect(listed.json).toMatchObject({ ok: true, value: { folders: [] } });
  }, 120_000);
});
