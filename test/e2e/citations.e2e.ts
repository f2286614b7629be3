// Issue 11's done-when in Chromium, offline: a citation of a PDF opens the page itself, drawn by
// pdf.js, with the cited excerpt marked on it, and the label beside the citation is that page's
// printed label. Also: the app opens on Chat for a new user (issue 10.10), over-long questions are
// refused with a counter, and an off-topic question gets the "not covered" answer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTextPdf } from '../../scripts/pdf-writer';
import { type RunningServer, authHeaders, callApi, startServer, waitFor } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

const TARGET = 'O índice de renovação do portfólio mede a parcela da receita que vem de produtos lançados nos últimos três anos.';
const QUESTION = 'O que mede o índice de renovação do portfólio?';

/** Two roman front-matter pages (i, ii), then chapters on pages 1–4; the target sentence is on printed p. 3 (physical 5). */
function guidePdf(): Promise<Uint8Array> {
  const chapter = (heading: string, paragraphs: string[]) => ({ heading, paragraphs, startOnNewPage: true });
  return writeTextPdf({
    title: 'Guia de indicadores para consultores',
    footerWithPageNumber: true,
    pageLabels: [{ startIndex: 0, style: 'r' }, { startIndex: 2, style: 'D', start: 1 }],
    sections: [
      { heading: 'Prefácio', paragraphs: ['Este guia reúne notas de trabalho sobre indicadores do Balanced Scorecard para consultores.'] },
      chapter('Sumário', ['Capítulo 1: perspectiva financeira. Capítulo 2: clientes. Capítulo 3: aprendizado e crescimento. Capítulo 4: processos internos.']),
      chapter('Capítulo 1 - Perspectiva financeira', ['O retorno sobre o capital empregado compara o lucro operacional com o capital investido no negócio.', 'O valor econômico agregado desconta do lucro o custo de todo o capital.']),
      chapter('Capítulo 2 - Perspectiva de clientes', ['A retenção de clientes mostra quantos clientes do ano anterior continuam comprando.', 'A satisfação é medida por pesquisas periódicas com escala de cinco pontos.']),
      chapter('Capítulo 3 - Aprendizado e crescimento', ['A capacidade de inovar depende das competências da equipe e dos sistemas de informação.', TARGET, 'Uma cooperativa que lança dois produtos por ano deve acompanhar esse índice a cada trimestre.']),
      chapter('Capítulo 4 - Processos internos', ['O tempo de ciclo do pedido vai da encomenda do cliente até a entrega do produto.']),
    ],
  });
}

const SPANNING = 'O prazo médio de pagamento aos cooperados mede quantos dias passam entre a entrega do leite na usina e o crédito do valor na conta do produtor rural.';

/** Printed pages 7 and 8; the sixteen notes and one short line push SPANNING over the page break (checked in the test). */
function spanningPdf(): Promise<Uint8Array> {
  const note = (i: number) => `Parágrafo ${i} de contexto sobre a gestão da cooperativa, com notas sobre reuniões, orçamentos e relatórios mensais do conselho.`;
  return writeTextPdf({
    title: 'Notas do laticínio',
    pageLabels: [{ startIndex: 0, style: 'D', start: 7 }],
    sections: [{ heading: 'Capítulo', paragraphs: [...Array.from({ length: 16 }, (_, i) => note(i + 1)), 'Nota.', SPANNING, 'Fim do capítulo.'] }],
  });
}

async function importThroughUpload(url: string, filename: string, bytes: Uint8Array): Promise<void> {
  const res = await fetch(`${url}/upload?filename=${encodeURIComponent(filename)}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...authHeaders(url) }, body: Buffer.from(bytes) });
  const uploaded = (await res.json()) as { value: { uploadId: string } };
  expect((await callApi(url, 'library.import', { sources: [{ uploadId: uploaded.value.uploadId, filename }] })).json.ok).toBe(true);
  await waitFor(async () => {
    const list = await callApi(url, 'library.list');
    return list.json.value?.documents.some((d: { filename: string; status: string }) => d.filename === filename && d.status === 'indexed') ? true : undefined;
  }, 60_000, `${filename} to be indexed`);
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

describe('citations open the real PDF page in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let pdf: Uint8Array;
  beforeAll(async () => {
    pdf = await guidePdf();
    server = await startServer({ env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', COHERE_API_KEY: '' } });
    browser = await launchChromium('en-US');
  });
  afterAll(() => closeBrowserAndServer(browser, server));

  it('opens on Chat for a new user, offering the sample library and an import, and imports a PDF from there', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    await page.getByTestId('chat-view').waitFor();
    expect(await page.getByTestId('nav-chat').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('chat-load-sample').textContent()).toBe('Load sample library');
    expect(await page.getByTestId('chat-import-documents').textContent()).toBe('Import documents');
    await page.screenshot({ path: path.join(artifactsDir, 'first-run-chat.png') });

    await page.getByTestId('chat-import-input').setInputFiles({ name: 'guia-indicadores.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await waitFor(async () => {
      const list = await callApi(server.url, 'library.list');
      return list.json.value?.documents.some((d: { status: string }) => d.status === 'indexed') ? true : undefined;
    }, 60_000, 'the PDF to be indexed');
    await page.getByTestId('sample-ready').waitFor({ timeout: 30_000 });
  });

  it('shows the cited page with the excerpt marked, labelled as the chip beside the citation says', async () => {
    const { page } = browser;
    const input = page.getByTestId('question-input');
    await input.fill(QUESTION);
    await input.press('Enter');
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });

    const conversationId = decodeURIComponent((await page.evaluate(() => window.location.hash)).replace(/^#\/chat\//, ''));
    const stored = (await callApi(server.url, 'chat.conversation', { conversationId })).json.value.messages.find((m: { role: string }) => m.role === 'assistant').answer;
    type Source = { n: number; filename: string; pageStart: number; pageEnd: number; pageLabel: string; pageLabels?: string[]; excerpt?: string; quote: string };
    const chip = answer.getByTestId('answer-text').getByTestId('citation').first();
    const n = Number(await chip.getAttribute('data-n'));
    const source = stored.sources.find((s: Source) => s.n === n) as Source;
    console.log(`first citation [${n}]: ${source.filename}, pages ${source.pageStart}-${source.pageEnd}, labels ${JSON.stringify(source.pageLabels)}, excerpt ${JSON.stringify(source.excerpt?.slice(0, 80))}`);
    expect(source.filename).toBe('guia-indicadores.pdf');
    const chipLabel = (await chip.getByTestId('citation-page').textContent())?.trim();

    const clickedAt = Date.now();
    await chip.click();
    const viewer = page.getByTestId('pdf-viewer');
    const marks = viewer.getByTestId('pdf-text-layer').getByTestId('excerpt-mark');
    await marks.first().waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await page.screenshot({ path: path.join(artifactsDir, 'citation-pdf-failed.png') });
      throw new Error(`${err.message}\nsource panel: ${await page.getByTestId('source-panel').innerText().catch(() => '(none)')}\nconsole: ${browser.consoleErrors.join('\n')}`);
    });

    console.log(`citation click → page drawn with the excerpt marked: ${Date.now() - clickedAt} ms (first PDF of the session: pdf.js, its worker and the original loaded)`);
    // The page on screen is the excerpt's page, and the chip, the panel and the viewer all name it alike.
    const label = viewer.getByTestId('viewer-page-label');
    const pageNo = Number(await label.getAttribute('data-page-no'));
    const printed = await label.getAttribute('data-page-label');
    expect(pageNo).toBe(source.pageStart);
    expect(chipLabel).toBe(`p. ${printed}`);
    expect(await page.getByTestId('source-page').textContent()).toBe(chipLabel);
    // The text layer is the page's own: its footer prints the same label, and it holds the target sentence.
    const layerItems = (await viewer.getByTestId('pdf-text-layer').locator('span[role="presentation"]').allTextContents()).map((s) => s.trim());
    expect(layerItems).toContain(printed);
    expect(fold(layerItems.join(' '))).toContain(fold(TARGET));

    // What is marked is the excerpt the answer quotes, not a neighbouring sentence.
    const marked = fold((await marks.allTextContents()).join(''));
    const excerpt = fold(source.excerpt ?? source.quote);
    expect(marked.length).toBeGreaterThan(20);
    expect(excerpt).toContain(marked);
    if (source.excerpt) expect(marked).toBe(excerpt);
    expect(await viewer.getAttribute('data-excerpt')).toBe('whole');
    const scroller = await viewer.locator('.pdf-scroll').boundingBox();
    const markBox = await marks.first().boundingBox();
    expect(scroller && markBox && markBox.y >= scroller.y && markBox.y + markBox.height <= scroller.y + scroller.height).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'citation-pdf-page.png') });
    // Close up: the marks sit on the drawn words (text layer aligned with the canvas).
    await viewer.getByTestId('viewer-zoom-in').click();
    await viewer.getByTestId('viewer-zoom-in').click();
    await marks.first().waitFor();
    await marks.first().evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'center' }));
    await viewer.locator('.pdf-scroll').screenshot({ path: path.join(artifactsDir, 'citation-pdf-closeup.png') });
    await viewer.getByTestId('viewer-fit').click();
  });

  it('navigates pages, zooms, and downloads the original', async () => {
    const { page } = browser;
    const viewer = page.getByTestId('pdf-viewer');
    const label = viewer.getByTestId('viewer-page-label');
    const first = Number(await label.getAttribute('data-page-no'));
    await viewer.getByTestId('viewer-next').click();
    await waitFor(async () => (Number(await label.getAttribute('data-page-no')) === first + 1 ? true : undefined));
    await viewer.locator(`[data-testid="pdf-page"][data-page-no="${first + 1}"][data-state="rendered"]`).waitFor();
    await viewer.getByTestId('viewer-excerpt-status').and(page.locator('[data-state="none"]')).waitFor();
    await viewer.getByTestId('viewer-prev').click();
    await viewer.getByTestId('excerpt-mark').first().waitFor();

    const widthBefore = (await viewer.getByTestId('pdf-page').boundingBox())?.width ?? 0;
    await viewer.getByTestId('viewer-zoom-in').click();
    await waitFor(async () => (((await viewer.getByTestId('pdf-page').boundingBox())?.width ?? 0) > widthBefore * 1.2 ? true : undefined));
    await viewer.getByTestId('viewer-fit').click();

    const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByTestId('open-original').click()]);
    expect(download.suggestedFilename()).toBe('guia-indicadores.pdf');
    const saved = path.join(server.dataDir, 'downloaded.pdf');
    await download.saveAs(saved);
    expect(Buffer.from(fs.readFileSync(saved)).equals(Buffer.from(pdf))).toBe(true);
  });

  it('shows a PDF page as printed in the library\'s document viewer too', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/library`);
    await page.locator('[data-testid="doc-row"][data-filename="guia-indicadores.pdf"]').click();
    await page.getByTestId('page-text').waitFor();
    // Passages first (as before), the printed page one click away, at the page the library shows.
    await page.locator('.page-link').nth(4).click();
    expect(await page.getByTestId('page-label').textContent()).toBe('p. 3');
    await page.getByTestId('toggle-passages').click();
    const viewer = page.getByTestId('pdf-viewer');
    await viewer.locator('[data-testid="pdf-page"][data-page-no="5"][data-state="rendered"]').waitFor();
    expect(await viewer.getByTestId('viewer-page-label').getAttribute('data-page-label')).toBe('3');
    expect(fold((await viewer.getByTestId('pdf-text-layer').textContent()) ?? '')).toContain(fold(TARGET));
    await page.screenshot({ path: path.join(artifactsDir, 'library-pdf-page.png') });
    await page.goto(`${server.url}/#/chat`);
  });

  it('labels an excerpt that runs over a page break "pp. 7–8" and marks its part on each page', async () => {
    const { page } = browser;
    await importThroughUpload(server.url, 'notas-laticinio.pdf', await spanningPdf());
    // The layout really splits the sentence: its head on physical page 1, its tail on page 2.
    const doc = (await callApi(server.url, 'library.list')).json.value.documents.find((d: { filename: string }) => d.filename === 'notas-laticinio.pdf');
    const pages = (await callApi(server.url, 'library.document', { documentId: doc.id })).json.value.pages as Array<{ text: string }>;
    expect(fold(pages[0]?.text ?? '')).toContain(fold('O prazo médio de pagamento'));
    expect(fold(pages[1]?.text ?? '')).toContain(fold('conta do produtor rural'));

    await page.keyboard.press('Escape');
    await page.getByTestId('new-conversation').click();
    const input = page.getByTestId('question-input');
    await input.fill('O que mede o prazo médio de pagamento aos cooperados?');
    await input.press('Enter');
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });
    const conversationId = decodeURIComponent((await page.evaluate(() => window.location.hash)).replace(/^#\/chat\//, ''));
    const stored = (await callApi(server.url, 'chat.conversation', { conversationId })).json.value.messages.find((m: { role: string }) => m.role === 'assistant').answer;
    const chip = answer.getByTestId('answer-text').getByTestId('citation').first();
    const n = Number(await chip.getAttribute('data-n'));
    const source = stored.sources.find((s: { n: number }) => s.n === n);
    console.log(`spanning citation: pages ${source.pageStart}-${source.pageEnd}, labels ${JSON.stringify(source.pageLabels)}, excerpt ${JSON.stringify(source.excerpt)}, quote ${JSON.stringify(source.quote.slice(-300))}`);
    expect(source.filename).toBe('notas-laticinio.pdf');
    expect(source.pageLabels).toEqual(['7', '8']);
    expect(await chip.getByTestId('citation-page').textContent()).toBe('pp. 7–8');

    await chip.click();
    const viewer = page.getByTestId('pdf-viewer');
    await viewer.getByTestId('pdf-text-layer').getByTestId('excerpt-mark').first().waitFor();
    expect(await viewer.getByTestId('viewer-page-label').getAttribute('data-page-label')).toBe('7');
    expect(await viewer.getAttribute('data-excerpt')).toBe('part');
    const head = fold((await viewer.getByTestId('excerpt-mark').allTextContents()).join(''));
    await page.screenshot({ path: path.join(artifactsDir, 'citation-pdf-spanning.png') });
    // The viewer says where the rest is and goes there.
    expect(await viewer.getByTestId('viewer-excerpt-status').textContent()).toMatch(/continues on the next/);
    await viewer.getByTestId('viewer-excerpt-go').click();
    await viewer.locator('[data-testid="pdf-page"][data-page-no="2"][data-state="rendered"] [data-testid="excerpt-mark"]').first().waitFor();
    expect(await viewer.getByTestId('viewer-page-label').getAttribute('data-page-label')).toBe('8');
    const tail = fold((await viewer.getByTestId('excerpt-mark').allTextContents()).join(''));
    expect(head + tail).toBe(fold(source.excerpt ?? SPANNING));
  });

  it('refuses an over-long question with a counter and a message, never cutting it', async () => {
    const { page } = browser;
    const input = page.getByTestId('question-input');
    await input.fill('x'.repeat(3300));
    expect(await page.getByTestId('question-counter').getAttribute('data-state')).toBe('near');
    await input.fill(`${'palavra '.repeat(512)}fim`);
    expect(await page.getByTestId('question-counter').getAttribute('data-state')).toBe('over');
    expect(await page.getByTestId('question-too-long').textContent()).toMatch(/4,?0{3}/);
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    expect((await input.inputValue()).endsWith('fim')).toBe(true);
    await input.fill('');
  });

  it('answers an off-topic question with "not covered", showing only nearest material', async () => {
    const { page } = browser;
    await page.keyboard.press('Escape');
    await page.getByTestId('new-conversation').click();
    const input = page.getByTestId('question-input');
    await input.fill('What is the capital of France?');
    await input.press('Enter');
    await page.getByTestId('question').filter({ hasText: 'capital of France' }).waitFor();
    const answer = page.locator('[data-testid="answer"][data-status="complete"]');
    await answer.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(artifactsDir, 'chat-not-covered.png') });
    expect(await answer.getAttribute('data-kind')).toBe('not-covered');
    expect(await answer.getByTestId('not-covered-title').textContent()).toBe('Your library does not cover this');
    expect(await answer.getByTestId('not-covered-label').textContent()).toBe('Not covered by your library');
    // Nearest material is not dressed up as an answer: no perspective tabs, no "extractive answer" label.
    expect(await answer.locator('[data-testid="perspective-tab"]').count()).toBe(0);
    expect(await answer.getByTestId('extractive-label').count()).toBe(0);

    const errors = browser.consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
