// Issue 5's done-when, in Chromium, offline, no provider configured: a new user loads the sample
// library, asks in Portuguese, gets a cited, perspective-organised extractive answer, opens a
// citation at the right page, and finds the conversation again after a reload.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, repoRoot, startServer, waitFor } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

const QUESTION = 'Quais indicadores usar na perspectiva financeira?';
const sampleFiles = fs.readdirSync(path.join(repoRoot, 'resources/sample-library')).filter((f) => /\.(pdf|md|txt)$/.test(f) && f !== 'README.md');

describe('the Chat view in Chromium (offline, extractive)', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    // No provider keys from the developer's shell: this is the offline path.
    server = await startServer({ env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', COHERE_API_KEY: '' } });
    browser = await launchChromium('pt-BR');
  });
  afterAll(() => closeBrowserAndServer(browser, server));

  let conversation: { id: string; title: string } | null = null;

  it('loads the sample library, streams a cited extractive answer, opens a source, and reads it again after a reload', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/chat`);

    // Empty library: the offer to load the sample, in Portuguese.
    const load = page.getByTestId('chat-load-sample');
    await load.waitFor();
    expect(await load.textContent()).toBe('Carregar biblioteca de exemplo');
    expect(await page.getByTestId('example-question').allTextContents()).toContain(QUESTION);
    await load.click();

    // Indexed: every sample file in the library and no import still running.
    await waitFor(async () => {
      const [list, jobs] = await Promise.all([callApi(server.url, 'library.list'), callApi(server.url, 'library.jobs')]);
      if (!list.json.ok || !jobs.json.ok) return undefined;
      const busy = jobs.json.value.jobs.some((j: { state: string }) => j.state === 'queued' || j.state === 'running');
      const indexed = list.json.value.documents.filter((d: { status: string }) => d.status === 'indexed').length;
      return !busy && indexed >= sampleFiles.length ? indexed : undefined;
    }, 120_000, 'the sample library to be indexed');
    await page.getByTestId('sample-ready').waitFor({ timeout: 30_000 });

    // Record what the page is told and what it shows while the answer is written.
    await page.evaluate(() => new Promise<void>((opened) => {
      const w = window as unknown as { seenEvents: string[]; seenStates: string[] };
      w.seenEvents = [];
      w.seenStates = [];
      const es = new EventSource('/events');
      es.addEventListener('open', () => opened(), { once: true });
      es.addEventListener('onAnswer', (e) => w.seenEvents.push((JSON.parse((e as MessageEvent<string>).data) as { type: string }).type));
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="answer"]')) w.seenStates.push(`${el.getAttribute('data-status')}:${el.querySelector('[data-testid="stages"]') ? 'stages' : ''}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    }));

    const input = page.getByTestId('question-input');
    await input.fill(QUESTION);
    await input.press('Enter');
    await page.getByTestId('question').filter({ hasText: QUESTION }).waitFor();
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });

    // It streamed: stage events and several tokens arrived, and the view showed the work in progress.
    const seen = await page.evaluate(() => {
      const w = window as unknown as { seenEvents: string[]; seenStates: string[] };
      return { seenEvents: w.seenEvents, seenStates: w.seenStates };
    });
    console.log(`answer events: ${JSON.stringify(count(seen.seenEvents))}; view states: ${[...new Set(seen.seenStates)].join(', ')}`);
    expect(seen.seenEvents.filter((t) => t === 'token').length).toBeGreaterThan(1);
    expect(seen.seenEvents).toContain('stage');
    expect(seen.seenEvents.at(-1)).toBe('done');
    expect(seen.seenStates).toContain('running:stages');
    // One answer card throughout: the engine's stored placeholder never shows as a second, empty answer.
    expect(seen.seenStates.filter((x) => !/^(running|complete):/.test(x))).toEqual([]);
    expect(await page.getByTestId('answer').count()).toBe(1);

    // Extractive, cited, organised by perspective with at least the financial section.
    expect(await answer.getAttribute('data-kind')).toBe('extractive');
    expect(await answer.getByTestId('extractive-label').textContent()).toMatch(/^Resposta extrativa/);
    const chips = answer.getByTestId('citation');
    expect(await chips.count()).toBeGreaterThan(0);
    const financialTab = answer.locator('[data-testid="perspective-tab"][data-perspective="financial"]');
    expect(await financialTab.textContent()).toBe('Financeira');
    const answerText = await answer.getByTestId('answer-text').innerText();
    const sourceCount = await answer.getByTestId('source-link').count();
    expect(sourceCount).toBeGreaterThan(0);
    await page.getByTestId('thread').evaluate((el) => { el.scrollTop = 0; });
    await page.screenshot({ path: path.join(artifactsDir, 'chat-answer.png') });

    await financialTab.click();
    expect(await financialTab.getAttribute('aria-selected')).toBe('true');
    const tabChips = answer.getByTestId('answer-text').getByTestId('citation');
    const chipNumbers = (await tabChips.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-n')))));
    expect(chipNumbers.length).toBeGreaterThan(0);

    // The stored answer says which passage [n] is; the panel must show that page and mark that passage.
    const hash = await page.evaluate(() => window.location.hash);
    const conversationId = decodeURIComponent(hash.replace(/^#\/chat\//, ''));
    expect(conversationId).not.toBe(hash);
    const stored = await callApi(server.url, 'chat.conversation', { conversationId });
    expect(stored.json.ok, JSON.stringify(stored.json)).toBe(true);
    const storedAnswer = stored.json.value.messages.find((m: { role: string }) => m.role === 'assistant').answer;
    expect(storedAnswer.kind).toBe('extractive');
    expect(storedAnswer.sections.map((s: { perspective: string }) => s.perspective)).toContain('financial');
    type Source = { n: number; chunkId: number; filename: string; title: string | null; pageStart: number; pageLabel: string; pageLabels?: string[]; quote: string; excerpt?: string };
    const sourceOf = (k: number) => storedAnswer.sources.find((s: Source) => s.n === k) as Source;
    // A Markdown section: it must read as formatted text with the excerpt marked (PDF pages: citations.e2e.ts).
    const n = chipNumbers.find((k) => sourceOf(k)?.filename.endsWith('.md')) ?? (chipNumbers[0] as number);
    const cited = sourceOf(n);
    console.log(`opening [${n}]: ${cited.filename}, page ${cited.pageStart} (labels ${JSON.stringify(cited.pageLabels ?? [cited.pageLabel])})`);
    const firstChip = tabChips.and(page.locator(`[data-n="${n}"]`)).first();
    const truth = await callApi(server.url, 'chat.source', { chunkId: cited.chunkId });
    expect(truth.json.ok, JSON.stringify(truth.json)).toBe(true);

    await firstChip.click();
    const panel = page.getByTestId('source-panel');
    const formatted = panel.getByTestId('formatted-page');
    const passage = formatted.getByTestId('excerpt-mark');
    await passage.first().waitFor();
    const title = cited.title?.trim() || cited.filename;
    expect(await panel.getByTestId('source-title').textContent()).toBe(truth.json.value.document.title?.trim() || truth.json.value.document.filename);
    expect(title.length).toBeGreaterThan(0);
    const label = await panel.getByTestId('source-page').textContent();
    const pageLabel = cited.pageLabels?.[0] ?? cited.pageLabel;
    expect(label === `p. ${pageLabel}` || label === pageLabel, `panel shows "${label}" for page label "${pageLabel}"`).toBe(true);
    // Formatted, never raw Markdown: headings and emphasis are elements, no ## or ** or table rules as text.
    const shownText = (await formatted.textContent()) ?? '';
    expect(shownText).not.toMatch(/(^|\s)#{1,6}\s|\*\*|\|\s*---|--- --- ---/);
    expect(await formatted.locator('h1, h2, h3, p').count()).toBeGreaterThan(0);
    // What is marked is the excerpt the answer quotes.
    const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    const marked = (await passage.allTextContents()).join('');
    expect(fold(marked).length).toBeGreaterThan(20);
    expect(fold(cited.excerpt ?? cited.quote)).toContain(fold(marked));
    if (cited.excerpt) expect(fold(marked)).toBe(fold(cited.excerpt));
    // Scrolled into view inside the panel.
    const box = await formatted.boundingBox();
    const markBox = await passage.first().boundingBox();
    expect(box && markBox && markBox.y < box.y + box.height && markBox.y + Math.min(markBox.height, 20) > box.y).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'chat-source.png') });

    // Reload: the conversation is listed, opens from the URL, and shows the same answer and sources.
    await page.reload();
    const item = page.locator(`[data-testid="conversation-item"][data-id="${conversationId}"]`);
    await item.waitFor();
    expect(await item.getByTestId('conversation-link').getAttribute('aria-current')).toBe('page');
    const again = page.locator('[data-testid="answer"][data-status="complete"]');
    await again.waitFor();
    expect(await again.getByTestId('answer-text').innerText()).toBe(answerText);
    expect(await again.getByTestId('source-link').count()).toBe(sourceCount);
    await again.locator(`[data-testid="source-link"][data-n="${n}"]`).click();
    await page.getByTestId('excerpt-mark').first().waitFor();
    expect((await page.getByTestId('excerpt-mark').allTextContents()).join('')).toBe(marked);

    conversation = { id: conversationId, title: await page.getByTestId('chat-title').textContent() ?? '' };

    // A missing favicon is the only resource allowed to fail; anything else (a CSP refusal above all) fails the test.
    const errors = browser.consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('exports, renames, finds and deletes the conversation from the list', async () => {
    const { page } = browser;
    expect(conversation, 'the first test made a conversation').not.toBeNull();
    const { id } = conversation as { id: string; title: string };
    const item = page.locator(`[data-testid="conversation-item"][data-id="${id}"]`);
    // On a laptop-width window the open source panel takes the list's place; Esc closes it.
    await page.getByTestId('source-panel').waitFor();
    expect(await item.isVisible()).toBe(false);
    await page.keyboard.press('Escape');
    await page.getByTestId('source-panel').waitFor({ state: 'detached' });
    await item.waitFor();

    // Export: a Blob download through <a download>, allowed by the app's CSP.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-markdown').click()]);
    const file = path.join(server.dataDir, 'export.md');
    await download.saveAs(file);
    const markdown = fs.readFileSync(file, 'utf8');
    expect(markdown).toContain(QUESTION);
    expect(download.suggestedFilename()).toMatch(/\.md$/);

    // Rename inline: Enter saves, the engine has the new title.
    await item.getByTestId('rename').click();
    await item.getByTestId('rename-input').fill('Indicadores financeiros');
    await item.getByTestId('rename-input').press('Enter');
    await item.getByText('Indicadores financeiros').waitFor();
    const listed = await callApi(server.url, 'chat.conversations');
    expect(listed.json.value.conversations.find((c: { id: string }) => c.id === id).title).toBe('Indicadores financeiros');

    // Search: a word of the title keeps it, a word from nowhere empties the list.
    const search = page.getByTestId('conversation-search');
    await search.fill('zzqx-nada');
    await item.waitFor({ state: 'detached' });
    await search.fill('');
    await item.waitFor();

    // New conversation, then Back: the conversation opens again from the history.
    await page.getByTestId('new-conversation').click();
    await page.getByTestId('chat-empty').waitFor();
    expect(await page.evaluate(() => window.location.hash)).toBe('#/chat');
    await page.goBack();
    await page.getByTestId('answer').first().waitFor();
    expect(await page.getByTestId('chat-title').textContent()).toBe('Indicadores financeiros');

    // Delete asks first, inline; confirming removes it and returns to a new conversation.
    await item.getByTestId('delete').click();
    await item.getByTestId('delete-confirm').click();
    await item.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.location.hash)).toBe('#/chat');
    await page.getByTestId('chat-empty').waitFor();
    const gone = await callApi(server.url, 'chat.conversation', { conversationId: id });
    expect(gone.json.ok).toBe(false);
    expect(gone.json.error.code).toBe('NOT_FOUND');
  });

  it('shows Markdown as formatted text in the library too: search snippets and the document viewer', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/library`);
    await page.getByTestId('library-search').fill('ROCE');
    const hit = page.locator('[data-testid="search-hit"]').filter({ hasText: 'Perspectiva' }).first();
    await hit.waitFor();
    const snippet = (await hit.locator('.hit-snippet').textContent()) ?? '';
    expect(snippet).toMatch(/ROCE/);
    expect(snippet).not.toMatch(/(^|\s)#{1,6}\s|\*\*|\|\s*---|--- --- ---/);
    await hit.click();
    const text = page.getByTestId('page-text');
    await text.waitFor();
    expect(await text.locator('h1, h2, h3').count()).toBeGreaterThan(0);
    expect(await text.textContent()).not.toMatch(/(^|\s)#{1,6}\s|\*\*|\|\s*---/);
    expect(await text.locator('mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifactsDir, 'library-markdown.png') });
    // The passages view is one click away, as for PDFs.
    await page.getByTestId('toggle-passages').click();
    await page.locator('.page-text .chunk-marker').first().waitFor();
  });
});

function count(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}
