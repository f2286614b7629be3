import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standinEmbedding } from '../../../test/standins/openai-standin';
import type { Perspective } from '../../../preload/contract';
import { encodeHeadingPath } from '../db/library';
import { openAppDatabase } from '../db/open';
import type { AppDatabase } from '../db/open';
import { BscError } from '../errors';
import { createEmbeddedStore } from '../vectorstore/embedded';
import type { VectorStore } from '../vectorstore/port';
import { analyzeForIndex } from './analyze';
import { retrieve, snippetAround } from './retrieve';
import type { RetrieveDeps } from './retrieve';

const DIMS = 64;
const embed = async (texts: string[]) => texts.map((t) => standinEmbedding(t, DIMS));

const filler = 'Este parágrafo descreve o contexto geral da empresa, sua história, seus mercados e sua estrutura de governança corporativa. ';
const chunks: Array<{ id: number; doc: string; lang: 'pt' | 'en'; page: number; heading: string[]; perspectives: Perspective[]; text: string }> = [
  { id: 1, doc: 'rel', lang: 'pt', page: 3, heading: ['Resultados', 'Finanças'], perspectives: ['financial'], text: `${filler.repeat(3)}O Relatório anual mostra crescimento da receita e da margem.` },
  { id: 2, doc: 'rel', lang: 'pt', page: 4, heading: ['Clientes'], perspectives: ['customer'], text: 'A satisfação dos clientes subiu e a retenção de clientes melhorou no período.' },
  { id: 3, doc: 'en', lang: 'en', page: 1, heading: [], perspectives: ['learning'], text: 'Employee training programs and information systems support the strategy.' },
  { id: 4, doc: 'en', lang: 'en', page: 2, heading: [], perspectives: ['financial'], text: 'The annual report shows revenue growth and better margins.' },
  { id: 5, doc: 'broken', lang: 'pt', page: 1, heading: [], perspectives: ['financial'], text: 'Relatório de um documento cuja importação falhou.' },
];

describe('retrieve() on a real library database', () => {
  let dir: string;
  let db: AppDatabase;
  let store: VectorStore;
  const deps = (over: Partial<RetrieveDeps> = {}): RetrieveDeps => ({ db, store, embed, libraryLangs: ['pt', 'en'], ...over });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bsc-retrieve-'));
    db = openAppDatabase(path.join(dir, 'library.sqlite'));
    const now = new Date().toISOString();
    const docs = [
      ['rel', 'relatorio-2024.pdf', 'Relatório Anual 2024', 'pt', 'indexed'],
      ['en', 'annual-report.pdf', null, 'en', 'indexed'],
      ['broken', 'quebrado.pdf', 'Quebrado', 'pt', 'failed'],
    ] as const;
    for (const [id, filename, title, lang, status] of docs) {
      db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, title, lang, status, created_at) VALUES (?, ?, ?, 'application/pdf', 1, 5, ?, ?, ?, ?)`).run(id, `sha-${id}`, filename, title, lang, status, now);
    }
    // Printed page labels differ from page numbers, as in a report with roman-numbered front matter.
    for (const [doc, pageNo, label] of [['rel', 3, 'iii'], ['rel', 4, '1'], ['en', 1, '1'], ['en', 2, '2']] as const) {
      db.prepare('INSERT INTO pages (document_id, page_no, label, text) VALUES (?, ?, ?, ?)').run(doc, pageNo, label, '');
    }
    for (const [ord, c] of chunks.entries()) {
      db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, heading_path, text, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(c.id, c.doc, ord, c.page, c.page, encodeHeadingPath(c.heading), c.text, c.lang);
      db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)').run(c.id, analyzeForIndex(c.text, c.lang));
    }
    store = createEmbeddedStore(db, { dimensions: DIMS });
    await store.add(chunks.map((c) => ({ chunkId: c.id, documentId: c.doc, lang: c.lang, perspectives: c.perspectives, vector: standinEmbedding(c.text, DIMS), terms: analyzeForIndex(c.text, c.lang) })));
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds "Relatório" for "relatorio" with BM25, with page label, heading path, document and a snippet', async () => {
    const out = await retrieve(deps({ embed: null }), { query: 'relatorio', k: 5, mode: 'bm25' });
    expect(out.mode).toBe('bm25');
    expect(out.notes).toEqual([]);
    expect(out.hits.map((h) => h.chunkId)).toEqual([1]);
    expect(out.hits[0]).toMatchObject({
      documentId: 'rel', filename: 'relatorio-2024.pdf', title: 'Relatório Anual 2024', pageStart: 3, pageEnd: 3, pageLabel: 'iii', headingPath: ['Resultados', 'Finanças'],
    });
    expect(out.hits[0]!.score).toBeGreaterThan(0);
    // The term sits after ~360 characters of filler: the snippet is cut around it.
    expect(out.hits[0]!.snippet).toMatch(/^….*Relatório anual/);
    expect(out.hits[0]!.snippet.length).toBeLessThanOrEqual(245);
  });

  it('never returns chunks of documents that are not indexed', async () => {
    const out = await retrieve(deps({ embed: null }), { query: 'relatório documento importação', k: 10, mode: 'bm25' });
    expect(out.hits.map((h) => h.documentId)).not.toContain('broken');
    const dense = await retrieve(deps(), { query: chunks[4]!.text, k: 10, mode: 'dense' });
    expect(dense.hits.length).toBe(4);
    expect(dense.hits.map((h) => h.documentId)).not.toContain('broken');
  });

  it('searches English text in a bilingual library ("reports" finds "report")', async () => {
    const out = await retrieve(deps({ embed: null }), { query: 'annual reports', k: 5, mode: 'bm25' });
    expect(out.hits[0]?.chunkId).toBe(4);
    expect(out.hits[0]?.pageLabel).toBe('2');
    expect(out.hits[0]?.headingPath).toEqual([]);
  });

  it('falls back to BM25 with a note when there is no embedder or it fails', async () => {
    const none = await retrieve(deps({ embed: null }), { query: 'relatorio', k: 5, mode: 'hybrid' });
    expect(none.mode).toBe('bm25');
    expect(none.notes[0]).toMatch(/No embedding provider/);
    expect(none.hits.map((h) => h.chunkId)).toEqual([1]);
    const failing = async (): Promise<Float32Array[]> => {
      throw new BscError('PROVIDER_UNAVAILABLE', 'OpenAI is unreachable');
    };
    const failed = await retrieve(deps({ embed: failing }), { query: 'relatorio', k: 5, mode: 'dense' });
    expect(failed.mode).toBe('bm25');
    expect(failed.notes[0]).toMatch(/Embedding the question failed \(OpenAI is unreachable\)/);
    expect(failed.hits.map((h) => h.chunkId)).toEqual([1]);
  });

  it('rethrows a cancellation instead of falling back', async () => {
    const controller = new AbortController();
    controller.abort();
    const cancelled = async (): Promise<Float32Array[]> => {
      throw new BscError('CANCELLED', 'Cancelled.');
    };
    await expect(retrieve(deps({ embed: cancelled }), { query: 'relatorio', k: 5, mode: 'hybrid', signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('fuses dense (stand-in vectors) and BM25 in hybrid mode', async () => {
    const out = await retrieve(deps(), { query: 'satisfação dos clientes', k: 3, mode: 'hybrid' });
    expect(out.mode).toBe('hybrid');
    expect(out.hits[0]?.chunkId).toBe(2);
    expect(out.hits.length).toBe(3);
    expect(out.hits[0]?.snippet).toContain('satisfação dos clientes');
    // Dense alone, with the stand-in's vectors (word and trigram features), finds the English chunk.
    const dense = await retrieve(deps(), { query: 'employee training programs', k: 1, mode: 'dense' });
    expect(dense.hits[0]?.chunkId).toBe(3);
  });

  it('answers a question with no searchable words: nothing for BM25, meaning only for hybrid', async () => {
    const bm25 = await retrieve(deps(), { query: 'A?', k: 3, mode: 'bm25' });
    expect(bm25).toMatchObject({ hits: [], mode: 'bm25', notes: [expect.stringMatching(/no searchable words/)] });
    const hybrid = await retrieve(deps(), { query: 'A?', k: 3, mode: 'hybrid' });
    expect(hybrid.mode).toBe('dense');
    expect(hybrid.hits.length).toBe(3);
  });

  it('applies filters by document, language and perspective', async () => {
    const byDoc = await retrieve(deps(), { query: 'relatório report receita revenue', k: 10, mode: 'hybrid', filter: { documentIds: ['en'] } });
    expect(new Set(byDoc.hits.map((h) => h.documentId))).toEqual(new Set(['en']));
    const byLang = await retrieve(deps({ embed: null }), { query: 'relatório report', k: 10, mode: 'bm25', filter: { langs: ['en'] } });
    expect(byLang.hits.map((h) => h.chunkId)).toEqual([4]);
    const byPerspective = await retrieve(deps(), { query: 'relatório report clientes training', k: 10, mode: 'hybrid', filter: { perspectives: ['customer', 'learning'] } });
    expect(byPerspective.hits.map((h) => h.chunkId).sort()).toEqual([2, 3]);
  });

  it('returns at most k hits', async () => {
    expect((await retrieve(deps(), { query: 'relatório report clientes training', k: 2, mode: 'hybrid' })).hits).toHaveLength(2);
  });
});

describe('snippetAround', () => {
  it('returns short text whole and starts at the text when no term matches', () => {
    expect(snippetAround('  curto   texto ', new Set(['x']), ['pt'])).toBe('curto texto');
    const long = 'palavra '.repeat(100);
    const s = snippetAround(long, new Set(['nada']), ['pt']);
    expect(s.startsWith('palavra')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
  });
});
