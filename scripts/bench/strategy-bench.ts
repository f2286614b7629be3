// The strategy map (issue 15): how fast the editor paints and re-renders a full map in Chromium,
// and what the offline suggestions give on the sample library (per perspective, and how many the
// answer judge confirms: excerpt supports the title, on the cited page).
import type { SearchHit } from '../../preload/contract';
import type { Engagement, MapPerspective, Suggestion } from '../../preload/strategy-contract';
import { judgeSuggestion } from '../../main/engine/strategy/judge-suggestion';
import { type SuggestionLibrary, suggestObjectives } from '../../main/engine/strategy/suggest';
import { launchChromium } from '../../test/e2e/browser';
import { callApi, startServer, tempDataDir, waitFor } from '../../test/run-server';
import type { BenchMetric } from './report';
import { rendererUnavailable } from './renderer-bench';

declare global {
  interface Window { __longTasks?: number[]; __editAt?: number; __paintedAt?: number }
}

const LANES: MapPerspective[] = ['financial', 'customer', 'process', 'learning'];

/** 40 objectives (10 a lane) and 60 arrows, each to the lane above. */
function bigMap(e: Engagement): Engagement {
  const objectives = Array.from({ length: 40 }, (_, i) => ({ id: `o${i}`, perspective: LANES[Math.floor(i / 10)]!, title: `Objetivo ${i + 1}: melhorar o resultado ${i % 7}`, description: '', owner: '', themeId: null, x: null, y: null, citations: [] }));
  // Each objective below the top lane leads to two objectives of the lane above: 30 × 2 = 60 arrows.
  const links = Array.from({ length: 30 }, (_, i) => 10 + i).flatMap((from) => {
    const above = from - 10 - (from % 10);
    return [0, 1].map((d) => ({ id: `a${from}-${d}`, from: `o${from}`, to: `o${above + ((from % 10) + d) % 10}` }));
  });
  return { ...e, objectives, links };
}

async function loadSample(url: string): Promise<void> {
  await callApi(url, 'library.loadSample');
  await waitFor(async () => {
    const jobs = (await callApi(url, 'library.jobs')).json.value.jobs as Array<{ state: string }>;
    return jobs.length > 0 && jobs.every((j) => j.state !== 'queued' && j.state !== 'running') ? true : undefined;
  }, 120_000, 'sample library imported');
}

async function paintAndEdit(url: string, engagementId: string): Promise<{ firstPaintMs: number; editMs: number; longest: number; arrows: number }> {
  const browser = await launchChromium('pt-BR');
  try {
    const { page } = browser;
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks!.push(e.duration); }).observe({ type: 'longtask', buffered: true });
    });
    const started = Date.now();
    await page.goto(`${url}/#/strategy/${engagementId}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="objective-card"]').length === 40, null, { timeout: 30_000 });
    const firstPaintMs = Date.now() - started;
    const arrows = await page.locator('.react-flow__edge').count();
    await page.evaluate(() => { window.__longTasks = []; });
    const card = page.getByTestId('objective-card').first();
    await card.dblclick();
    const box = page.locator('textarea.objective-edit');
    await box.fill('Objetivo editado');
    // From the Enter that commits the edit to the DOM showing the new title (React's re-render of the map).
    await page.evaluate(() => {
      document.addEventListener('keydown', () => { window.__editAt = performance.now(); }, { capture: true, once: true });
      new MutationObserver((_, obs) => {
        if ([...document.querySelectorAll('.objective-title')].some((n) => n.textContent === 'Objetivo editado')) { window.__paintedAt = performance.now(); obs.disconnect(); }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await box.press('Enter');
    await page.waitForFunction(() => window.__paintedAt !== undefined, null, { timeout: 10_000 });
    const editMs = await page.evaluate(() => window.__paintedAt! - window.__editAt!);
    await page.waitForTimeout(600);
    const tasks = await page.evaluate(() => window.__longTasks ?? []);
    return { firstPaintMs, editMs, longest: tasks.length ? Math.max(...tasks) : 0, arrows };
  } finally {
    await browser.close();
  }
}

/** The engine's own search, through the contract, as the suggestion code sees it. */
function libraryOver(url: string): SuggestionLibrary {
  return { search: async (query, k) => (await callApi(url, 'library.search', { query, k })).json.value.hits as SearchHit[], pages: () => [] };
}

export async function measureStrategy(signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] } | { skipped: string }> {
  const why = rendererUnavailable();
  if (why) return { skipped: why };
  const server = await startServer({ dataDir: tempDataDir('bsc-bench-strategy-') });
  signal.addEventListener('abort', () => void server.stop(), { once: true });
  try {
    await loadSample(server.url);
    const created = (await callApi(server.url, 'strategy.create', { name: 'Bench map' })).json.value.engagement as Engagement;
    const saved = await callApi(server.url, 'strategy.save', { engagement: bigMap(created) });
    if (!saved.json.ok) throw new Error(saved.json.error.message);
    const r = await paintAndEdit(server.url, created.id);
    const s = await judgedSuggestions(server.url, created);
    const per = LANES.map((p) => `${p} ${s.all.filter((x) => x.perspective === p).length}`).join(', ');
    return {
      metrics: [
        { key: 'strategy.firstPaintMs', label: 'map of 40 objectives / 60 arrows: navigation to all cards painted', value: r.firstPaintMs, unit: 'ms' },
        { key: 'strategy.editMs', label: 'an edit (rename a card) until the map shows it', value: Math.round(r.editMs * 10) / 10, unit: 'ms', goal: { op: '<', target: 50 } },
        { key: 'strategy.longestTaskMs', label: 'longest renderer task during the edit', value: r.longest, unit: 'ms', goal: { op: '<', target: 100 } },
        { key: 'strategy.suggestions', label: 'offline objective suggestions on the sample library', value: s.all.length, unit: '' },
        { key: 'strategy.judgeConfirmed', label: 'share of them the answer judge confirms', value: s.all.length ? Math.round((s.confirmed / s.all.length) * 1000) / 1000 : null, unit: '', goal: { op: '>=', target: 0.9 } },
      ],
      notes: [`${r.arrows} arrows drawn; suggestions per perspective: ${per}`],
    };
  } finally {
    await server.stop();
  }
}

/** Raw extracted suggestions (before the service's judge filter), each judged with the document's real pages. */
async function judgedSuggestions(url: string, e: Engagement): Promise<{ all: Suggestion[]; confirmed: number }> {
  const lib = libraryOver(url);
  const docPages = new Map<string, Array<{ pageNo: number; label: string; text: string }>>();
  const pagesOf = async (id: string) => {
    if (!docPages.has(id)) docPages.set(id, (await callApi(url, 'library.document', { documentId: id })).json.value.pages);
    return docPages.get(id)!;
  };
  const hits: SearchHit[] = [];
  const search = lib.search;
  lib.search = async (q, k, ids) => { const h = await search(q, k, ids); hits.push(...h); return h; };
  // Pages are needed synchronously by the extractor: fetch every document the searches touch first.
  for (const p of LANES) await suggestObjectives({ search: lib.search, pages: () => [] }, e, p, 6);
  for (const id of new Set(hits.map((h) => h.documentId))) await pagesOf(id);
  const real: SuggestionLibrary = { search: lib.search, pages: (id, from, to) => (docPages.get(id) ?? []).filter((p) => p.pageNo >= from && p.pageNo <= to) };
  const all = (await Promise.all(LANES.map((p) => suggestObjectives(real, e, p, 6)))).flat();
  return { all, confirmed: all.filter((x) => judgeSuggestion(x, real, 'pt').supported).length };
}
