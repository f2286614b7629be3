import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { type RunningServer, repoRoot, runningLaunchUrls } from '../run-server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = path.join(repoRoot, 'test/artifacts');

/**
 * Debian's Chromium, headless, fresh profile, no background traffic (this machine has no network).
 * Start the server first: the browser opens each running server's launch link to get its cookie.
 */
export async function launchChromium(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page; close(): Promise<void>; consoleErrors: string[] }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--lang=${locale}`],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  fs.mkdirSync(artifactsDir, { recursive: true });
  // Log in as a user does: open the printed link once; the server swaps its token for a cookie.
  for (const launchUrl of runningLaunchUrls()) {
    await page.goto(launchUrl);
    if (new URL(page.url()).searchParams.has('token')) throw new Error(`the server did not exchange the launch token at ${page.url()}`);
  }
  return {
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The e2e teardown: prints what the server logged as errors or 5xx (next to the test's failure),
 * closes the browser, stops the server and removes its data folder. Either may be missing when
 * beforeAll failed part way.
 */
export async function closeBrowserAndServer(browser: { close(): Promise<void> } | undefined, server: RunningServer | undefined): Promise<void> {
  // Errors reach the terminal; 5xx answers only the log file (the terminal shows no HTTP requests).
  const logFile = server ? path.join(server.dataDir, 'logs', 'bsc.log') : '';
  const logged = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const trouble = [...(server?.output() ?? '').split('\n').filter((l) => /\[error\]/.test(l)), ...logged.split('\n').filter((l) => /"status":5\d\d/.test(l))];
  if (trouble.length > 0) console.log(`server reported:\n${trouble.join('\n')}`);
  await browser?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
}
