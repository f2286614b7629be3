import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { Schemas } from '@qdrant/js-client-rest';
import { BscError, throwIfCancelled } from '../errors';
import { chunkPointId } from './point-id';
import { DEFAULT_RRF_K, filterMatchesNothing, hybridCandidateLimit } from './port';
import type { VectorFilter, VectorHit, VectorPoint, VectorQuery, VectorStore } from './port';
import { documentSparseVector, querySparseVector } from './sparse-terms';

/** The Qdrant release we build and test against (major.minor); the bundled binary and Docker image follow it. */
export const QDRANT_TARGET_VERSION = '1.19';

export const DENSE_VECTOR = 'dense';
export const SPARSE_VECTOR = 'bm25';

/** Qdrant refuses requests over 32 MB; we stay far below, and below the point count that makes one request slow. */
const MAX_BATCH_POINTS = 256;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const MAX_DELETE_IDS = 1000;

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  collection: string;
  dimensions: number;
  shardNumber?: number;
  replicationFactor?: number;
  timeoutMs?: number;
}

export interface QdrantVectorStore extends VectorStore {
  readonly kind: 'qdrant';
  readonly serverVersion: string;
  /** A snapshot of the collection on the server (for backups). */
  createSnapshot(): Promise<{ name: string; size: number; checksum: string | null }>;
  /** Streams a snapshot to `toFile` (written beside it, then renamed); checks the checksum when the server gave one. */
  downloadSnapshot(name: string, toFile: string, opts?: { signal?: AbortSignal; checksum?: string | null }): Promise<{ bytes: number; sha256: string }>;
}

/** The server's URL without user info, for messages (the API key never appears in one). */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/**
 * Turns whatever the client threw into a BscError with a message a person can act on.
 * 404 is returned as NOT_FOUND so callers can treat a missing collection as an empty store.
 */
export function qdrantError(err: unknown, what: string, url: string, apiKey?: string): BscError {
  if (err instanceof BscError) return err;
  const where = displayUrl(url);
  const e = err as { name?: string; message?: string; status?: unknown; data?: unknown; cause?: { code?: string; message?: string } };
  const serverMessage = (() => {
    const data = e.data as { status?: { error?: string } } | undefined;
    return typeof data?.status?.error === 'string' ? redact(data.status.error, apiKey).slice(0, 500) : undefined;
  })();
  const status = typeof e.status === 'number' ? e.status : undefined;
  const make = (code: ConstructorParameters<typeof BscError>[0], message: string) =>
    new BscError(code, redact(message, apiKey), { url: where, ...(status !== undefined ? { status } : {}) });
  if (status === 401 || status === 403) return make('PROVIDER_AUTH', `Qdrant at ${where} refused the API key (${status}) while ${what}. Check the key in Settings.`);
  if (status === 404) return make('NOT_FOUND', `Qdrant at ${where}: ${serverMessage ?? 'not found'} (while ${what}).`);
  if (status === 429 || e.name === 'QdrantClientResourceExhaustedError') return make('PROVIDER_RATE_LIMITED', `Qdrant at ${where} is overloaded (429) while ${what}; try again shortly.`);
  if (status !== undefined && status >= 500) return make('PROVIDER_UNAVAILABLE', `Qdrant at ${where} failed (${status}) while ${what}: ${serverMessage ?? 'server error'}.`);
  if (status !== undefined) return make('BAD_INPUT', `Qdrant at ${where} rejected a request (${status}) while ${what}: ${serverMessage ?? 'bad request'}.`);
  if (e.name === 'QdrantClientTimeoutError') return make('PROVIDER_UNAVAILABLE', `Qdrant at ${where} did not answer in time while ${what}.`);
  if (e.name === 'QdrantClientUnexpectedResponseError') return make('PROVIDER_UNAVAILABLE', `Qdrant at ${where} gave an unexpected answer while ${what}.`);
  const cause = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return make('PROVIDER_UNAVAILABLE', `Cannot reach Qdrant at ${where} while ${what} (${cause}). Is it running?`);
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Refuses a server whose major.minor differs from QDRANT_TARGET_VERSION; returns the server's version. */
export async function checkQdrantVersion(client: QdrantClient): Promise<string> {
  const { version } = await client.versionInfo();
  if (majorMinor(version) !== QDRANT_TARGET_VERSION) {
    throw new BscError(
      'PROVIDER_UNAVAILABLE',
      `This Qdrant server runs version ${version}, but Agente BSC works with Qdrant ${QDRANT_TARGET_VERSION}.x. ` +
        `Use a ${QDRANT_TARGET_VERSION} server (or the bundled one), or the embedded store.`,
      { serverVersion: version, targetVersion: QDRANT_TARGET_VERSION },
    );
  }
  return version;
}

/** Settles with `work`, or rejects with CANCELLED as soon as the signal fires (the request may still finish on the server). */
async function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  throwIfCancelled(signal);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new BscError('CANCELLED', 'Cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function qdrantFilter(filter: VectorFilter | undefined): Schemas['Filter'] | undefined {
  if (!filter) return undefined;
  const must: Schemas['FieldCondition'][] = [];
  if (filter.documentIds) must.push({ key: 'document_id', match: { any: filter.documentIds } });
  if (filter.perspectives) must.push({ key: 'perspectives', match: { any: filter.perspectives } });
  if (filter.langs) must.push({ key: 'lang', match: { any: filter.langs } });
  return must.length ? { must } : undefined;
}

interface QdrantPoint {
  id: string;
  vector: Record<string, number[] | { indices: number[]; values: number[] }>;
  payload: { chunk_id: number; document_id: string; lang: string | null; perspectives: string[] };
}

function toQdrantPoint(p: VectorPoint): QdrantPoint {
  const vector: QdrantPoint['vector'] = {};
  if (p.vector) vector[DENSE_VECTOR] = Array.from(p.vector);
  const sparse = documentSparseVector(p.terms);
  if (sparse.indices.length) vector[SPARSE_VECTOR] = sparse;
  return { id: chunkPointId(p.chunkId), vector, payload: { chunk_id: p.chunkId, document_id: p.documentId, lang: p.lang, perspectives: [...p.perspectives] } };
}

/** A point's size as JSON, estimated without serialising it: ~12 bytes a float, ~20 a sparse entry. */
function estimatedBytes(p: QdrantPoint): number {
  const dense = p.vector[DENSE_VECTOR];
  const sparse = p.vector[SPARSE_VECTOR];
  const denseBytes = Array.isArray(dense) ? dense.length * 12 : 0;
  const sparseBytes = sparse && !Array.isArray(sparse) ? sparse.indices.length * 20 : 0;
  return 200 + denseBytes + sparseBytes + p.payload.document_id.length + p.payload.perspectives.length * 12;
}

/** Splits points into upsert requests bounded by count and by estimated JSON bytes. */
export function batchPointsForUpsert<T extends QdrantPoint>(points: T[], maxPoints = MAX_BATCH_POINTS, maxBytes = MAX_BATCH_BYTES): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const p of points) {
    const size = estimatedBytes(p);
    if (current.length && (current.length >= maxPoints || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** What every step of the store needs: the options it was made with and the client talking to the server. */
interface StoreContext extends QdrantStoreOptions {
  client: QdrantClient;
}

type SignalOpts = { signal?: AbortSignal };

/** A `.catch` handler that rethrows as the BscError for `what`. */
function fail(ctx: StoreContext, what: string): (err: unknown) => never {
  return (err: unknown) => {
    throw qdrantError(err, what, ctx.url, ctx.apiKey);
  };
}

/** Makes the client and refuses a server of another version. */
async function connect(opts: QdrantStoreOptions): Promise<{ ctx: StoreContext; serverVersion: string }> {
  const { url, apiKey } = opts;
  let client: QdrantClient;
  try {
    client = new QdrantClient({ url, ...(apiKey ? { apiKey } : {}), timeout: opts.timeoutMs ?? 30_000, checkCompatibility: false });
  } catch (err) {
    throw new BscError('BAD_INPUT', `Not a usable Qdrant URL: ${displayUrl(url)} (${(err as Error).message}).`);
  }
  const ctx: StoreContext = { ...opts, client };
  const serverVersion = await checkQdrantVersion(client).catch(fail(ctx, 'checking its version'));
  return { ctx, serverVersion };
}

/** Refuses an existing collection without our dense + sparse layout at our dimensions. */
async function checkCollectionShape(ctx: StoreContext): Promise<void> {
  const { client, collection, dimensions } = ctx;
  const info = await client.getCollection(collection);
  const vectors = info.config.params.vectors as Record<string, { size?: number }> | undefined;
  const size = vectors?.[DENSE_VECTOR]?.size;
  if (size !== dimensions || !info.config.params.sparse_vectors?.[SPARSE_VECTOR]) {
    throw new BscError(
      'BAD_INPUT',
      `The Qdrant collection "${collection}" holds ${size ?? 'unnamed or no'} dense vectors, not the ${dimensions}-dimensional "${DENSE_VECTOR}" + "${SPARSE_VECTOR}" layout this model needs; rebuild the index.`,
      { collection, indexDimensions: size ?? null, givenDimensions: dimensions, action: 'rebuild-index' },
    );
  }
}

/** Creates the collection (if nobody else just did) and its payload indexes. */
async function createCollectionWithIndexes(ctx: StoreContext): Promise<void> {
  const { client, collection } = ctx;
  try {
    await client.createCollection(collection, {
      vectors: { [DENSE_VECTOR]: { size: ctx.dimensions, distance: 'Cosine' } },
      sparse_vectors: { [SPARSE_VECTOR]: { modifier: 'idf' } },
      shard_number: ctx.shardNumber ?? 1,
      replication_factor: ctx.replicationFactor ?? 1,
    });
  } catch (err) {
    // Another writer created it between our check and our create.
    if ((err as { status?: number }).status !== 409) throw err;
  }
  for (const field of ['document_id', 'perspectives', 'lang']) {
    await client.createPayloadIndex(collection, { field_name: field, field_schema: 'keyword', wait: true });
  }
}

async function prepareCollection(ctx: StoreContext): Promise<void> {
  const { exists } = await ctx.client.collectionExists(ctx.collection);
  if (exists) return checkCollectionShape(ctx);
  return createCollectionWithIndexes(ctx);
}

interface CollectionGate {
  /** Creates the collection and its payload indexes once; checks an existing one has our shape. */
  ensure(): Promise<void>;
  /** Forgets that the collection was prepared (after dropping it). */
  reset(): void;
}

function collectionGate(ctx: StoreContext): CollectionGate {
  let ready: Promise<void> | null = null;
  return {
    ensure() {
      ready ??= prepareCollection(ctx).catch((err: unknown) => {
        ready = null;
        throw qdrantError(err, `preparing the collection "${ctx.collection}"`, ctx.url, ctx.apiKey);
      });
      return ready;
    },
    reset() {
      ready = null;
    },
  };
}

/** Runs a call that treats a missing collection as an empty store. */
async function orEmpty<T>(ctx: StoreContext, work: Promise<T>, empty: T, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const e = qdrantError(err, what, ctx.url, ctx.apiKey);
    if (e.code === 'NOT_FOUND') return empty;
    throw e;
  }
}

function checkVector(dimensions: number, v: Float32Array): void {
  if (v.length !== dimensions) throw new BscError('BAD_INPUT', `A ${v.length}-dimensional vector was given to a store of ${dimensions} dimensions.`);
}

async function upsertPoints(ctx: StoreContext, gate: CollectionGate, points: VectorPoint[], o?: SignalOpts): Promise<void> {
  if (points.length === 0) return;
  for (const p of points) if (p.vector) checkVector(ctx.dimensions, p.vector);
  await raceAbort(gate.ensure(), o?.signal);
  for (const batch of batchPointsForUpsert(points.map(toQdrantPoint))) {
    throwIfCancelled(o?.signal);
    await raceAbort(ctx.client.upsert(ctx.collection, { wait: true, points: batch }).catch(fail(ctx, `adding ${batch.length} points`)), o?.signal);
  }
}

async function deletePoints(ctx: StoreContext, sel: { documentId: string } | { chunkIds: number[] }): Promise<void> {
  const { client, collection } = ctx;
  if ('documentId' in sel) {
    await orEmpty(ctx, client.delete(collection, { wait: true, filter: { must: [{ key: 'document_id', match: { value: sel.documentId } }] } }), null, 'deleting a document');
    return;
  }
  for (let i = 0; i < sel.chunkIds.length; i += MAX_DELETE_IDS) {
    const ids = sel.chunkIds.slice(i, i + MAX_DELETE_IDS).map(chunkPointId);
    await orEmpty(ctx, client.delete(collection, { wait: true, points: ids }), null, `deleting ${ids.length} points`);
  }
}

type SparseQuery = ReturnType<typeof querySparseVector>;

/** The RRF fusion of the dense and sparse candidate lists; null when there is nothing to search with. */
function hybridRequest(q: VectorQuery, dense: number[] | undefined, sparse: SparseQuery | undefined, filter: Schemas['Filter'] | undefined): Schemas['QueryRequest'] | null {
  const limit = hybridCandidateLimit(q.k);
  const prefetch: Schemas['Prefetch'][] = [];
  const weights: number[] = [];
  // The filter goes in each prefetch as well as outside, so every candidate list is filtered.
  if (dense) {
    prefetch.push({ query: dense, using: DENSE_VECTOR, limit, filter });
    weights.push(q.weights?.dense ?? 1);
  }
  if (sparse?.indices.length) {
    prefetch.push({ query: sparse, using: SPARSE_VECTOR, limit, filter });
    weights.push(q.weights?.bm25 ?? 1);
  }
  if (!prefetch.length) return null;
  // Qdrant's own RRF k is 2; we pass ours so both adapters fuse alike.
  return { prefetch, query: { rrf: { k: q.rrfK ?? DEFAULT_RRF_K, ...(q.weights ? { weights } : {}) } }, limit: q.k, filter };
}

/** The query request for `q.mode`; null when the query cannot match anything. */
function queryRequest(q: VectorQuery, dense: number[] | undefined, sparse: SparseQuery | undefined, filter: Schemas['Filter'] | undefined): Schemas['QueryRequest'] | null {
  if (q.mode === 'dense') {
    if (!dense) throw new BscError('BAD_INPUT', 'A dense query needs a vector.');
    return { query: dense, using: DENSE_VECTOR, limit: q.k, filter };
  }
  if (q.mode === 'bm25') {
    if (!sparse?.indices.length) return null;
    return { query: sparse, using: SPARSE_VECTOR, limit: q.k, filter };
  }
  return hybridRequest(q, dense, sparse, filter);
}

async function queryPoints(ctx: StoreContext, q: VectorQuery, o?: SignalOpts): Promise<VectorHit[]> {
  throwIfCancelled(o?.signal);
  if (q.k <= 0 || filterMatchesNothing(q.filter)) return [];
  const filter = qdrantFilter(q.filter);
  const terms = q.terms?.trim() ? q.terms : undefined;
  if (q.vector) checkVector(ctx.dimensions, q.vector);
  const dense = q.vector ? Array.from(q.vector) : undefined;
  const sparse = terms ? querySparseVector(terms) : undefined;
  const request = queryRequest(q, dense, sparse, filter);
  if (!request) return [];
  const result = await raceAbort(
    orEmpty(ctx, ctx.client.query(ctx.collection, { ...request, with_payload: ['chunk_id'], with_vector: false }), { points: [] }, `searching (${q.mode})`),
    o?.signal,
  );
  return result.points.flatMap((p): VectorHit[] => {
    const chunkId = (p.payload as { chunk_id?: unknown } | null | undefined)?.chunk_id;
    return typeof chunkId === 'number' ? [{ chunkId, score: p.score }] : [];
  });
}

async function countPoints(ctx: StoreContext): Promise<number> {
  const { count } = await orEmpty(ctx, ctx.client.count(ctx.collection, { exact: true }), { count: 0 }, 'counting points');
  return count;
}

async function createCollectionSnapshot(ctx: StoreContext): Promise<{ name: string; size: number; checksum: string | null }> {
  const snap = await ctx.client.createSnapshot(ctx.collection, { wait: true }).catch(fail(ctx, 'creating a snapshot'));
  if (!snap) throw new BscError('PROVIDER_UNAVAILABLE', `Qdrant at ${displayUrl(ctx.url)} accepted the snapshot request but did not say which snapshot it made.`);
  return { name: snap.name, size: snap.size, checksum: snap.checksum ?? null };
}

async function downloadCollectionSnapshot(
  ctx: StoreContext,
  name: string,
  toFile: string,
  o: { signal?: AbortSignal; checksum?: string | null } = {},
): Promise<{ bytes: number; sha256: string }> {
  const { url, apiKey, collection } = ctx;
  const base = displayUrl(url);
  const res = await fetch(`${url.replace(/\/$/, '')}/collections/${encodeURIComponent(collection)}/snapshots/${encodeURIComponent(name)}`, {
    headers: apiKey ? { 'api-key': apiKey } : {},
    ...(o.signal ? { signal: o.signal } : {}),
  }).catch((err: unknown) => {
    if (o.signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
    throw qdrantError(err, 'downloading a snapshot', url, apiKey);
  });
  if (!res.ok || !res.body) throw qdrantError({ status: res.status, data: await res.json().catch(() => undefined) }, `downloading the snapshot ${name} from ${base}`, url, apiKey);
  const hash = createHash('sha256');
  let bytes = 0;
  const partial = `${toFile}.partial`;
  try {
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(body, createWriteStream(partial), { signal: o.signal });
    const sha256 = hash.digest('hex');
    if (o.checksum && o.checksum !== sha256) throw new BscError('BACKUP_INVALID', `The snapshot ${name} arrived damaged (checksum mismatch).`);
    await rename(partial, toFile);
    return { bytes, sha256 };
  } catch (err) {
    await rm(partial, { force: true });
    if (o.signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
    throw err instanceof BscError ? err : qdrantError(err, `saving the snapshot ${name}`, url, apiKey);
  }
}

export async function createQdrantStore(opts: QdrantStoreOptions): Promise<QdrantVectorStore> {
  const { ctx, serverVersion } = await connect(opts);
  const gate = collectionGate(ctx);
  return {
    kind: 'qdrant',
    serverVersion,
    add: (points, o) => upsertPoints(ctx, gate, points, o),
    delete: (sel) => deletePoints(ctx, sel),
    query: (q, o) => queryPoints(ctx, q, o),
    count: () => countPoints(ctx),
    async drop() {
      await ctx.client.deleteCollection(ctx.collection).catch(fail(ctx, `dropping the collection "${ctx.collection}"`));
      gate.reset();
    },
    createSnapshot: () => createCollectionSnapshot(ctx),
    downloadSnapshot: (name, toFile, o) => downloadCollectionSnapshot(ctx, name, toFile, o),
  };
}
