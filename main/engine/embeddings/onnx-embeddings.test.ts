import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTinyOnnxModel, type TinyModel } from '../../../test/fixtures/make-tiny-onnx-model';
import { BscError } from '../errors';
import { openEmbeddingCache } from './cache';
import { createEmbeddingProvider } from './create-embedding-provider';
import { embedWithCache } from './embed-with-cache';
import { createOnnxEmbeddingProvider, MODEL_CARD_FILE, planRuns, poolHiddenState } from './onnx-embeddings';
import type { EmbeddingProvider } from './provider';

let root: string;
let tiny: TinyModel;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-onnx-'));
  tiny = makeTinyOnnxModel(path.join(root, 'tiny-bsc'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const local = (modelDir = tiny.dir, batchSize = 8): EmbeddingProvider => createEmbeddingProvider({ provider: 'local-onnx', modelDir, batchSize }, {})!;

// Sessions are instances of onnxruntime's InferenceSession class, whose type only shows its factory.
const sessionPrototype = (InferenceSession as unknown as { prototype: InferenceSession }).prototype;
/** Every session.run of onnxruntime in this process, whichever provider made it. */
const countRuns = () => vi.spyOn(sessionPrototype, 'run');

/** What the model should give for these tokens: the normalised mean of their table rows. */
function expected(tokens: string[], t: TinyModel = tiny): Float32Array {
  const v = new Float32Array(t.dimensions);
  for (const tok of tokens) {
    const id = t.vocab.get(tok);
    if (id === undefined) throw new Error(`${tok} is not in the tiny vocabulary`);
    for (let d = 0; d < t.dimensions; d++) v[d]! += t.table[id * t.dimensions + d]! / tokens.length;
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const near = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
};

describe('local ONNX embeddings (real onnxruntime, generated model)', () => {
  it('embeds texts into normalised vectors: the mean of their tokens, [CLS] and [SEP] included', async () => {
    const p = local();
    expect(p.id).toBe('local-onnx');
    const runs = countRuns();
    // The output's declared shape gives the width: no probe run.
    expect(await p.resolveDimensions()).toBe(16);
    expect(runs).not.toHaveBeenCalled();
    expect(p.fingerprint).toBe('local-onnx|tiny-bsc|16');

    const texts = ['Mapa estratégico', 'Receita e lucro da perspectiva financeira', 'Treinamento do colaborador'];
    const vectors = await p.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(16);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    // Lowercased and accents folded by the tokenizer; unknown words ("treinamento") become [UNK].
    near(vectors[0]!, expected(['[CLS]', 'mapa', 'estrategico', '[SEP]']));
    near(vectors[1]!, expected(['[CLS]', 'receita', 'e', 'lucro', 'da', 'perspectiva', 'financeira', '[SEP]']));
    near(vectors[2]!, expected(['[CLS]', '[UNK]', 'do', 'colaborador', '[SEP]']));
  });

  it('gives the same vector for the same text, alone, repeated or beside longer texts (padding never counts)', async () => {
    const p = local();
    const text = 'Meta do indicador';
    const [alone] = await p.embed([text]);
    const again = await p.embed([text, text]);
    const padded = await p.embed(['Balanced scorecard: mapa da estratégia, perspectiva de clientes, processos internos e aprendizado', text, 'kpi']);
    expect(again[0]).toEqual(alone);
    expect(again[1]).toEqual(alone);
    near(padded[1]!, alone!);
    // The batch really was padded: the long text has many more tokens than this one.
    near(alone!, expected(['[CLS]', 'meta', 'do', 'indicador', '[SEP]']));
  });

  it('puts texts that share words (or topics, across languages) closer than unrelated ones', async () => {
    const [a, b, c, d] = await local().embed([
      'receita e lucro da perspectiva financeira',
      'o lucro e a receita',
      'aprendizado e crescimento do colaborador',
      'revenue and profit',
    ]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
    expect(cosine(b!, d!)).toBeGreaterThan(cosine(b!, c!) + 0.2);
  });

  it('runs the model once per batch of texts, and never for texts the cache holds', async () => {
    const cache = openEmbeddingCache(path.join(root, 'cache.sqlite'));
    try {
      const p = local(tiny.dir, 4);
      const texts = Array.from({ length: 10 }, (_, i) => `${['mapa', 'meta', 'kpi', 'receita', 'custo'][i % 5]} ${['cliente', 'processos', 'lucro'][i % 3]}`); // 10 distinct (5 × 3 combinations repeat only after 15)
      const runs = countRuns();
      const first = await embedWithCache(p, cache, texts);
      expect(runs).toHaveBeenCalledTimes(3); // 10 texts, 4 per run
      runs.mockClear();
      const second = await embedWithCache(local(tiny.dir, 4), cache, texts);
      expect(runs).not.toHaveBeenCalled();
      expect(second).toEqual(first);
      expect(cache.stats()).toMatchObject({ entries: 10, hits: 10 });
    } finally {
      cache.close();
    }
  });

  it('keeps the first tokens and the closing [SEP] of a text longer than maxLength', async () => {
    const p = createOnnxEmbeddingProvider({ modelDir: tiny.dir, model: 'tiny', batchSize: 8, maxLength: 5 });
    const [v] = await p.embed(['mapa meta kpi receita custo lucro']);
    near(v!, expected(['[CLS]', 'mapa', 'meta', 'kpi', '[SEP]']));
  });

  it('takes the first token with CLS pooling, and applies a prefix to every text', async () => {
    const cls = createOnnxEmbeddingProvider({ modelDir: tiny.dir, model: 'tiny', batchSize: 8, pooling: 'cls' });
    const [x, y] = await cls.embed(['mapa', 'lucro da perspectiva financeira']);
    near(x!, expected(['[CLS]']));
    near(y!, expected(['[CLS]']));
    const prefixed = createOnnxEmbeddingProvider({ modelDir: tiny.dir, model: 'tiny', batchSize: 8, prefix: 'balanced ' });
    near((await prefixed.embed(['mapa']))[0]!, expected(['[CLS]', 'balanced', 'mapa', '[SEP]']));
  });

  it('reads name, revision and prefix from the MODEL.json scripts/fetch-model writes', async () => {
    const dir = path.join(root, 'with-card');
    const t = makeTinyOnnxModel(dir, { seed: 11 });
    fs.writeFileSync(path.join(dir, MODEL_CARD_FILE), JSON.stringify({ id: 'acme/tiny-e5', revision: '0123456789abcdef0123', prefix: 'scorecard ', pooling: 'mean' }));
    const p = local(dir);
    expect(await p.resolveDimensions()).toBe(16);
    expect(p.fingerprint).toBe('local-onnx|acme/tiny-e5@0123456789ab|16');
    near((await p.embed(['meta']))[0]!, expected(['[CLS]', 'scorecard', 'meta', '[SEP]'], t));
  });

  it('feeds token_type_ids when the model asks for them, and finds onnx/model.onnx', async () => {
    const dir = path.join(root, 'bert-like');
    const t = makeTinyOnnxModel(dir, { inputNames: ['input_ids', 'attention_mask', 'token_type_ids'], inOnnxSubfolder: true, dimensions: 24 });
    expect(fs.existsSync(path.join(dir, 'model.onnx'))).toBe(false);
    const runs = countRuns();
    const p = local(dir);
    const [v] = await p.embed(['cliente satisfacao']);
    expect(Object.keys(runs.mock.calls[0]![0] as object).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    expect(p.dimensions).toBe(24);
    near(v!, expected(['[CLS]', 'cliente', 'satisfacao', '[SEP]'], t));
  });

  it('says clearly when there is no model, and how to get one', () => {
    const missing = path.join(root, 'nowhere');
    const err = catchError(() => local(missing));
    expect(err).toBeInstanceOf(BscError);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: `No local embedding model in ${missing}: run npm run fetch-model (missing the folder).` });

    const half = path.join(root, 'half');
    makeTinyOnnxModel(half);
    fs.rmSync(path.join(half, 'model.onnx'));
    expect(catchError(() => local(half))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringContaining('missing model.onnx') });
    expect(catchError(() => createEmbeddingProvider({ provider: 'local-onnx' }, {}))).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('rejects a model that is not a text encoder, and a damaged file, then recovers once the file is fixed', async () => {
    const odd = path.join(root, 'odd');
    makeTinyOnnxModel(odd, { inputNames: ['input_ids', 'pixel_values'] });
    await expect(local(odd).embed(['mapa'])).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringContaining('its inputs are input_ids, pixel_values') });

    const damaged = path.join(root, 'damaged');
    makeTinyOnnxModel(damaged);
    const good = fs.readFileSync(path.join(damaged, 'model.onnx'));
    fs.writeFileSync(path.join(damaged, 'model.onnx'), good.subarray(0, good.length >> 1));
    const p = local(damaged);
    await expect(p.embed(['mapa'])).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringContaining('onnxruntime cannot load model.onnx') });
    fs.writeFileSync(path.join(damaged, 'model.onnx'), good);
    expect((await p.embed(['mapa']))[0]).toHaveLength(16);
  });

  it('is cancelled before it starts and between batches', async () => {
    const p = local(tiny.dir, 1);
    await expect(p.embed(['mapa'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    await p.embed(['warm up']); // loaded: the cancellation below happens between runs, not while loading

    const controller = new AbortController();
    const real = sessionPrototype.run;
    const runs = vi.spyOn(sessionPrototype, 'run').mockImplementation(function (this: InferenceSession, ...args: Parameters<InferenceSession['run']>) {
      controller.abort();
      return real.apply(this, args);
    });
    await expect(p.embed(['mapa', 'meta', 'kpi', 'custo'], { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('serves concurrent callers correctly (runs are serialised)', async () => {
    const p = local(tiny.dir, 2);
    const [a, b] = await Promise.all([p.embed(['mapa', 'meta', 'kpi']), p.embed(['lucro', 'custo'])]);
    near(a[2]!, expected(['[CLS]', 'kpi', '[SEP]']));
    near(b[1]!, expected(['[CLS]', 'custo', '[SEP]']));
  });

  it('rejects empty texts as bad input', async () => {
    await expect(local().embed(['mapa', '  '])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await local().embed([])).toEqual([]);
  });

  it('measures throughput on the tiny model', async () => {
    const p = local(tiny.dir, 64);
    const words = [...tiny.vocab.keys()].slice(4);
    const texts = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 8 + (i % 40) }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' '));
    await p.embed(texts.slice(0, 10));
    const started = performance.now();
    const vectors = await p.embed(texts);
    const seconds = (performance.now() - started) / 1000;
    expect(vectors).toHaveLength(2000);
    console.log(`tiny ONNX model: ${Math.round(texts.length / seconds)} texts/s (2000 texts of 10–49 tokens, batch 64)`);
  });
});

describe('planRuns', () => {
  it('groups texts of similar length, within the text and padded-token limits', () => {
    const lengths = [5, 100, 7, 90, 6, 8];
    const runs = planRuns(lengths, 3, 200);
    expect(runs.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runs[0]).toEqual([1, 3]); // 100 + 90 padded to 100 each: a third would pass 200 tokens
    expect(runs[1]).toEqual([5, 2, 4]); // three texts at most
    expect(runs[2]).toEqual([0]);
    for (const run of runs) expect(Math.max(...run.map((i) => lengths[i]!)) * run.length).toBeLessThanOrEqual(200);
    expect(planRuns([600], 8, 200)).toEqual([[0]]); // a text longer than the budget still runs, alone
  });
});

describe('poolHiddenState', () => {
  it('averages only masked-in tokens, takes the first for CLS, and passes pooled outputs through', () => {
    const data = Float32Array.from([1, 2, 3, 4, 100, 100, /* row 2 */ 5, 6, 7, 8, 9, 10]);
    const mean = poolHiddenState(data, [2, 3, 2], [1, 1, 0, 1, 1, 1], 'mean');
    expect([...mean[0]!]).toEqual([2, 3]);
    expect([...mean[1]!]).toEqual([7, 8]);
    expect([...poolHiddenState(data, [2, 3, 2], [1, 1, 0, 1, 1, 1], 'cls')[1]!]).toEqual([5, 6]);
    expect(poolHiddenState(Float32Array.from([1, 2, 3, 4]), [2, 2], [], 'mean').map((v) => [...v])).toEqual([[1, 2], [3, 4]]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
