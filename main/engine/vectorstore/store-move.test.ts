import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../../preload/contract';
import { type OpenAIStandin, startOpenAIStandin } from '../../../test/standins/openai-standin';
import { type QdrantStandin, startQdrantStandin } from '../../../test/standins/qdrant-standin';
import { specAvailable } from '../../../test/standins/spec-validator';
import { createBackup } from '../backup/backup';
import { restoreBackup } from '../backup/restore';
import { readBackupManifest } from '../backup/retention';
import { Engine } from '../engine';
import { silentLog } from '../observability/log';

const TERMINAL = new Set(['done', 'failed', 'cancelled', 'needs-password']);
const QUESTIONS = [
  'Quais indicadores usar na perspectiva financeira?',
  'Como medir a satisfação e a retenção de clientes?',
  'O que é um mapa estratégico?',
  'Como calcular o OEE dos processos internos?',
  'Treinamento e engajamento dos colaboradores',
  'What are the four perspectives of the balanced scorecard?',
];

describe.skipIf(!specAvailable('qdrant'))('moving the library between the embedded store and Qdrant', () => {
  let openai: OpenAIStandin;
  let qdrant: QdrantStandin;
  let dir: string;
  let engine: Engine;
  beforeAll(async () => {
    openai = await startOpenAIStandin();
    qdrant = await startQdrantStandin();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-move-'));
    engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog });
    engine.updateSettings({
      embeddings: { provider: 'openai-compatible', baseUrl: openai.url, model: 'standin-embed', dimensions: 64 },
      vectorStore: { qdrantUrl: qdrant.url },
    });
    const jobs = engine.importFiles([{ path: engine.sampleLibraryDir() }]);
    for (;;) {
      const all = engine.lib().queue.jobs().filter((j) => jobs.some((x: ImportJob) => x.id === j.id));
      if (all.length === jobs.length && all.every((j) => TERMINAL.has(j.state))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);
  afterAll(async () => {
    engine.close();
    await qdrant.close();
    await openai.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function topFive(): Promise<string[][]> {
    const out: string[][] = [];
    for (const q of QUESTIONS) out.push((await engine.search({ query: q, k: 5, mode: 'hybrid' })).hits.map((h) => `${h.chunkId}`));
    return out;
  }

  it('rebuilds Qdrant from the database and the cache, switches when complete, and finds essentially the same passages', async () => {
    const before = await topFive();
    expect((await engine.stores().status()).mode).toBe('embedded');
    const calls = openai.stats.embeddingCalls;
    const op = engine.operations().start('move-store', (ctx) => engine.stores().rebuildInto('external', ctx));
    const done = await engine.operations().waitFor(op.id);
    expect(done.state).toBe('done');
    expect(openai.stats.embeddingCalls).toBe(calls); // every vector came from the cache
    expect(engine.currentSettings().vectorStore.mode).toBe('external');
    const status = await engine.stores().status();
    const chunks = (engine.database().prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    expect(status).toMatchObject({ mode: 'external', state: 'ready', points: chunks, healthy: true });
    const after = await topFive();
    expect(engine.vectorStore().kind).toBe('qdrant');
    const overlaps = before.map((b, i) => b.filter((id) => after[i]!.includes(id)).length / 5);
    const mean = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
    console.log(`top-5 overlap embedded vs Qdrant over ${QUESTIONS.length} questions: ${overlaps.map((o) => o.toFixed(1)).join(' ')} (mean ${mean.toFixed(2)})`);
    expect(mean).toBeGreaterThanOrEqual(0.6);
    expect(qdrant.violations).toEqual([]);
    expect(qdrant.responseViolations).toEqual([]);
  });

  it('backs up the Qdrant collection as a snapshot and rebuilds it on restore', async () => {
    const out = path.join(dir, 'qdrant-mode.bscbackup');
    await createBackup(engine, { outPath: out });
    const manifest = (await readBackupManifest(out))!;
    expect(manifest.vectorStore).toEqual({ mode: 'external', snapshot: 'included' });
    expect(manifest.entries.map((e) => e.name)).toContain('qdrant/agente_bsc.snapshot');
    const points = (await engine.stores().status()).points;
    await engine.stores().active().drop(); // lose the collection
    expect((await engine.stores().status()).points).toBe(0);
    const restored = await restoreBackup(engine, out);
    expect(restored.vectorIndex).toBe('rebuilt');
    expect((await engine.stores().status()).points).toBe(points);
    expect(qdrant.violations).toEqual([]);
  });

  it('imports straight into Qdrant in Qdrant mode, and moves back to the embedded store', async () => {
    const note = path.join(dir, 'nota-qdrant.md');
    fs.writeFileSync(note, '# Nota\n\nO zeladorismo estratégico é um termo inventado só para este teste.\n');
    const [job] = engine.importFiles([{ path: note }]);
    for (;;) {
      const j = engine.lib().queue.jobs().find((x) => x.id === job!.id)!;
      if (TERMINAL.has(j.state)) { expect(j.state).toBe('done'); break; }
      await new Promise((r) => setTimeout(r, 25));
    }
    const hits = await engine.search({ query: 'zeladorismo', k: 3, mode: 'hybrid' });
    expect(hits.hits[0]?.store).toBe('qdrant');
    expect(hits.hits[0]?.filename).toBe('nota-qdrant.md');

    const op = engine.operations().start('move-store', (ctx) => engine.stores().rebuildInto('embedded', ctx));
    expect((await engine.operations().waitFor(op.id)).state).toBe('done');
    expect(engine.vectorStore().kind).toBe('embedded');
    const back = await engine.search({ query: 'zeladorismo', k: 3, mode: 'hybrid' });
    expect(back.hits[0]?.filename).toBe('nota-qdrant.md');
    expect(qdrant.violations).toEqual([]);
  });
});
