import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer, waitFor } from '../run-server';
import { type OpenAIStandin, startOpenAIStandin } from '../standins/openai-standin';
import { type QdrantStandin, startQdrantStandin } from '../standins/qdrant-standin';
import { specAvailable } from '../standins/spec-validator';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

const QUESTIONS = [
  'Quais indicadores usar na perspectiva financeira?',
  'Como medir a retenção de clientes?',
  'O que é um mapa estratégico?',
  'Como calcular o OEE?',
  'What are the four perspectives of the balanced scorecard?',
];

if (!specAvailable('qdrant')) console.log('skipped store move e2e: ../shared/specs/qdrant-openapi.json is absent');

describe.skipIf(!specAvailable('qdrant'))('moving the library to Qdrant from Settings, in Chromium', () => {
  let server: RunningServer;
  let openai: OpenAIStandin;
  let qdrant: QdrantStandin;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  const topFive = async () => {
    const out: string[][] = [];
    for (const query of QUESTIONS) {
      const r = await callApi(server.url, 'library.search', { query, k: 5, mode: 'hybrid' });
      expect(r.status).toBe(200);
      out.push((r.json.value.hits as Array<{ chunkId: number }>).map((h) => String(h.chunkId)));
    }
    return out;
  };

  beforeAll(async () => {
    openai = await startOpenAIStandin();
    qdrant = await startQdrantStandin();
    server = await startServer();
    expect((await callApi(server.url, 'settings.set', { embeddings: { provider: 'openai-compatible', baseUrl: openai.url, model: 'standin-embed', dimensions: 64 } })).status).toBe(200);
    const load = await callApi(server.url, 'library.loadSample');
    const ids = (load.json.value.jobs as Array<{ id: string }>).map((j) => j.id);
    await waitFor(async () => {
      const jobs = (await callApi(server.url, 'library.jobs')).json.value.jobs as Array<{ id: string; state: string }>;
      return ids.every((id) => jobs.some((j) => j.id === id && j.state === 'done')) ? true : undefined;
    }, 120_000, 'sample library indexed');
    browser = await launchChromium('en-US');
  });
  afterAll(async () => {
    await closeBrowserAndServer(browser, server);
    await qdrant?.close();
    await openai?.close();
  });

  it('switches the store in Settings, shows the move, and finds essentially the same passages', async () => {
    const before = await topFive();
    const calls = openai.stats.embeddingCalls;
    const { page } = browser;
    await page.goto(`${server.url}/#/settings`);
    const panel = page.getByTestId('store-panel');
    await panel.waitFor();
    await page.getByTestId('store-mode').selectOption('external');
    await page.getByTestId('store-qdrant-url').fill(qdrant.url);
    await page.getByTestId('store-move').click();
    const op = page.locator('[data-testid="store-operation"][data-kind="move-store"]').first();
    await op.waitFor();
    await page.locator('[data-testid="store-operation"][data-kind="move-store"][data-state="done"]').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('store-status-mode').filter({ hasText: /external/i }).waitFor();
    await panel.screenshot({ path: path.join(artifactsDir, 'store-moved.png') });

    expect(openai.stats.embeddingCalls).toBe(calls); // the move called no provider: every vector came from the cache
    const after = await topFive();
    const hits = (await callApi(server.url, 'library.search', { query: QUESTIONS[0], k: 3 })).json.value.hits as Array<{ store: string }>;
    expect(hits[0]?.store).toBe('qdrant');
    const overlaps = before.map((b, i) => b.filter((id) => after[i]!.includes(id)).length / 5);
    const mean = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
    console.log(`top-5 overlap embedded vs Qdrant (Chromium move) over ${QUESTIONS.length} questions: ${overlaps.join(' ')} (mean ${mean.toFixed(2)})`);
    expect(mean).toBeGreaterThanOrEqual(0.6);
    expect(qdrant.violations).toEqual([]);
    expect(qdrant.responseViolations).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
  });
});
