import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './e2e/browser';
import { type RunningServer, repoRoot, startServer } from './run-server';

const rendererBuilt = fs.existsSync(path.join(repoRoot, 'dist/renderer/index.html'));
const canRun = rendererBuilt && fs.existsSync(CHROMIUM);
if (!canRun) console.log(`skipping the login page in Chromium: ${rendererBuilt ? `no Chromium at ${CHROMIUM}` : 'the renderer is not built (node scripts/build.mjs)'}`);

describe.skipIf(!canRun)('the login page in Chromium (server with a password)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startServer({ env: { BSC_ADMIN_PASSWORD: 'chromium-login-pass' } });
    browser = await launchChromium('en-US');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('asks for the password, refuses a wrong one, opens the app with the right one, and logs out', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/status`);
    await page.getByTestId('login-password').waitFor();
    expect(await page.getByTestId('nav-status').count()).toBe(0);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    expect(await page.getByTestId('login-error').textContent()).toBe('Wrong password.');
    await page.getByTestId('login-password').fill('chromium-login-pass');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('health-summary').waitFor();
    expect(await page.getByTestId('health-summary').textContent()).toBe('Everything is working');
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const cookies = await browser.context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'bsc_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.screenshot({ path: path.join(os.tmpdir(), 'bsc-login-status.png'), fullPage: true });
    await page.getByTestId('logout').click();
    await page.getByTestId('login-password').waitFor();
    expect(browser.consoleErrors.filter((e) => !/401|Unauthorized/i.test(e))).toEqual([]);
  });
});

describe.skipIf(!canRun)('the launch token in Chromium (loopback, no password)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    // The browser first: it must not have opened the printed link (launchChromium opens running servers' links).
    browser = await launchChromium('en-US');
    server = await startServer();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('asks a browser without the link for the token, then opens the app; the link itself lands on the clean URL', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/status`);
    await page.getByTestId('login-intro').filter({ hasText: 'token=' }).waitFor();
    await page.getByTestId('login-password').fill('not-the-token');
    await page.getByTestId('login-submit').click();
    expect(await page.getByTestId('login-error').textContent()).toBe('Wrong password.');
    await page.getByTestId('login-password').fill(server.token!);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('health-summary').waitFor();
    const cookies = await browser.context.cookies(server.url);
    expect(cookies.find((c) => c.name.startsWith('bsc_launch_'))).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await browser.context.clearCookies();
    await page.goto(server.launchUrl);
    expect(page.url()).toBe(`${server.url}/`);
    await page.getByTestId('nav-status').click();
    await page.getByTestId('health-summary').waitFor();
  });
});
