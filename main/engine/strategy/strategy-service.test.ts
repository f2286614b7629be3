import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SearchHit } from '../../../preload/contract';
import type { Engagement } from '../../../preload/strategy-contract';
import { type AppDatabase, openAppDatabase } from '../db/open';
import { BscError } from '../errors';
import { EngagementRepository } from './engagement-repository';
import { createStrategyService, type StrategyService } from './strategy-service';
import type { SuggestionLibrary } from './suggest';

// A library over the sample primer's real text: each paragraph block is a "chunk" on page 1 of its
// file. It stands in only for ranking (every block is a hit); extraction, page location and the
// support check run on the real text.
function primerLibrary(files = /^0[2-5].*\.md$/): SuggestionLibrary {
  const dir = path.resolve(__dirname, '../../../resources/sample-library');
  const docs = fs.readdirSync(dir).filter((f) => files.test(f)).map((f) => ({ id: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
  let chunkId = 0;
  const hits: SearchHit[] = docs.flatMap((d) => d.text.split(/\n\s*\n/).map((block) => ({
    chunkId: ++chunkId, documentId: d.id, filename: d.id, title: d.id, pageStart: 1, pageEnd: 1, pageLabel: '1',
    headingPath: [], text: block, snippet: block.slice(0, 80), score: 1, store: 'embedded' as const, mode: 'bm25' as const,
  })));
  return {
    search: async (query) => {
      const words = query.toLowerCase().split(/\s+/);
      return hits.map((h) => ({ ...h, score: words.filter((w) => h.text.toLowerCase().includes(w)).length })).filter((h) => h.score > 0);
    },
    pages: (documentId) => [{ pageNo: 1, label: '1', text: docs.find((d) => d.id === documentId)!.text }],
  };
}

let dir: string;
let db: AppDatabase;
let service: StrategyService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-strategy-'));
  db = openAppDatabase(path.join(dir, 'library.sqlite'));
  const repo = new EngagementRepository(db);
  service = createStrategyService({ engagements: () => repo, library: primerLibrary() });
});
afterEach(() => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); });

function sampleMap(e: Engagement): Engagement {
  const cite = { documentId: 'd1', filename: 'relatorio.pdf', chunkId: 3, excerpt: 'Aumentar a receita por cliente.', pageLabels: ['7'], pageStart: 9, pageEnd: 9 };
  return {
    ...e,
    objectives: [
      { id: 'f1', perspective: 'financial', title: 'Aumentar a receita por cliente', description: '', owner: 'CFO', themeId: 't1', x: null, y: null, citations: [cite] },
      { id: 'c1', perspective: 'customer', title: 'Fidelizar clientes corporativos', description: '', owner: '', themeId: 't1', x: null, y: null, citations: [] },
      { id: 'p1', perspective: 'process', title: 'Reduzir o lead time', description: '', owner: '', themeId: null, x: null, y: null, citations: [] },
      { id: 'l1', perspective: 'learning', title: 'Capacitar equipes comerciais', description: '', owner: '', themeId: null, x: null, y: null, citations: [] },
      { id: 'l2', perspective: 'learning', title: 'Sistema de CRM integrado', description: '', owner: '', themeId: null, x: null, y: null, citations: [] },
    ],
    links: [{ id: 'a1', from: 'c1', to: 'f1' }, { id: 'a2', from: 'p1', to: 'c1' }, { id: 'a3', from: 'l1', to: 'p1' }],
    themes: [{ id: 't1', name: 'Intimidade com o cliente', color: '#2a7f62' }],
    measures: [
      { id: 'm1', objectiveId: 'f1', name: 'Receita média por cliente', formula: 'receita / clientes ativos', unit: 'R$', direction: 'increase', baseline: { value: 1200, year: 2025 }, targets: [{ year: 2027, value: 1500 }], citations: [cite] },
      { id: 'm2', objectiveId: 'c1', name: 'Taxa de retenção', formula: 'clientes retidos / clientes no início', unit: '%', direction: 'increase', baseline: { value: null, year: null }, targets: [], citations: [] },
    ],
    initiatives: [{ id: 'i1', objectiveId: 'l1', name: 'Academia de vendas', owner: 'RH', start: '2026-02-01', end: '2026-12-15', budget: 80000 }],
  };
}

describe('strategy service', () => {
  it('stores an engagement in SQLite and lists, renames, duplicates and deletes it', () => {
    const { engagement } = service.create({ name: 'Cooperativa Aroeira', client: 'Aroeira' });
    service.save(sampleMap(engagement));
    expect(service.rename(engagement.id, 'Aroeira 2027').engagement.name).toBe('Aroeira 2027');
    const copy = service.duplicate(engagement.id).engagement;
    expect(copy.id).not.toBe(engagement.id);
    expect(copy.objectives).toHaveLength(5);
    expect(service.list().map((s) => s.name).sort()).toEqual(['Aroeira 2027', 'Aroeira 2027 (copy)']);
    expect(service.delete(engagement.id)).toBe(true);
    expect(() => service.get(engagement.id)).toThrow(BscError);
    expect(service.list()).toHaveLength(1);
  });

  it('raises each of the consultant checks on the objective it concerns', () => {
    const { engagement } = service.create({ name: 'x', language: 'en' });
    const { checks } = service.save(sampleMap({ ...engagement, language: 'en' }));
    const rules = (rule: string) => checks.filter((c) => c.rule === rule);
    expect(rules('objective-without-measure').map((c) => c.objectiveId).sort()).toEqual(['l1', 'l2', 'p1']);
    expect(rules('isolated-objective').map((c) => c.objectiveId)).toEqual(['l2']);
    expect(rules('measure-without-target').map((c) => c.measureId)).toEqual(['m2']);
    expect(rules('perspective-too-few').map((c) => c.perspective).sort()).toEqual(['customer', 'financial', 'process']);
    expect(rules('no-path-to-financial')).toHaveLength(0);
    // Cut the arrow from customer to financial: the lower objectives lose their path up.
    const cut = service.save({ ...sampleMap({ ...engagement, language: 'en' }), links: [{ id: 'a2', from: 'p1', to: 'c1' }, { id: 'a3', from: 'l1', to: 'p1' }] });
    expect(cut.checks.filter((c) => c.rule === 'no-path-to-financial').map((c) => c.objectiveId).sort()).toEqual(['c1', 'l1', 'p1']);
  });

  it('refuses arrows and measures that point at objectives not in the map', () => {
    const { engagement } = service.create({ name: 'x' });
    const bad = { ...sampleMap(engagement), links: [{ id: 'z', from: 'f1', to: 'nowhere' }] };
    expect(() => service.save(bad)).toThrow(/not in the map/);
    expect(service.get(engagement.id).engagement.objectives).toHaveLength(0);
  });

  it('exports SVG with the objectives and footnoted citations, XLSX with the measures, a one-page PDF and CSV/Markdown', async () => {
    const { engagement } = service.create({ name: 'Aroeira <2027>' });
    service.save(sampleMap(engagement));
    const svg = Buffer.from((await service.export(engagement.id, 'svg')).bytes).toString('utf8');
    for (const t of ['Aumentar a receita por', 'Fidelizar clientes', 'Capacitar equipes', 'Intimidade com o cliente', 'Financeira']) expect(svg).toContain(t);
    expect(svg).toContain('Aroeira &lt;2027&gt;');
    expect(svg).toMatch(/\[1\] relatorio\.pdf, p\. 7: “Aumentar a receita por cliente\.”/);
    expect(svg.match(/class="link"/g)).toHaveLength(3);

    const wb = new ExcelJS.Workbook();
    const xlsx = (await service.export(engagement.id, 'xlsx')).bytes;
    await wb.xlsx.load(xlsx.buffer.slice(xlsx.byteOffset, xlsx.byteOffset + xlsx.byteLength) as ArrayBuffer);
    const cells = wb.worksheets[0]!.getSheetValues().flat().filter((v) => typeof v === 'string' || typeof v === 'number');
    expect(cells).toEqual(expect.arrayContaining(['Receita média por cliente', 'Taxa de retenção', 'receita / clientes ativos', 1200, '2027: 1500', 'Academia de vendas']));

    for (const paper of ['a4', 'a3'] as const) {
      const pdf = await PDFDocument.load((await service.export(engagement.id, 'pdf', paper)).bytes);
      expect(pdf.getPageCount()).toBe(1);
      const { width, height } = pdf.getPage(0).getSize();
      expect(width).toBeGreaterThan(height);
      expect(Math.round(width)).toBe(paper === 'a4' ? 842 : 1191);
    }
    const csv = Buffer.from((await service.export(engagement.id, 'csv')).bytes).toString('utf8');
    expect(csv.split('\r\n')[1]).toContain('Aumentar a receita por cliente');
    const md = Buffer.from((await service.export(engagement.id, 'md')).bytes).toString('utf8');
    expect(md).toContain('| Financeira | Aumentar a receita por cliente | CFO | Receita média por cliente |');
  });

  it('round-trips an engagement through JSON into a fresh data folder, and explains a bad file', async () => {
    const { engagement } = service.create({ name: 'Aroeira' });
    const saved = service.save(sampleMap(engagement)).engagement;
    const json = Buffer.from((await service.export(engagement.id, 'json')).bytes).toString('utf8');
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-strategy2-'));
    const db2 = openAppDatabase(path.join(dir2, 'library.sqlite'));
    try {
      const other = createStrategyService({ engagements: () => new EngagementRepository(db2), library: primerLibrary() });
      const imported = other.import(json).engagement;
      const strip = (e: Engagement) => ({ ...e, updatedAt: '' });
      expect(strip(imported)).toEqual(strip(saved));
      // Importing again where it exists gives a copy with a new id, never an overwrite.
      expect(other.import(json).engagement.id).not.toBe(saved.id);
      expect(() => other.import('{"format":"agente-bsc/engagement","id":"x"}')).toThrow(/problem/);
      expect(() => other.import('not json')).toThrow(/not JSON/);
      expect(() => other.import('{"a":1}')).toThrow(/not an Agente BSC engagement/);
    } finally { db2.close(); fs.rmSync(dir2, { recursive: true, force: true }); }
  });

  it('suggests measures for an objective from the scorecard table that names it, with baseline, targets and initiative', async () => {
    const repo = new EngagementRepository(db);
    service = createStrategyService({ engagements: () => repo, library: primerLibrary(/^0[2-57].*\.md$/) });
    const { engagement } = service.create({ name: 'x' });
    const e = service.save({ ...engagement, objectives: [{ id: 'o', perspective: 'financial', title: 'Elevar a margem EBITDA', description: '', owner: '', themeId: null, x: null, y: null, citations: [] }] }).engagement;
    const { suggestions: [first] } = await service.suggest({ engagementId: e.id, kind: 'measures', objectiveId: 'o' });
    expect(first).toMatchObject({ kind: 'measure', title: 'Margem EBITDA (%)', formula: 'EBITDA ÷ receita líquida × 100', baseline: { value: 6.1, year: 2024 }, initiative: 'Programa de eficiência logística', supported: true });
    expect(first!.targets).toEqual([{ year: 2025, value: 6.6 }, { year: 2027, value: 7.8 }]);
    expect(first!.citations[0]!.excerpt).toContain('F2. Elevar a margem EBITDA');
  });

  it('reads each document\'s pages once per suggestion run, however many lines it checks', async () => {
    const inner = primerLibrary();
    const calls: string[] = [];
    const counted: SuggestionLibrary = { search: inner.search, pages: (id, from, to) => { calls.push(`${id}:${from}:${to}`); return inner.pages(id, from, to); } };
    const repo = new EngagementRepository(db);
    const counting = createStrategyService({ engagements: () => repo, library: counted });
    const { engagement } = counting.create({ name: 'x' });
    const { suggestions } = await counting.suggest({ engagementId: engagement.id, kind: 'objectives' });
    expect(suggestions.length).toBeGreaterThan(10);
    expect(calls.length).toBe(new Set(calls).size);
  });

  it('suggests cited objectives per perspective from the primer, each excerpt on its page', async () => {
    const { engagement } = service.create({ name: 'x' });
    const { suggestions, method } = await service.suggest({ engagementId: engagement.id, kind: 'objectives' });
    expect(method).toBe('offline');
    const by = (p: string) => suggestions.filter((s) => s.perspective === p).map((s) => s.title);
    expect(by('financial')).toEqual(expect.arrayContaining(['Aumentar a rentabilidade sobre o capital empregado', 'Reduzir o custo unitário de produção ou de serviço']));
    expect(by('process')).toContain('Reduzir o lead time do pedido à entrega');
    for (const s of suggestions) {
      expect(s.supported).toBe(true);
      expect(s.citations[0]!.pageLabels).toEqual(['1']);
      expect(s.citations[0]!.excerpt.toLowerCase()).toContain(s.title.toLowerCase().slice(0, 20));
    }
  });
});
