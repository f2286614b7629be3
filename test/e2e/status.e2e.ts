import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

describe('the app in Chromium against npm run serve', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium('en-US');
  });
  afterAll(() => closeBrowserAndServer(browser, server));

  it('shows a healthy engine on the Status screen', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/status`);
    await page.getByTestId('health-summary').waitFor();
    expect(await page.getByTestId('health-summary').textContent()).toBe('Everything is working');
    expect(await page.getByTestId('status-engine').textContent()).toMatch(/OK.*process \d+/);
    expect(await page.getByTestId('status-database').textContent()).toMatch(/OK.*schema v\d+/);
    expect(await page.textContent('body')).toContain(server.dataDir);
    await page.screenshot({ path: path.join(artifactsDir, 'status-en.png'), fullPage: true });
  });

  it('switches the UI to Portuguese in Settings and keeps it after a reload', async () => {
    const { page } = browser;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('pt-BR');
    await page.getByRole('heading', { name: 'Configurações' }).waitFor();
    await page.getByTestId('theme-select').selectOption('dark');
    await page.reload();
    await page.getByTestId('nav-status').click();
    await page.getByText('Tudo funcionando').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('pt-BR');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.screenshot({ path: path.join(artifactsDir, 'status-pt-dark.png'), fullPage: true });
  });

  it('loads under the strict CSP with no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
