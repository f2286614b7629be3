import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStandin, startAnthropicStandin } from '../standins/anthropic-standin';
import { type OpenAIStandin, startOpenAIStandin } from '../standins/openai-standin';
import { type RunningServer, callApi, startServer } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

const ANTHROPIC_KEY = `sk-ant-api03-e2e${randomBytes(12).toString('hex')}-Zq7w`;
const COMPATIBLE_KEY = `local-${randomBytes(12).toString('hex')}`;

async function waitForChunks(url: string): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const jobs = (await callApi(url, 'library.jobs')).json.value.jobs as { state: string }[];
    if (jobs.length > 0 && jobs.every((j) => ['done', 'failed', 'cancelled'].includes(j.state))) {
      return (await callApi(url, 'status')).json.value.library.chunks as number;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the sample library did not finish importing');
}

describe('Settings → Providers in Chromium', () => {
  let server: RunningServer;
  let anthropic: AnthropicStandin;
  let openai: OpenAIStandin;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    anthropic = await startAnthropicStandin({ apiKey: ANTHROPIC_KEY });
    openai = await startOpenAIStandin({ apiKey: COMPATIBLE_KEY });
    server = await startServer();
    browser = await launchChromium('en-US');
  });
  afterAll(async () => {
    await closeBrowserAndServer(browser, server);
    await anthropic?.close();
    await openai?.close();
  });

  it('saves an Anthropic key, shows it masked (also after a reload), never in full, and tests the connection', async () => {
    const { page } = browser;
    page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
    await page.goto(`${server.url}/#/settings`);
    const chat = page.getByTestId('chat-section');
    await chat.waitFor();

    // Point the chat provider at the Anthropic stand-in.
    await page.getByTestId('chat-provider').selectOption('anthropic');
    await page.getByTestId('chat-base-url').fill(anthropic.url);
    await page.getByTestId('chat-model-judge').fill('claude-haiku-4-5');
    await page.getByTestId('save-chat').click();
    await chat.getByText('Saved').waitFor();
    expect((await callApi(server.url, 'settings.get')).json.value.chat).toMatchObject({ provider: 'anthropic', baseUrl: anthropic.url, models: { judge: 'claude-haiku-4-5', router: null } });

    // Before a key: the test names the missing key.
    await page.getByTestId('test-chat').click();
    await expect.poll(() => page.getByTestId('test-result-chat').textContent()).toMatch(/Failed.*key/i);

    const row = page.getByTestId('key-anthropicApiKey');
    await row.getByTestId('key-input').fill(ANTHROPIC_KEY);
    await row.getByTestId('key-save').click();
    await row.getByTestId('key-masked').waitFor();
    const masked = `sk-…${ANTHROPIC_KEY.slice(-4)}`;
    expect(await row.getByTestId('key-masked').textContent()).toBe(masked);
    expect(await row.getByTestId('key-input').inputValue()).toBe('');
    expect(await page.content()).not.toContain(ANTHROPIC_KEY);

    await page.reload();
    await page.getByTestId('key-anthropicApiKey').getByTestId('key-masked').waitFor();
    expect(await page.getByTestId('key-anthropicApiKey').getByTestId('key-masked').textContent()).toBe(masked);
    expect(await page.content()).not.toContain(ANTHROPIC_KEY);
    expect(await page.getByTestId('keys-storage').textContent()).toContain('secrets.json');

    await page.getByTestId('test-chat').click();
    await expect.poll(() => page.getByTestId('test-result-chat').textContent(), { timeout: 15_000 }).toMatch(/^OKAnthropic answered with claude-\S+ in \d+ ms\.$/);
    // The stand-in really was asked, with the key the user typed.
    expect(anthropic.requests.length).toBeGreaterThan(0);

    // The panels below render too: the embedding cache and the vector store status.
    await page.getByTestId('embedding-cache').getByTestId('cache-entries').waitFor();
    await page.getByTestId('store-status-mode').waitFor();
    await page.getByTestId('test-vectorStore').click();
    await expect.poll(() => page.getByTestId('test-result-vectorStore').textContent()).toMatch(/OK.*embedded store answered/);

    await page.getByTestId('providers-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifactsDir, 'settings-providers.png'), fullPage: true });
    expect(await page.content()).not.toContain(ANTHROPIC_KEY);
  });

  it('removes the key', async () => {
    const { page } = browser;
    const row = page.getByTestId('key-anthropicApiKey');
    await row.getByRole('button', { name: 'Remove the Anthropic key' }).click();
    await row.getByText('Not set').waitFor();
    expect((await callApi(server.url, 'secrets.status')).json.value.secrets.anthropicApiKey).toEqual({ set: false, masked: null, fromEnv: false });
  });

  it('says how many chunks a new embedding model re-embeds before saving, then the exact number, then rebuilds', async () => {
    const { page } = browser;
    const sample = await callApi(server.url, 'library.loadSample');
    expect(sample.json.ok).toBe(true);
    const chunks = await waitForChunks(server.url);

    const row = page.getByTestId('key-compatibleApiKey');
    await row.getByTestId('key-input').fill(COMPATIBLE_KEY);
    await row.getByTestId('key-save').click();
    await row.getByTestId('key-masked').waitFor();

    const section = page.getByTestId('embeddings-section');
    await page.getByTestId('embeddings-provider').selectOption('openai-compatible');
    await page.getByTestId('embeddings-model').fill('standin-embed');
    await page.getByTestId('embeddings-dimensions').fill('64');
    await page.getByTestId('embeddings-base-url').fill(openai.url);
    await page.getByTestId('save-embeddings').click();
    const confirm = page.getByTestId('reembed-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`Your library has ${chunks} chunks`);
    // Nothing saved or embedded yet.
    expect((await callApi(server.url, 'settings.get')).json.value.embeddings.provider).toBe('none');
    expect(openai.stats.embeddingCalls).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, 'settings-embeddings-confirm.png'), fullPage: true });

    await page.getByTestId('reembed-proceed').click();
    await expect.poll(() => section.getByTestId('cache-missing').textContent(), { timeout: 15_000 }).toContain(`${chunks} chunks`);
    await page.getByTestId('test-embeddings').click();
    await expect.poll(() => page.getByTestId('test-result-embeddings').textContent()).toMatch(/^OKThe server at .* returned a 64-dimension vector/);

    await page.getByTestId('store-rebuild').click();
    await expect.poll(async () => {
      const err = await page.getByTestId('store-action-error').textContent().catch(() => null);
      if (err) return `error: ${err}`;
      return page.getByTestId('store-operation').first().getAttribute('data-state');
    }, { timeout: 30_000 }).toBe('done');
    await section.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => section.getByTestId('cache-missing').textContent(), { timeout: 10_000 }).toContain('none');
    expect(openai.stats.embeddedTexts).toBeGreaterThanOrEqual(chunks);
  });

  it('loads under the strict CSP with no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
