import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer } from '../run-server';
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

  it('shows the configured providers and runs the integrity check on demand', async () => {
    const { page } = browser;
    expect(await page.getByTestId('status-integrity').getAttribute('data-integrity')).toBe('never');
    await page.getByTestId('status-integrity').getByRole('button', { name: 'Check now' }).click();
    await page.locator('[data-testid="status-integrity"][data-integrity="ok"]').waitFor();
    expect(await page.getByTestId('status-integrity').textContent()).toMatch(/ms: ok/);
    expect(await page.getByTestId('status-store').getAttribute('data-mode')).toBe('embedded');
    expect(await page.getByTestId('status-provider-chat').getAttribute('data-provider')).toBe('none');
    // Configured elsewhere (Settings, the API): Status reads it back as it is.
    expect((await callApi(server.url, 'settings.set', { rerank: { provider: 'cohere' }, chat: { provider: 'anthropic' } })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="status-provider-rerank"][data-provider="cohere"]').waitFor();
    expect(await page.getByTestId('status-provider-chat').textContent()).toMatch(/anthropic.*api\.anthropic\.com.*not called/);
    expect((await callApi(server.url, 'settings.set', { rerank: { provider: 'none' }, chat: { provider: 'none' } })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="status-provider-rerank"][data-provider="none"]').waitFor();
  });

  it('does not say "Everything is working" while a configured provider\'s last call failed', async () => {
    const { page } = browser;
    // A local OpenAI-compatible server that is not running: the test call fails.
    expect((await callApi(server.url, 'settings.set', { chat: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } })).status).toBe(200);
    const tried = await callApi(server.url, 'providers.test', { target: 'chat' });
    expect(tried.json.value.ok).toBe(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="health-summary"][data-summary="warn"]').waitFor();
    expect(await page.getByTestId('health-summary').textContent()).toMatch(/provider's last call failed/);
    expect(await page.getByTestId('status-provider-chat').getAttribute('data-last-call')).toBe('failed');
    expect((await callApi(server.url, 'settings.set', { chat: { provider: 'none', baseUrl: null } })).status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="health-summary"][data-summary="ok"]').waitFor();
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
  // Last: a killed engine makes the page's in-flight requests fail, which the browser logs.
  it('hears of an engine crash over the event stream and shows the restarted engine', async () => {
    const { page } = browser;
    const engine = await page.getByTestId('status-engine').textContent();
    const pid = Number(/(\d+)/.exec(engine ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    // Record every engine state the page receives, so a short-lived "crashed" is not missed.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new EventSource('/events').addEventListener('onEngineState', (e) => seen.push(JSON.parse((e as MessageEvent<string>).data).state));
    });
    await page.waitForTimeout(300);
    process.kill(pid, 'SIGKILL');
    // The Status view refreshes on the engine's state events: the new process, one restart.
    await page.getByTestId('status-engine').filter({ hasText: /1 reinício\b|1 restart\b/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('status-engine').textContent()).not.toContain(String(pid));
    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(seen).toEqual(expect.arrayContaining(['crashed', 'ready']));
    await page.getByText('Tudo funcionando').waitFor();
  });

});
