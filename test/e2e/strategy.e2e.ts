import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer, waitFor } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

/** Drags from one card's top handle (cause) to another card's bottom handle (effect), as a user draws an arrow. */
async function drawArrow(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.locator('.react-flow__handle-top').boundingBox();
  const b = await to.locator('.react-flow__handle-bottom').boundingBox();
  if (!a || !b) throw new Error('handles not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function download(page: Page, choice: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-select').selectOption(choice)]);
  const out = path.join(artifactsDir, `strategy-export-${file.suggestedFilename()}`);
  await file.saveAs(out);
  return out;
}

describe('the Strategy view in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium('pt-BR');
    const loaded = await callApi(server.url, 'library.loadSample');
    expect(loaded.json.ok, JSON.stringify(loaded.json)).toBe(true);
    await waitFor(async () => {
      const jobs = (await callApi(server.url, 'library.jobs')).json.value.jobs as Array<{ state: string }>;
      return jobs.length > 0 && jobs.every((j) => j.state === 'done') ? true : undefined;
    }, 90_000, 'sample library imported');
  }, 120_000);
  afterAll(() => closeBrowserAndServer(browser, server));

  it('builds a cited map from suggestions, draws arrows, adds a measure with a target, exports, and keeps it across reload and restore', async () => {
    const { page, consoleErrors } = browser;
    await page.goto(`${server.url}/#/strategy`);
    await page.getByTestId('engagement-name').fill('Cooperativa Aroeira');
    await page.getByTestId('create-engagement').click();
    await page.getByTestId('map-canvas').waitFor();

    // Accept the first suggestion of each perspective: each card arrives with its citation.
    const lanes = ['financial', 'customer', 'process', 'learning'] as const;
    for (const p of lanes) {
      await page.getByTestId('map-suggestions').locator('select').selectOption(p);
      await page.getByTestId('suggest-objectives').click();
      const first = page.getByTestId('suggestion').first();
      await first.waitFor({ timeout: 30_000 });
      expect(await first.locator('cite').first().textContent()).toMatch(/, (p\. \S+|§ .+)$/);
      await first.getByTestId('accept-suggestion').click();
    }
    const cards = page.getByTestId('objective-card');
    await expect.poll(() => cards.count()).toBe(4);
    const checks = page.getByTestId('map-checks');
    await expect.poll(async () => checks.locator('li[data-rule="isolated-objective"]').count()).toBe(4);

    // Arrows learning → process → customer → financial: the isolation warnings go away.
    const card = (p: string) => page.locator(`.react-flow__node:has(.perspective-${p})`);
    await drawArrow(page, card('learning'), card('process'));
    await drawArrow(page, card('process'), card('customer'));
    await drawArrow(page, card('customer'), card('financial'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);
    await expect.poll(async () => checks.locator('li[data-rule="isolated-objective"]').count()).toBe(0);

    // A measure with a target on the financial objective: its two warnings (no measure, no target) resolve.
    await card('financial').click();
    await page.getByTestId('add-measure').first().click();
    const row = page.getByTestId('measure-row').first();
    await row.getByLabel('Indicador').fill('Retorno sobre o capital empregado');
    await row.getByLabel('Fórmula').fill('lucro operacional / capital empregado');
    await row.getByLabel('Linha de base').fill('11');
    await row.getByLabel('Ano', { exact: true }).fill('2025');
    // A target that is not "year: value" is kept in the field with a message, not silently dropped.
    await row.getByLabel('Metas (ano: valor; …)').fill('quinze por cento em 2028');
    await row.getByLabel('Fórmula').click();
    await row.getByRole('alert').filter({ hasText: 'Meta não reconhecida' }).waitFor();
    expect(await row.getByLabel('Metas (ano: valor; …)').inputValue()).toBe('quinze por cento em 2028');
    await row.getByLabel('Metas (ano: valor; …)').fill('2027: 14; 2028: 15');
    await row.getByLabel('Fórmula').click();
    await expect.poll(async () => checks.locator('li[data-rule="measure-without-target"]').count()).toBe(0);
    await expect.poll(async () => checks.locator('li[data-rule="objective-without-measure"]').count()).toBe(3);
    await page.waitForTimeout(800); // the debounced save
    await page.screenshot({ path: path.join(artifactsDir, 'strategy-map.png') });

    const svg = fs.readFileSync(await download(page, 'svg'), 'utf8');
    const titles = await cards.locator('.objective-title').allTextContents();
    for (const title of titles) expect(svg).toContain(title.slice(0, 20));
    expect(svg).toMatch(/\[1\] /);
    const png = fs.readFileSync(await download(page, 'png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const pdf = fs.readFileSync(await download(page, 'pdf-a4'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download(page, 'xlsx'));
    const cells = wb.worksheets[0]!.getSheetValues().flat();
    expect(cells).toEqual(expect.arrayContaining(['Retorno sobre o capital empregado', 'lucro operacional / capital empregado', 11, '2027: 14; 2028: 15']));

    // Undo and redo a deletion (Delete key on a selected card), then lay the map out automatically.
    await card('learning').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => cards.count()).toBe(3);
    await page.keyboard.press('Control+z');
    await expect.poll(() => cards.count()).toBe(4);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => cards.count()).toBe(3);
    await page.keyboard.press('Control+z');
    await expect.poll(() => cards.count()).toBe(4);
    await page.getByTestId('auto-layout').click();
    await page.waitForTimeout(800);
    const laid = (await callApi(server.url, 'strategy.get', { engagementId: (await callApi(server.url, 'strategy.list')).json.value.engagements[0].id })).json.value.engagement as { objectives: Array<{ perspective: string; y: number | null }> };
    const laneOf = (y: number) => Math.floor(y / 170);
    for (const o of laid.objectives) expect(laneOf(o.y!)).toBe(lanes.indexOf(o.perspective as (typeof lanes)[number]));

    // An edit made just before leaving the view is saved (the debounced save is flushed, not dropped).
    await card('customer').locator('[data-testid="objective-card"]').dblclick();
    await page.locator('textarea.objective-edit').fill('Fidelizar os cooperados');
    await page.locator('textarea.objective-edit').press('Enter');
    await page.getByTestId('nav-chat').click();
    const engagementId = (await callApi(server.url, 'strategy.list')).json.value.engagements[0].id as string;
    await expect.poll(async () => ((await callApi(server.url, 'strategy.get', { engagementId })).json.value.engagement as { objectives: Array<{ title: string }> }).objectives.map((o) => o.title)).toContain('Fidelizar os cooperados');
    await page.goto(`${server.url}/#/strategy/${engagementId}`);

    // Reload: the map is still there, with its arrows and the measure.
    await page.reload();
    await expect.poll(() => page.getByTestId('objective-card').count()).toBe(4);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    // Back up, delete the engagement, restore: it comes back.
    const backup = await callApi(server.url, 'backup.create', {});
    expect(backup.json.ok, JSON.stringify(backup.json)).toBe(true);
    const done = (id: string) => waitFor(async () => {
      const op = ((await callApi(server.url, 'operations.list')).json.value.operations as Array<{ id: string; state: string; result?: { path?: string } }>).find((o) => o.id === id);
      return op && op.state !== 'running' && op.state !== 'queued' ? op : undefined;
    }, 60_000, 'operation');
    const made = await done(backup.json.value.operation.id);
    expect(made.state).toBe('done');
    const id = (await callApi(server.url, 'strategy.list')).json.value.engagements[0].id as string;
    expect((await callApi(server.url, 'strategy.delete', { engagementId: id })).json.value.deleted).toBe(true);
    const list = (await callApi(server.url, 'backup.list')).json.value.backups as Array<{ path: string }>;
    const restore = await callApi(server.url, 'backup.restore', { path: list[0]!.path });
    expect(restore.json.ok, JSON.stringify(restore.json)).toBe(true);
    expect((await done(restore.json.value.operation.id)).state).toBe('done');
    await page.goto(`${server.url}/#/strategy/${id}`);
    await page.reload();
    await expect.poll(() => page.getByTestId('objective-card').count(), { timeout: 15_000 }).toBe(4);
    await page.screenshot({ path: path.join(artifactsDir, 'strategy-after-restore.png') });
    expect(consoleErrors).toEqual([]);
  }, 240_000);

  it('turns a passage cited in a chat answer into a cited objective with "Add to map"', async () => {
    const { page, consoleErrors } = browser;
    await page.goto(`${server.url}/#/chat`);
    await page.getByTestId('question-input').fill('Quais indicadores usar na perspectiva financeira?');
    await page.getByTestId('question-input').press('Enter');
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });
    await answer.getByTestId('source-link').first().click();
    const panel = page.getByTestId('source-panel');
    await panel.waitFor();
    const excerpt = (await panel.getByTestId('source-quote').or(panel.getByTestId('excerpt-mark').first()).first().textContent())?.trim() ?? '';
    await panel.getByTestId('add-to-map').click();
    await page.waitForURL(/#\/strategy/);
    const pending = page.getByTestId('pending-citation');
    await pending.waitFor();
    expect(await pending.locator('cite').textContent()).toMatch(/, (p\. \S+|§ .+)$/);
    const before = await page.getByTestId('objective-card').count();
    await pending.getByTestId('pending-as-objective').click();
    await expect.poll(() => page.getByTestId('objective-card').count()).toBe(before + 1);
    await page.waitForTimeout(800);
    const id = (await callApi(server.url, 'strategy.list')).json.value.engagements[0].id as string;
    const saved = (await callApi(server.url, 'strategy.get', { engagementId: id })).json.value.engagement as { objectives: Array<{ citations: Array<{ excerpt: string }> }> };
    const added = saved.objectives.at(-1)!;
    expect(added.citations).toHaveLength(1);
    expect(excerpt.length).toBeGreaterThan(0);
    expect(added.citations[0]!.excerpt.replace(/\s+/g, ' ')).toContain(excerpt.replace(/\s+/g, ' ').slice(0, 40));
    await page.screenshot({ path: path.join(artifactsDir, 'strategy-add-from-chat.png') });
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
