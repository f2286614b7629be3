import fs from 'node:fs';
import path from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import type * as Ort from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { BscError, throwIfCancelled } from '../errors';
import { embeddingFingerprint, type EmbeddingProvider } from './provider';

/** Folder name (under resources/models/) of the model scripts/fetch-model installs. */
export const DEFAULT_LOCAL_MODEL_FOLDER = 'multilingual-e5-small';

/** Where scripts/fetch-model installs its model by default, for settings whose modelDir is null. */
export function defaultLocalModelDir(resourcesDir: string): string {
  return path.join(resourcesDir, 'models', DEFAULT_LOCAL_MODEL_FOLDER);
}

/** What scripts/fetch-model writes beside the files, so a folder says how its model is meant to be used. */
export interface LocalModelCard {
  id: string;
  revision?: string;
  pooling?: 'mean' | 'cls';
  /** e5 models were trained with "query: " / "passage: " before every text. */
  prefix?: string;
  maxLength?: number;
}
export const MODEL_CARD_FILE = 'MODEL.json';

export interface OnnxEmbeddingOptions {
  modelDir: string;
  /** Names the model in the fingerprint (and so in every cache key). */
  model: string;
  /** Tokens per text, special tokens included; longer texts are truncated. */
  maxLength?: number;
  /** Texts per embed() slice callers plan with (EmbeddingProvider.maxBatch). */
  batchSize: number;
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  /** Put before every text (e5: "query: "). */
  prefix?: string;
  /** Padded tokens per model run: bounds the memory of one run (attention grows with batch × length²). */
  maxTokensPerRun?: number;
}

interface Files {
  tokenizer: string;
  tokenizerConfig: string | undefined;
  model: string;
}

interface LoadedModel {
  ort: typeof Ort;
  session: InferenceSession;
  tokenizer: Tokenizer;
  /** The graph's integer inputs we feed, with the element type each wants. */
  inputs: Array<{ name: 'input_ids' | 'attention_mask' | 'token_type_ids'; type: 'int64' | 'int32' }>;
  output: string;
  padId: number;
  specialIds: Set<number>;
  maxLength: number;
}

interface EncodedText {
  ids: number[];
  typeIds: number[] | undefined;
}

const probeText = 'dimension probe';
const knownInputs = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/** The files of a model folder, or PROVIDER_UNAVAILABLE naming what is missing and how to get it. */
export function localModelFiles(modelDir: string): Files {
  const tokenizer = path.join(modelDir, 'tokenizer.json');
  const model = [path.join(modelDir, 'model.onnx'), path.join(modelDir, 'onnx', 'model.onnx')].find(isFile);
  if (!isFile(tokenizer) || !model) {
    const missing = !fs.existsSync(modelDir) ? 'the folder' : !isFile(tokenizer) ? 'tokenizer.json' : 'model.onnx';
    throw new BscError('PROVIDER_UNAVAILABLE', `No local embedding model in ${modelDir}: run npm run fetch-model (missing ${missing}).`, { modelDir, missing });
  }
  const config = path.join(modelDir, 'tokenizer_config.json');
  return { tokenizer, tokenizerConfig: isFile(config) ? config : undefined, model };
}

/** MODEL.json of the folder, when scripts/fetch-model wrote one (a hand-made folder may have none). */
export function readLocalModelCard(modelDir: string): LocalModelCard | undefined {
  try {
    const card = JSON.parse(fs.readFileSync(path.join(modelDir, MODEL_CARD_FILE), 'utf8')) as LocalModelCard;
    return typeof card.id === 'string' && card.id ? card : undefined;
  } catch {
    return undefined;
  }
}

/** The model's name for fingerprints: its id and revision from MODEL.json, else the folder's name. */
export function localModelName(modelDir: string, card = readLocalModelCard(modelDir)): string {
  if (!card) return path.basename(path.resolve(modelDir));
  return card.revision ? `${card.id}@${card.revision.slice(0, 12)}` : card.id;
}

/**
 * Embeds in this process with onnxruntime (CPU). The model is loaded on first use; runs are
 * serialised, since one run already uses every core and parallel runs would only fight for them.
 */
/** The model's input tensors for one padded batch, and the attention mask pooling reads (1 = a real token, 0 = padding). */
function feedsFor(m: LoadedModel, batch: EncodedText[]): { feeds: Record<string, Tensor>; mask: Uint8Array } {
  const rows = batch.length;
  const width = Math.max(...batch.map((e) => e.ids.length));
  const mask = new Uint8Array(rows * width);
  batch.forEach((e, r) => mask.fill(1, r * width, r * width + e.ids.length));
  const feeds: Record<string, Tensor> = {};
  for (const input of m.inputs) {
    const data = input.type === 'int64' ? new BigInt64Array(rows * width) : new Int32Array(rows * width);
    batch.forEach((e, r) => {
      const row = input.name === 'input_ids' ? e.ids : input.name === 'token_type_ids' ? e.typeIds : undefined;
      for (let t = 0; t < width; t++) {
        const inText = t < e.ids.length;
        const value = input.name === 'attention_mask' ? (inText ? 1 : 0) : inText ? (row?.[t] ?? 0) : input.name === 'input_ids' ? m.padId : 0;
        if (data instanceof BigInt64Array) data[r * width + t] = BigInt(value);
        else data[r * width + t] = value;
      }
    });
    feeds[input.name] = new m.ort.Tensor(data, [rows, width]);
  }
  return { feeds, mask };
}

export function createOnnxEmbeddingProvider(o: OnnxEmbeddingOptions): EmbeddingProvider {
  const files = localModelFiles(o.modelDir); // fail at creation, as a missing API key does
  const pooling = o.pooling ?? 'mean';
  const normalize = o.normalize ?? true;
  const prefix = o.prefix ?? '';
  const maxTokensPerRun = o.maxTokensPerRun ?? 8192;
  let dimensions = 0;
  let loading: Promise<LoadedModel> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): Promise<LoadedModel> => {
    loading ??= loadModel(files, o).catch((err: unknown) => {
      loading = undefined; // the user may fix the folder (fetch-model) without restarting
      throw err;
    });
    return loading;
  };

  const runBatch = async (m: LoadedModel, batch: EncodedText[]): Promise<Float32Array[]> => {
    const { feeds, mask } = feedsFor(m, batch);
    let result: InferenceSession.OnnxValueMapType;
    try {
      result = await m.session.run(feeds, [m.output]);
    } catch (err) {
      throw new BscError('PROVIDER_UNAVAILABLE', `The local embedding model (${o.model}) failed to run: ${err instanceof Error ? err.message : String(err)}`, { modelDir: o.modelDir });
    }
    const out = result[m.output];
    if (!out || !(out.data instanceof Float32Array)) throw badModel(`its output ${m.output} is not float32`);
    const vectors = poolHiddenState(out.data, out.dims, mask, pooling);
    if (normalize) vectors.forEach(l2Normalize);
    const dim = vectors[0]?.length ?? 0;
    if (dimensions === 0) dimensions = dim;
    if (dim !== dimensions) throw badModel(`it returned ${dim}-dimension vectors, expected ${dimensions}`);
    return vectors;
  };

  const badModel = (what: string) =>
    new BscError('PROVIDER_UNAVAILABLE', `The local embedding model in ${o.modelDir} cannot be used: ${what}.`, { modelDir: o.modelDir });

  /** Runs one at a time, in call order; a cancelled caller leaves the queue without running. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const provider: EmbeddingProvider = {
    id: 'local-onnx',
    model: o.model,
    get dimensions() {
      return dimensions;
    },
    get fingerprint() {
      return embeddingFingerprint('local-onnx', o.model, dimensions);
    },
    maxBatch: o.batchSize,

    async embed(texts, opts = {}) {
      const { signal } = opts;
      throwIfCancelled(signal);
      if (texts.length === 0) return [];
      const blank = texts.findIndex((t) => typeof t !== 'string' || t.trim() === '');
      if (blank >= 0) throw new BscError('BAD_INPUT', `Text ${blank} is empty; an embedding needs some text.`);
      const m = await load();
      throwIfCancelled(signal);
      const encoded = texts.map((t) => encodeText(m, prefix + t));
      const out: Float32Array[] = new Array(texts.length);
      for (const batch of planRuns(encoded.map((e) => e.ids.length), o.batchSize, maxTokensPerRun)) {
        const vectors = await exclusive(async () => {
          throwIfCancelled(signal); // between batches: a run itself cannot be interrupted
          return runBatch(m, batch.map((i) => encoded[i]!));
        });
        batch.forEach((i, k) => (out[i] = vectors[k]!));
      }
      return out;
    },

    async resolveDimensions(opts = {}) {
      if (dimensions === 0) {
        const m = await load();
        const declared = outputWidth(m.session, m.output);
        if (declared) dimensions = declared;
        else await provider.embed([probeText], opts);
      }
      return dimensions;
    },
  };
  return provider;
}

async function loadModel(files: Files, o: OnnxEmbeddingOptions): Promise<LoadedModel> {
  const unusable = (what: string, err?: unknown) =>
    new BscError('PROVIDER_UNAVAILABLE', `The local embedding model in ${o.modelDir} cannot be used: ${what}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}.`, { modelDir: o.modelDir });
  // Loaded here, not at import: an engine that never embeds locally never maps the native library.
  const [ort, { Tokenizer }] = await Promise.all([import('onnxruntime-node'), import('@huggingface/tokenizers')]);
  let tokenizer: Tokenizer;
  let config: Record<string, unknown> = {};
  try {
    if (files.tokenizerConfig) config = JSON.parse(fs.readFileSync(files.tokenizerConfig, 'utf8')) as Record<string, unknown>;
    tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(files.tokenizer, 'utf8')) as object, config);
  } catch (err) {
    throw unusable('its tokenizer cannot be read', err);
  }
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(files.model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  } catch (err) {
    throw unusable('onnxruntime cannot load model.onnx', err);
  }
  const unexpected = session.inputNames.filter((n) => !knownInputs.has(n));
  if (!session.inputNames.includes('input_ids') || unexpected.length > 0) {
    await session.release().catch(() => undefined);
    throw unusable(`its inputs are ${session.inputNames.join(', ')}; a text encoder takes input_ids, attention_mask and optionally token_type_ids`);
  }
  const inputs = session.inputNames.map((name) => {
    const meta = session.inputMetadata.find((x) => x.name === name);
    const type = meta && meta.isTensor && meta.type === 'int32' ? ('int32' as const) : ('int64' as const);
    return { name: name as LoadedModel['inputs'][number]['name'], type };
  });
  const output = ['last_hidden_state', 'token_embeddings', 'sentence_embedding'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
  if (!output) throw unusable('it has no outputs');

  const specials = [...tokenizer.get_added_tokens_decoder().entries()].filter(([, t]) => t.special).map(([id]) => id);
  const padToken = typeof config.pad_token === 'string' ? config.pad_token : undefined;
  const padId = [padToken, '[PAD]', '<pad>'].map((t) => (t ? tokenizer.token_to_id(t) : undefined)).find((id) => id !== undefined) ?? 0;
  const configMax = typeof config.model_max_length === 'number' && config.model_max_length < 1e6 ? config.model_max_length : Infinity;
  return { ort, session, tokenizer, inputs, output, padId, specialIds: new Set(specials), maxLength: Math.max(2, Math.min(o.maxLength ?? 512, configMax)) };
}

function encodeText(m: LoadedModel, text: string): EncodedText {
  // Cut absurdly long texts before tokenizing: no token covers 32 characters, so nothing kept is lost.
  const clipped = text.length > m.maxLength * 32 ? text.slice(0, m.maxLength * 32) : text;
  const wantTypes = m.inputs.some((i) => i.name === 'token_type_ids');
  const e = wantTypes ? m.tokenizer.encode(clipped, { return_token_type_ids: true }) : m.tokenizer.encode(clipped);
  let ids = e.ids;
  let typeIds = e.token_type_ids;
  if (ids.length > m.maxLength) {
    // Truncate the text, keep the closing special token ([SEP], </s>) the model was trained to see.
    const last = ids[ids.length - 1]!;
    const keepLast = m.specialIds.has(last);
    const head = keepLast ? m.maxLength - 1 : m.maxLength;
    ids = keepLast ? [...ids.slice(0, head), last] : ids.slice(0, head);
    typeIds = typeIds && (keepLast ? [...typeIds.slice(0, head), typeIds[typeIds.length - 1]!] : typeIds.slice(0, head));
  }
  return { ids, typeIds };
}

/**
 * Groups text positions into model runs: texts of similar length together (less padding), at
 * most `maxTexts` per run and `maxTokens` padded tokens per run (one long text still runs alone).
 */
export function planRuns(lengths: readonly number[], maxTexts: number, maxTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const runs: number[][] = [];
  let current: number[] = [];
  let width = 0;
  for (const i of order) {
    const w = Math.max(width, lengths[i]!);
    if (current.length > 0 && (current.length >= maxTexts || w * (current.length + 1) > maxTokens)) {
      runs.push(current);
      current = [];
    }
    width = current.length === 0 ? lengths[i]! : w;
    current.push(i);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/**
 * One vector per row from a model's output: [batch, seq, dim] is mean-pooled over the tokens
 * whose mask is 1 (padding never counts) or reduced to the first (CLS) token; [batch, dim] is
 * already pooled.
 */
export function poolHiddenState(data: Float32Array, dims: readonly number[], mask: ArrayLike<number>, pooling: 'mean' | 'cls'): Float32Array[] {
  if (dims.length === 2) {
    const [rows, dim] = dims as [number, number];
    return Array.from({ length: rows }, (_, r) => data.slice(r * dim, (r + 1) * dim));
  }
  if (dims.length !== 3) throw new BscError('PROVIDER_UNAVAILABLE', `The local embedding model returned a tensor of shape [${dims.join(', ')}]; expected [batch, sequence, dimensions].`);
  const [rows, seq, dim] = dims as [number, number, number];
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    if (pooling === 'cls') {
      v.set(data.subarray(r * seq * dim, r * seq * dim + dim));
    } else {
      let count = 0;
      for (let t = 0; t < seq; t++) {
        if (mask[r * seq + t] !== 1) continue;
        count++;
        const base = (r * seq + t) * dim;
        for (let d = 0; d < dim; d++) v[d]! += data[base + d]!;
      }
      if (count > 0) for (let d = 0; d < dim; d++) v[d]! /= count;
    }
    out.push(v);
  }
  return out;
}

function l2Normalize(v: Float32Array): void {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let d = 0; d < v.length; d++) v[d]! /= norm;
}

function outputWidth(session: InferenceSession, output: string): number | undefined {
  const meta = session.outputMetadata.find((m) => m.name === output);
  const last = meta && meta.isTensor ? meta.shape[meta.shape.length - 1] : undefined;
  return typeof last === 'number' && last > 0 ? last : undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
