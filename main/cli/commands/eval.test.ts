import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bsc, removedAfterEach } from '../../../test/cli-harness';
import { tempDataDir } from '../../../test/run-server';
import { findRepoRoot, formatTable, rankedPassages, type RetrievalEval, type RouterEval } from './eval';

const dirs = removedAfterEach();
const cli = bsc;

function workspace() {
  const dir = tempDataDir('bsc-eval-test-');
  dirs.push(dir);
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };
  return { dir, dataDir: path.join(dir, 'data'), write };
}

const passages = [
  { id: 'FIN::p000', title: 'Finanças', text: 'O fluxo de caixa da empresa mostra as entradas e as saídas de dinheiro ao longo do mês.' },
  { id: 'RH::p000', title: 'Pessoas', text: 'Os funcionários participam de um treinamento anual sobre segurança no laboratório.' },
  { id: 'MKT::p000', title: 'Mercado', text: 'A pesquisa de satisfação dos clientes é enviada por correio eletrônico depois de cada compra.' },
];
const questions = [
  { id: 'q1', question: 'O que mostra o fluxo de caixa?', passage_id: 'FIN::p000' },
  { id: 'q2', question: 'Quando acontece o treinamento dos funcionários?', passage_id: 'RH::p000' },
  { id: 'q3', question: 'Como é enviada a pesquisa de satisfação?', passage_id: 'MKT::p000' },
  // Shares no word with its gold passage, so the gold is never retrieved: a known miss.
  { id: 'q4', question: 'Quem participa do treinamento anual?', passage_id: 'FIN::p000' },
];

describe('bsc eval retrieval', () => {
  it('imports the passages through the engine, asks every question and scores the gold ranks', async () => {
    const w = workspace();
    const dataset = w.write('tiny.json', { source: 'tiny', split: 'dev', passages, questions });
    const out = path.join(w.dir, 'result.json');
    const r = await cli(['eval', 'retrieval', '--dataset', dataset, '--mode', 'bm25', '--out', out, '--data-dir', w.dataDir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(out, 'utf8')) as RetrievalEval;
    expect(result.dataset).toMatchObject({ passages: 3, questions: 4, source: 'tiny' });
    expect(result.runs.map((run) => run.variant)).toEqual(['default chunks', 'one chunk per passage']);
    for (const run of result.runs) {
      expect(run.mode).toBe('bm25');
      expect(run.questions.map((q) => q.rank)).toEqual([1, 1, 1, null]);
      expect(run.questions[3]!.top).toBe('RH::p000');
      expect(run.summary).toEqual({ n: 4, recallAt5: 0.75, recallAt10: 0.75, mrr: 0.75, ndcgAt10: 0.75 });
    }
    expect(r.out).toMatch(/bm25 +default chunks \(1200\/150\) +0\.750 +0\.750 +0\.750 +0\.750/);
    // The user's data folder is not where the passages go.
    expect(fs.existsSync(path.join(w.dataDir, 'documents')) ? fs.readdirSync(path.join(w.dataDir, 'documents')) : []).toEqual([]);
  });

  it('scores a duplicated passage against the copy that was stored, and says why dense/hybrid were skipped', async () => {
    const w = workspace();
    const copy = { ...passages[0]!, id: 'FIN-COPY::p000' };
    const dataset = w.write('dup.json', {
      passages: [...passages, copy],
      questions: [{ id: 'd1', question: 'Para que serve o fluxo de caixa?', passage_id: 'FIN-COPY::p000' }],
    });
    const r = await cli(['eval', 'retrieval', '--dataset', dataset, '--json', '--out', path.join(w.dir, 'r.json'), '--data-dir', w.dataDir]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as RetrievalEval;
    expect(result.runs[0]!.questions[0]).toMatchObject({ rank: 1, gold: 'FIN::p000' });
    expect(result.skipped.map((s) => s.mode)).toEqual(['dense', 'hybrid']);
    expect(result.skipped[0]!.reason).toMatch(/no embedding provider/);
  });

  it('exits 1 when only an unavailable mode is asked, 2 on bad usage, 1 on a missing or malformed file', async () => {
    const w = workspace();
    const dataset = w.write('tiny.json', { passages, questions });
    const dense = await cli(['eval', 'retrieval', '--dataset', dataset, '--mode', 'dense', '--out', path.join(w.dir, 'd.json'), '--data-dir', w.dataDir]);
    expect(dense.code).toBe(1);
    expect(dense.err).toMatch(/dense skipped \(no embedding provider/);
    expect((await cli(['eval', 'retrieval', '--data-dir', w.dataDir])).code).toBe(2);
    expect((await cli(['eval', 'retrieval', '--dataset', dataset, '--mode', 'fuzzy', '--data-dir', w.dataDir])).code).toBe(2);
    expect((await cli(['eval', 'sideways', '--data-dir', w.dataDir])).code).toBe(2);
    const missing = await cli(['eval', 'retrieval', '--dataset', path.join(w.dir, 'nope.json'), '--data-dir', w.dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/NOT_FOUND.*nope\.json/);
    const orphan = w.write('orphan.json', { passages, questions: [{ id: 'x', question: 'caixa', passage_id: 'nowhere' }] });
    const bad = await cli(['eval', 'retrieval', '--dataset', orphan, '--data-dir', w.dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/BAD_INPUT.*passage nowhere/);
  });
});

describe('bsc eval router', () => {
  it('prints predicted vs expected per question and scores the router beside "always all four"', async () => {
    const w = workspace();
    const dataset = w.write('router.json', {
      source: 'metadata is ignored',
      factual_queries: [
        { id: 'r1', query: 'Quais são os KPIs da perspectiva financeira?', expected_perspectives: ['financial'] },
        { id: 'r2', query: 'Como medir a satisfação do cliente?', expected_perspectives: ['customer'] },
        // A deliberately wrong expectation: the router must be scored as missing it.
        { id: 'r3', query: 'Como reduzir os custos operacionais?', expected_perspectives: ['learning'] },
      ],
      edge_cases: [{ id: 'r4', query: 'BSC?', expected_perspectives: [] }],
    });
    const out = path.join(w.dir, 'router-result.json');
    const r = await cli(['eval', 'router', '--dataset', dataset, '--out', out, '--data-dir', w.dataDir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MISS +r3 +L +F /);
    expect(r.out).toMatch(/ok +r4 +\(clarify\) +\(clarify\)/);
    expect(r.out).toMatch(/lexical +3\/4 +0\.750 +0\.667 +0\.667 +0\.667/);
    expect(r.out).toMatch(/always all four +0\/4 +0\.000 +0\.188 +1\.000 +0\.316/);
    const saved = JSON.parse(fs.readFileSync(out, 'utf8')) as RouterEval;
    expect(saved.questions.map((q) => [q.id, q.group, q.predicted, q.exact])).toEqual([
      ['r1', 'factual_queries', ['financial'], true],
      ['r2', 'factual_queries', ['customer'], true],
      ['r3', 'factual_queries', ['financial'], false],
      ['r4', 'edge_cases', [], true],
    ]);
    expect(saved.score.exact).toBe(0.75);
  });

  it('rejects a file whose questions name an unknown perspective', async () => {
    const w = workspace();
    const dataset = w.write('bad.json', { q: [{ id: 'x', query: 'custos', expected_perspectives: ['marketing'] }] });
    const r = await cli(['eval', 'router', '--dataset', dataset, '--data-dir', w.dataDir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/BAD_INPUT/);
  });
});

describe('eval helpers', () => {
  it('collapses chunk hits to distinct passages in rank order, dropping unknown files', () => {
    const byFile = new Map([['a.txt', 'A'], ['b.txt', 'B'], ['c.txt', 'C']]);
    const hits = ['a.txt', 'a.txt', 'x.txt', 'c.txt', 'b.txt', 'c.txt'].map((filename) => ({ filename }));
    expect(rankedPassages(hits, byFile)).toEqual(['A', 'C', 'B']);
    expect(rankedPassages(hits, byFile, 2)).toEqual(['A', 'C']);
  });

  it('finds the repository from this file and aligns numeric columns right', () => {
    expect(fs.existsSync(path.join(findRepoRoot(), 'main/engine/agents/fixtures/router-heldout.json'))).toBe(true);
    expect(formatTable(['name', 'n'], [['a', '1.5'], ['bbb', '10.25']])).toBe('  name      n\n  a       1.5\n  bbb   10.25\n');
  });
});
