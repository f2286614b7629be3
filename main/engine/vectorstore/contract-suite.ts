import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { Perspective } from '../../../preload/contract';
import { analyzeForIndex, analyzeTerms } from '../retrieval/analyze';
import type { VectorPoint, VectorQuery, VectorStore } from './port';

/**
 * The behaviour every VectorStore adapter must share, run by embedded.test.ts and qdrant.test.ts
 * over one corpus. Scores differ between adapters (FTS5 vs sparse BM25, Qdrant's RRF), so the
 * suite asserts what a caller relies on: which chunks come back, in which order for dense search,
 * filters, limits and upsert/delete/drop semantics.
 */

export const CONTRACT_DIMS = 8;

export interface ContractChunk extends VectorPoint {
  text: string;
  vector: Float32Array;
}

const texts: Array<[documentId: string, lang: 'pt' | 'en', perspectives: Perspective[], text: string]> = [
  ['doc-a', 'pt', ['financial'], 'O relatório financeiro mostra receita e margem operacional crescentes.'],
  ['doc-a', 'pt', ['financial', 'customer'], 'Relatório de indicadores: receita por cliente e relatório de rentabilidade por segmento.'],
  ['doc-a', 'pt', ['customer'], 'A satisfação dos clientes e a retenção orientam a proposta de valor.'],
  ['doc-a', 'pt', ['process'], 'Processos internos de qualidade reduzem o tempo de ciclo da produção.'],
  ['doc-b', 'en', ['learning'], 'Employee training and information systems build organisational capital.'],
  ['doc-b', 'en', ['financial'], 'The financial report tracks revenue growth and return on capital.'],
  ['doc-b', 'en', ['customer'], 'Customer retention and acquisition drive market share.'],
  ['doc-b', 'en', ['process'], 'Innovation processes shorten product development time.'],
  ['doc-c', 'pt', ['learning'], 'Capacitação das pessoas e cultura de aprendizado sustentam a estratégia.'],
  ['doc-c', 'pt', ['process', 'learning'], 'Indicadores de processos e competências estratégicas da equipe.'],
  ['doc-c', 'en', ['financial'], 'Cost reduction and asset utilisation improve productivity.'],
  ['doc-c', 'pt', [], 'Mapa estratégico com objetivos, metas e iniciativas.'],
];

/** A seeded generator, so the vectors (and the expected orders) are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function contractCorpus(): ContractChunk[] {
  const rand = mulberry32(20240917);
  return texts.map(([documentId, lang, perspectives, text], i) => ({
    chunkId: 101 + i,
    documentId,
    lang,
    perspectives,
    text,
    terms: analyzeForIndex(text, lang),
    vector: Float32Array.from({ length: CONTRACT_DIMS }, () => rand() * 2 - 1),
  }));
}

/** Writes the corpus as the import would (documents, chunks, FTS rows), for adapters that read the database. */
export function insertCorpusRows(db: Database.Database, chunks: ContractChunk[]): void {
  const now = new Date().toISOString();
  const insertDoc = db.prepare(`INSERT OR IGNORE INTO documents (id, sha256, filename, mime, bytes, page_count, title, lang, status, created_at, indexed_at)
    VALUES (?, ?, ?, 'text/plain', 100, 1, ?, ?, 'indexed', ?, ?)`);
  const insertChunk = db.prepare(`INSERT INTO chunks (id, document_id, ord, page_start, page_end, heading_path, text, context, lang)
    VALUES (?, ?, ?, 1, 1, '', ?, NULL, ?)`);
  const insertFts = db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)');
  db.transaction(() => {
    chunks.forEach((c, ord) => {
      insertDoc.run(c.documentId, `sha-${c.documentId}`, `${c.documentId}.txt`, c.documentId, c.lang, now, now);
      insertChunk.run(c.chunkId, c.documentId, ord, c.text, c.lang);
      insertFts.run(c.chunkId, c.terms);
    });
  })();
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/** The exact dense answer, computed here by brute force. */
function expectedDense(corpus: ContractChunk[], vector: Float32Array, k: number, keep: (c: ContractChunk) => boolean = () => true): number[] {
  return corpus
    .filter(keep)
    .map((c) => ({ id: c.chunkId, s: cosine(vector, c.vector) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.id);
}

/** Query terms analysed as retrieve() does for a Portuguese + English library. */
function queryTerms(question: string): string {
  return [...new Set([...analyzeTerms(question, 'pt'), ...analyzeTerms(question, 'en')])].join(' ');
}

export interface StoreUnderTest {
  store: VectorStore;
  /**
   * 'store' (Qdrant): BM25 searches the store's points. 'library' (embedded): BM25 searches the
   * library's FTS table, so it finds chunks before `add` and after `delete`/`drop`.
   */
  bm25Scope?: 'store' | 'library';
  /** Extra checks after each test (e.g. the Qdrant stand-in saw no spec violation). */
  verify?(): void;
  close(): Promise<void>;
}

export function describeVectorStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: VectorStore;
    let libraryBm25 = false;
    const corpus = contractCorpus();
    const byId = new Map(corpus.map((c) => [c.chunkId, c]));
    const ids = (hits: Array<{ chunkId: number }>) => hits.map((h) => h.chunkId);

    beforeEach(async () => {
      sut = await makeStore();
      store = sut.store;
      libraryBm25 = sut.bm25Scope === 'library';
    });
    afterEach(async () => {
      try {
        sut.verify?.();
      } finally {
        await sut.close();
      }
    });

    const first = corpus[0]!;
    const relatorio = queryTerms('relatório');

    it('is empty before anything is added: count 0 and no hits in any mode', async () => {
      expect(await store.count()).toBe(0);
      expect(await store.query({ mode: 'dense', vector: first.vector, k: 5 })).toEqual([]);
      for (const mode of ['bm25', 'hybrid'] as const) {
        const hits = ids(await store.query({ mode, vector: first.vector, terms: relatorio, k: 5 }));
        expect(hits.sort()).toEqual(libraryBm25 ? [101, 102] : []);
      }
    });

    it('counts what was added and finds dense neighbours nearest first, exactly', async () => {
      await store.add(corpus);
      expect(await store.count()).toBe(corpus.length);
      for (const probe of [corpus[0]!, corpus[4]!, corpus[9]!]) {
        const hits = await store.query({ mode: 'dense', vector: probe.vector, k: 5 });
        expect(ids(hits)).toEqual(expectedDense(corpus, probe.vector, 5));
        expect(hits[0]?.score).toBeCloseTo(1, 4);
        for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score + 1e-6);
      }
    });

    it('honours k in every mode', async () => {
      await store.add(corpus);
      const all = queryTerms('relatório receita clientes processos indicadores');
      for (const k of [1, 3]) {
        for (const mode of ['dense', 'bm25', 'hybrid'] as const) {
          expect(await store.query({ mode, vector: first.vector, terms: all, k })).toHaveLength(k);
        }
      }
      expect(await store.query({ mode: 'dense', vector: first.vector, k: 100 })).toHaveLength(corpus.length);
    });

    it('finds by BM25 exactly the chunks that hold a query term, the one with both terms first', async () => {
      await store.add(corpus);
      const hits = await store.query({ mode: 'bm25', terms: relatorio, k: 10 });
      const wanted = relatorio.split(' ');
      const holders = corpus.filter((c) => c.terms.split(' ').some((t) => wanted.includes(t))).map((c) => c.chunkId);
      expect(holders.length).toBe(2);
      expect(new Set(ids(hits))).toEqual(new Set(holders));
      // Chunk 102 has "relatório" twice and "indicadores"; only it holds both terms.
      const two = await store.query({ mode: 'bm25', terms: queryTerms('relatório de indicadores'), k: 10 });
      expect(two[0]?.chunkId).toBe(102);
      expect(ids(two)).toEqual(expect.arrayContaining([101, 102, 110]));
      expect(await store.query({ mode: 'bm25', terms: queryTerms('zzyzx'), k: 10 })).toEqual([]);
      expect(await store.query({ mode: 'bm25', terms: '', k: 10 })).toEqual([]);
    });

    it('fuses dense and BM25 in hybrid mode: both sides contribute, no duplicates, best first', async () => {
      await store.add(corpus);
      // The vector points at chunk 105 (English), the terms at the Portuguese "relatório" chunks.
      const probe = byId.get(105)!;
      const hits = await store.query({ mode: 'hybrid', vector: probe.vector, terms: relatorio, k: 6 });
      expect(hits.length).toBeLessThanOrEqual(6);
      expect(new Set(ids(hits)).size).toBe(hits.length);
      expect(ids(hits)).toEqual(expect.arrayContaining([105, 101, 102]));
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      // A chunk first in both lists is first after fusion.
      const agree = await store.query({ mode: 'hybrid', vector: byId.get(102)!.vector, terms: queryTerms('relatório de indicadores'), k: 3 });
      expect(agree[0]?.chunkId).toBe(102);
      // Weighting one side to zero leaves the other side's order.
      const denseOnly = await store.query({ mode: 'hybrid', vector: probe.vector, terms: relatorio, k: 3, weights: { dense: 1, bm25: 0 } });
      expect(ids(denseOnly)[0]).toBe(105);
    });

    it('filters by document, perspective (any of) and language in every mode', async () => {
      await store.add(corpus);
      const terms = queryTerms('relatório receita clientes processos indicadores estratégia capital');
      const cases: Array<[VectorQuery['filter'], (c: ContractChunk) => boolean]> = [
        [{ documentIds: ['doc-b'] }, (c) => c.documentId === 'doc-b'],
        [{ documentIds: ['doc-a', 'doc-c'] }, (c) => c.documentId !== 'doc-b'],
        [{ perspectives: ['customer'] }, (c) => c.perspectives.includes('customer')],
        [{ perspectives: ['process', 'learning'] }, (c) => c.perspectives.some((p) => p === 'process' || p === 'learning')],
        [{ langs: ['en'] }, (c) => c.lang === 'en'],
        [{ documentIds: ['doc-c'], langs: ['pt'], perspectives: ['learning'] }, (c) => c.documentId === 'doc-c' && c.lang === 'pt' && c.perspectives.includes('learning')],
      ];
      for (const [filter, keep] of cases) {
        const dense = await store.query({ mode: 'dense', vector: first.vector, k: 4, filter });
        expect(ids(dense), JSON.stringify(filter)).toEqual(expectedDense(corpus, first.vector, 4, keep));
        for (const mode of ['bm25', 'hybrid'] as const) {
          const hits = await store.query({ mode, vector: first.vector, terms, k: 20, filter });
          expect(hits.length, `${mode} ${JSON.stringify(filter)}`).toBeGreaterThan(0);
          for (const h of hits) expect(keep(byId.get(h.chunkId)!), `${mode} ${JSON.stringify(filter)} → ${h.chunkId}`).toBe(true);
        }
      }
      expect(await store.query({ mode: 'hybrid', vector: first.vector, terms, k: 5, filter: { documentIds: [] } })).toEqual([]);
      expect(await store.query({ mode: 'dense', vector: first.vector, k: 5, filter: { documentIds: ['no-such-doc'] } })).toEqual([]);
    });

    it('deletes a whole document', async () => {
      await store.add(corpus);
      await store.delete({ documentId: 'doc-a' });
      const left = corpus.filter((c) => c.documentId !== 'doc-a');
      expect(await store.count()).toBe(left.length);
      expect(ids(await store.query({ mode: 'dense', vector: first.vector, k: 20 }))).toEqual(expectedDense(left, first.vector, 20));
      expect(ids(await store.query({ mode: 'bm25', terms: relatorio, k: 10 })).sort()).toEqual(libraryBm25 ? [101, 102] : []);
      await store.delete({ documentId: 'no-such-doc' });
      expect(await store.count()).toBe(left.length);
    });

    it('deletes by chunk ids', async () => {
      await store.add(corpus);
      await store.delete({ chunkIds: [101, 105, 999] });
      expect(await store.count()).toBe(corpus.length - 2);
      const hits = ids(await store.query({ mode: 'dense', vector: first.vector, k: 20 }));
      expect(hits).not.toContain(101);
      expect(hits).not.toContain(105);
      expect(ids(await store.query({ mode: 'bm25', terms: relatorio, k: 10 })).sort()).toEqual(libraryBm25 ? [101, 102] : [102]);
    });

    it('re-adding is an upsert: no duplicates, and the new vector and payload replace the old', async () => {
      await store.add(corpus);
      await store.add(corpus);
      expect(await store.count()).toBe(corpus.length);
      const target = byId.get(108)!;
      const moved = { ...corpus[0]!, vector: target.vector, perspectives: ['learning'] as Perspective[] };
      await store.add([moved]);
      expect(await store.count()).toBe(corpus.length);
      const top = await store.query({ mode: 'dense', vector: target.vector, k: 2 });
      expect(new Set(ids(top))).toEqual(new Set([101, 108]));
      expect(top[1]?.score).toBeCloseTo(1, 4);
      const learning = ids(await store.query({ mode: 'dense', vector: target.vector, k: 20, filter: { perspectives: ['learning'] } }));
      expect(learning).toContain(101);
      expect(ids(await store.query({ mode: 'dense', vector: target.vector, k: 20, filter: { perspectives: ['financial'] } }))).not.toContain(101);
    });

    it('keeps points without a vector for BM25 only', async () => {
      await store.add(corpus.map((c) => (c.chunkId === 102 ? { ...c, vector: null } : c)));
      expect(await store.count()).toBe(corpus.length);
      expect(ids(await store.query({ mode: 'dense', vector: byId.get(102)!.vector, k: 20 }))).not.toContain(102);
      expect(ids(await store.query({ mode: 'bm25', terms: relatorio, k: 10 }))).toContain(102);
    });

    it('drops everything and can be filled again', async () => {
      await store.add(corpus);
      await store.drop();
      expect(await store.count()).toBe(0);
      expect(await store.query({ mode: 'dense', vector: first.vector, k: 5 })).toEqual([]);
      expect(ids(await store.query({ mode: 'bm25', terms: relatorio, k: 5 })).sort()).toEqual(libraryBm25 ? [101, 102] : []);
      await store.add(corpus.slice(0, 3));
      expect(await store.count()).toBe(3);
      expect(ids(await store.query({ mode: 'dense', vector: first.vector, k: 1 }))).toEqual([101]);
    });

    it('refuses a vector of the wrong dimensions and stops on an aborted signal', async () => {
      await store.add(corpus);
      await expect(store.query({ mode: 'dense', vector: new Float32Array(CONTRACT_DIMS + 1), k: 3 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(store.add([{ ...first, vector: new Float32Array(CONTRACT_DIMS * 2) }])).rejects.toMatchObject({ code: 'BAD_INPUT' });
      const aborted = AbortSignal.abort();
      await expect(store.query({ mode: 'dense', vector: first.vector, k: 3 }, { signal: aborted })).rejects.toMatchObject({ code: 'CANCELLED' });
      await expect(store.add(corpus, { signal: aborted })).rejects.toMatchObject({ code: 'CANCELLED' });
    });
  });
}
