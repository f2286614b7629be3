// Issue 12's done-when for OCR, in Chromium against the real server: an image-only PDF (a
// generated scan) is imported with OCR, its words are found by search, and a citation of it
// names the page as read by OCR ("p. 1, OCR") and opens it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scannedPdf, scanTexts } from '../../main/engine/ingest/ocr/scan-fixtures';
import { type RunningServer, callApi, startServer, waitFor } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

describe('a scanned PDF in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startServer({ env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', COHERE_API_KEY: '' } });
    browser = await launchChromium('en-US');
  });
  afterAll(() => closeBrowserAndServer(browser, server));

  it('is imported with OCR, found by search, and cited as "p. 1, OCR"', async () => {
    const { page } = browser;
    const scan = await scannedPdf([{ lines: scanTexts.pt, scan: { noise: 0.01, rotateDeg: 1 } }]);
    await page.goto(`${server.url}/`);
    await page.getByTestId('chat-view').waitFor();
    await page.getByTestId('chat-import-input').setInputFiles({ name: 'contrato-digitalizado.pdf', mimeType: 'application/pdf', buffer: Buffer.from(scan) });
    await waitFor(async () => {
      const list = await callApi(server.url, 'library.list');
      return list.json.value?.documents.some((d: { status: string }) => d.status === 'indexed') ? true : undefined;
    }, 120_000, 'the scan to be read by OCR and indexed');

    const search = await callApi(server.url, 'library.search', { query: 'retenção participação de mercado', k: 3, mode: 'bm25' });
    expect(search.json.value.hits[0]).toMatchObject({ filename: 'contrato-digitalizado.pdf', pageStart: 1, ocr: true });

    await page.getByTestId('sample-ready').waitFor({ timeout: 30_000 });
    const input = page.getByTestId('question-input');
    await input.fill('O que mede a perspectiva de clientes?');
    await input.press('Enter');
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });
    const chip = answer.getByTestId('citation').first();
    expect((await chip.getByTestId('citation-page').textContent())?.trim()).toBe('p. 1, OCR');
    await chip.click();
    await page.getByTestId('source-panel').waitFor();
    expect(await page.getByTestId('source-page').textContent()).toContain('OCR');
    // The scan itself is drawn (pdf.js), at the cited page.
    const label = page.getByTestId('pdf-viewer').getByTestId('viewer-page-label');
    await label.waitFor({ timeout: 30_000 });
    expect(await label.getAttribute('data-page-no')).toBe('1');
    // Wait until the scan's image is on the canvas (some dark pixels), then take the picture.
    const inked = async (): Promise<boolean> => page.getByTestId('pdf-viewer').locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0) return false;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 16) if ((data[i] ?? 255) < 100) dark++;
      return dark > 50;
    });
    await waitFor(async () => ((await inked()) ? true : undefined), 30_000, 'the scan to be drawn in the viewer').catch(() => console.log('the viewer did not draw the scanned image within 30 s'));
    await page.screenshot({ path: path.join(artifactsDir, 'ocr-citation.png') });
  }, 240_000);

  it('with OCR turned off in Settings, a scan ends with a message that says to turn it on', async () => {
    const { page } = browser;
    await page.getByTestId('nav-settings').click();
    const enabled = page.getByTestId('ocr-enabled');
    await enabled.waitFor();
    expect(await enabled.isChecked()).toBe(true);
    // A controlled box: it changes when the engine confirms the new settings, so click and wait.
    await enabled.click();
    await waitFor(async () => ((await callApi(server.url, 'settings.get')).json.value?.ocr.enabled === false ? true : undefined), 10_000, 'OCR to be turned off');
    expect(await page.getByTestId('ocr-lang-por').isDisabled()).toBe(true);

    await page.getByTestId('nav-library').click();
    const scan = await scannedPdf([{ lines: scanTexts.en.slice(0, 3), scan: { dpi: 150 } }]);
    await page.getByTestId('file-picker').setInputFiles({ name: 'scan-sem-ocr.pdf', mimeType: 'application/pdf', buffer: Buffer.from(scan) });
    const result = page.getByTestId('job-result').filter({ hasText: /OCR/ });
    await result.first().waitFor({ timeout: 60_000 });
    expect(await result.first().textContent()).toMatch(/OCR/);
    await page.screenshot({ path: path.join(artifactsDir, 'ocr-off-message.png') });
    await callApi(server.url, 'settings.set', { ocr: { enabled: true } });
  }, 120_000);
});
