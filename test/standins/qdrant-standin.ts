import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from './spec-validator';

/**
 * An in-memory Qdrant that speaks the REST API of Qdrant 1.19 for the calls our adapter makes,
 * checks every request against Qdrant's OpenAPI document and computes real scores
 * (cosine, IDF-weighted sparse dot product, RRF as Qdrant implements it). It is a stand-in:
 * a pass here is not a pass against a real Qdrant.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface QdrantStandin {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests the real server would reject (spec violations, unknown paths). */
  violations: string[];
  /** Responses of ours that do not match the spec: a bug in the stand-in, asserted empty in tests. */
  responseViolations: string[];
  /** The next request (any path) is answered with this status and an error envelope. */
  failNext(status: number): void;
  close(): Promise<void>;
}

export interface QdrantStandinOptions {
  version?: string;
  apiKey?: string;
}

type PointId = number | string;
interface SparseVector {
  indices: number[];
  values: number[];
}
type VectorValue = number[] | SparseVector;
interface StoredPoint {
  id: PointId;
  version: number;
  vectors: Record<string, VectorValue>;
  payload: Record<string, unknown>;
}
interface DenseParams {
  size: number;
  distance: 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';
  [k: string]: unknown;
}
interface SparseParams {
  modifier?: 'idf' | 'none' | null;
  [k: string]: unknown;
}
interface CollectionState {
  /** '' is the unnamed default vector of a collection created with `vectors: {size, distance}`. */
  dense: Record<string, DenseParams>;
  unnamedDense: boolean;
  sparse: Record<string, SparseParams>;
  shardNumber: number;
  replicationFactor: number;
  payloadSchema: Record<string, { data_type: string; params?: unknown }>;
  points: Map<string, StoredPoint>;
  operationId: number;
}
interface SnapshotFile {
  name: string;
  file: string;
  created: string;
  checksum: string;
}

/** Thrown by handlers; turned into Qdrant's error envelope. */
class QdrantError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);

export async function startQdrantStandin(opts: QdrantStandinOptions = {}): Promise<QdrantStandin> {
  const spec = await loadSpec('qdrant');
  const version = opts.version ?? '1.19.0';
  const collections = new Map<string, CollectionState>();
  const snapshots = new Map<string, SnapshotFile[]>();
  const snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'qdrant-standin-snapshots-'));
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const responseViolations: string[] = [];
  let injectedFailure: number | undefined;
  let baseUrl = '';

  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(`stand-in failure: ${String(err)}`));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = undefined;
    let form: FormData | undefined;
    if (raw.length && contentType.startsWith('multipart/form-data')) {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      body = Object.fromEntries([...form.keys()].map((k) => [k, 'binary']));
    } else if (raw.length) {
      const text = raw.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    requests.push({ method, path: url.pathname, query, body });

    const reply = (status: number, payload: unknown, operationId?: string): void => {
      const envelope = status < 300 ? { result: payload, status: 'ok', time: elapsed(started) } : payload;
      if (operationId) {
        for (const e of spec.checkResponse(operationId, status, envelope)) responseViolations.push(`${method} ${url.pathname} → ${status}: ${e}`);
      }
      sendJson(res, status, envelope);
    };

    if (opts.apiKey && !HEALTH_PATHS.has(url.pathname)) {
      const given = req.headers['api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
      if (given !== opts.apiKey) return reply(401, errorBody('Must provide an API key or an Authorization bearer token', started));
    }
    if (injectedFailure !== undefined) {
      const status = injectedFailure;
      injectedFailure = undefined;
      return reply(status, errorBody(`Service internal error: injected failure (stand-in)`, started));
    }

    const check = spec.checkRequest({ method, path: url.pathname, query, headers: req.headers, body });
    if (!check.operationId) {
      violations.push(`${method} ${url.pathname}: not in the Qdrant API`);
      res.writeHead(404).end();
      return;
    }
    if (check.errors.length) {
      violations.push(`${method} ${url.pathname} (${check.operationId}): ${check.errors.join('; ')}`);
      const what = typeof body === 'string' ? 'Format error in JSON body' : 'Validation error in request';
      return reply(400, errorBody(`${what}: ${check.errors.join('; ')}`, started), check.operationId);
    }

    const ctx: HandlerContext = { params: check.params, query, body, form, started };
    try {
      const handler = handlers[check.operationId];
      if (!handler) throw new QdrantError(501, `The Qdrant stand-in does not implement ${check.operationId}`);
      const out = await handler(ctx);
      if (out instanceof RawReply) {
        res.writeHead(out.status, { 'content-type': out.contentType, 'content-length': out.body.length });
        res.end(out.body);
        return;
      }
      reply(200, out, check.operationId);
    } catch (err) {
      if (err instanceof QdrantError) return reply(err.status, errorBody(err.message, started), check.operationId);
      throw err;
    }
  }

  interface HandlerContext {
    params: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
    form: FormData | undefined;
    started: number;
  }
  class RawReply {
    constructor(
      readonly status: number,
      readonly contentType: string,
      readonly body: Buffer,
    ) {}
  }

  const collection = (name: string | undefined): CollectionState => {
    const found = name === undefined ? undefined : collections.get(name);
    if (!found) throw new QdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  };
  const updated = (c: CollectionState, wait: string | undefined) => ({
    operation_id: c.operationId,
    status: wait === 'true' ? 'completed' : 'acknowledged',
  });

  const handlers: Record<string, (ctx: HandlerContext) => unknown> = {
    root: () => new RawReply(200, 'application/json', Buffer.from(JSON.stringify({ title: 'qdrant - vector search engine', version, commit: 'standin' }))),
    healthz: () => new RawReply(200, 'text/plain', Buffer.from('healthz check passed')),
    livez: () => new RawReply(200, 'text/plain', Buffer.from('healthz check passed')),
    readyz: () => new RawReply(200, 'text/plain', Buffer.from('all shards are ready')),
    get_collections: () => ({ collections: [...collections.keys()].map((name) => ({ name })) }),
    collection_exists: ({ params }) => ({ exists: collections.has(params.collection_name ?? '') }),
    get_collection: ({ params }) => describeCollection(collection(params.collection_name)),
    create_collection: ({ params, body }) => {
      const name = params.collection_name ?? '';
      if (collections.has(name)) throw new QdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
      collections.set(name, newCollection(body as CreateCollectionBody));
      return true;
    },
    delete_collection: ({ params }) => {
      const existed = collections.delete(params.collection_name ?? '');
      return existed;
    },
    create_field_index: ({ params, body, query }) => {
      const c = collection(params.collection_name);
      const { field_name, field_schema } = body as { field_name: string; field_schema?: string | { type: string } };
      if (field_schema === undefined) throw new QdrantError(400, 'Bad request: Payload field schema is required');
      c.operationId += 1;
      c.payloadSchema[field_name] =
        typeof field_schema === 'string' ? { data_type: field_schema } : { data_type: field_schema.type, params: field_schema };
      return updated(c, query.wait);
    },
    delete_field_index: ({ params, query }) => {
      const c = collection(params.collection_name);
      c.operationId += 1;
      delete c.payloadSchema[params.field_name ?? ''];
      return updated(c, query.wait);
    },
    upsert_points: ({ params, body, query }) => {
      const c = collection(params.collection_name);
      const incoming = pointsOfUpsert(body as UpsertBody);
      const checked = incoming.map((p) => ({ ...p, vectors: checkVectors(c, p.vectors) }));
      c.operationId += 1;
      for (const p of checked) c.points.set(pointKey(p.id), { ...p, version: c.operationId });
      return updated(c, query.wait);
    },
    delete_points: ({ params, body, query }) => {
      const c = collection(params.collection_name);
      const selector = body as { points?: PointId[]; filter?: Filter };
      c.operationId += 1;
      if (selector.points) for (const id of selector.points) c.points.delete(pointKey(normaliseId(id)));
      else for (const [key, p] of c.points) if (matchesFilter(p, selector.filter)) c.points.delete(key);
      return updated(c, query.wait);
    },
    set_payload: ({ params, body, query }) => {
      const c = collection(params.collection_name);
      const { payload, points, filter } = body as { payload: Record<string, unknown>; points?: PointId[]; filter?: Filter };
      c.operationId += 1;
      for (const p of selectPoints(c, points, filter)) {
        p.payload = { ...p.payload, ...payload };
        p.version = c.operationId;
      }
      return updated(c, query.wait);
    },
    overwrite_payload: ({ params, body, query }) => {
      const c = collection(params.collection_name);
      const { payload, points, filter } = body as { payload: Record<string, unknown>; points?: PointId[]; filter?: Filter };
      c.operationId += 1;
      for (const p of selectPoints(c, points, filter)) {
        p.payload = { ...payload };
        p.version = c.operationId;
      }
      return updated(c, query.wait);
    },
    count_points: ({ params, body }) => {
      const c = collection(params.collection_name);
      const filter = (body as { filter?: Filter } | undefined)?.filter;
      return { count: [...c.points.values()].filter((p) => matchesFilter(p, filter)).length };
    },
    get_points: ({ params, body }) => {
      const c = collection(params.collection_name);
      const req = body as { ids: PointId[]; with_payload?: WithPayload; with_vector?: WithVector };
      return req.ids.flatMap((id) => {
        const p = c.points.get(pointKey(normaliseId(id)));
        return p ? [renderRecord(p, req.with_payload ?? true, req.with_vector ?? false)] : [];
      });
    },
    get_point: ({ params }) => {
      const c = collection(params.collection_name);
      const raw = params.id ?? '';
      const p = c.points.get(pointKey(normaliseId(/^\d+$/.test(raw) ? Number(raw) : raw)));
      if (!p) throw new QdrantError(404, `Not found: No point with id ${raw} found`);
      return renderRecord(p, true, true);
    },
    scroll_points: ({ params, body }) => {
      const c = collection(params.collection_name);
      const req = (body ?? {}) as { filter?: Filter; limit?: number; offset?: PointId; with_payload?: WithPayload; with_vector?: WithVector };
      const limit = req.limit ?? 10;
      const sorted = [...c.points.values()].filter((p) => matchesFilter(p, req.filter)).sort((a, b) => compareIds(a.id, b.id));
      const start = req.offset === undefined || req.offset === null ? 0 : sorted.findIndex((p) => compareIds(p.id, normaliseId(req.offset as PointId)) >= 0);
      const from = start < 0 ? sorted.length : start;
      const page = sorted.slice(from, from + limit);
      return {
        points: page.map((p) => renderRecord(p, req.with_payload ?? true, req.with_vector ?? false)),
        next_page_offset: sorted[from + limit]?.id ?? null,
      };
    },
    query_points: ({ params, body }) => {
      const c = collection(params.collection_name);
      const req = (body ?? {}) as QueryRequest;
      const scored = runQuery(c, req, undefined);
      const offset = req.offset ?? 0;
      return {
        points: scored.slice(offset, offset + (req.limit ?? 10)).map(({ point, score }) => ({
          ...renderRecord(point, req.with_payload ?? false, req.with_vector ?? false),
          version: point.version,
          score,
        })),
      };
    },
    create_snapshot: ({ params }) => {
      const name = params.collection_name ?? '';
      const c = collection(name);
      const created = new Date().toISOString().slice(0, 19);
      const snapName = `${name}-${Date.now()}-${created.replace(/[T:]/g, '-')}.snapshot`;
      const file = path.join(snapshotDir, snapName);
      const content = Buffer.from(JSON.stringify(serialiseCollection(name, c)));
      writeFileSync(file, content);
      const entry = { name: snapName, file, created, checksum: sha256(content) };
      snapshots.set(name, [...(snapshots.get(name) ?? []), entry]);
      return describeSnapshot(entry);
    },
    list_snapshots: ({ params }) => {
      const name = params.collection_name ?? '';
      collection(name);
      return (snapshots.get(name) ?? []).map(describeSnapshot);
    },
    get_snapshot: ({ params }) => {
      const entry = findSnapshot(params.collection_name ?? '', params.snapshot_name ?? '');
      return new RawReply(200, 'application/octet-stream', readFileSync(entry.file));
    },
    delete_snapshot: ({ params }) => {
      const name = params.collection_name ?? '';
      const entry = findSnapshot(name, params.snapshot_name ?? '');
      rmSync(entry.file, { force: true });
      snapshots.set(name, (snapshots.get(name) ?? []).filter((s) => s !== entry));
      return true;
    },
    recover_from_snapshot: async ({ params, body }) => {
      const { location, checksum } = body as { location: string; checksum?: string | null };
      const content = await readSnapshotLocation(location);
      restoreSnapshot(params.collection_name ?? '', content, checksum ?? undefined);
      return true;
    },
    recover_from_uploaded_snapshot: async ({ params, form, query }) => {
      const file = form?.get('snapshot');
      if (!file || typeof file === 'string') throw new QdrantError(400, 'Bad request: the multipart body has no "snapshot" file part');
      restoreSnapshot(params.collection_name ?? '', Buffer.from(await file.arrayBuffer()), query.checksum);
      return true;
    },
  };

  function findSnapshot(collectionName: string, snapshotName: string): SnapshotFile {
    const entry = (snapshots.get(collectionName) ?? []).find((s) => s.name === snapshotName);
    if (!entry) throw new QdrantError(404, `Not found: Snapshot ${snapshotName} not found`);
    return entry;
  }

  async function readSnapshotLocation(location: string): Promise<Buffer> {
    if (location.startsWith('file://')) {
      try {
        return readFileSync(fileURLToPath(location));
      } catch {
        throw new QdrantError(404, `Not found: Snapshot file ${location} does not exist`);
      }
    }
    const res = await fetch(location, opts.apiKey && location.startsWith(baseUrl) ? { headers: { 'api-key': opts.apiKey } } : {});
    if (!res.ok) throw new QdrantError(400, `Bad request: Failed to download snapshot from ${location}: status ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  function restoreSnapshot(name: string, content: Buffer, checksum: string | undefined): void {
    if (checksum && checksum !== sha256(content)) throw new QdrantError(400, `Bad request: Snapshot checksum mismatch: expected ${checksum}, got ${sha256(content)}`);
    let parsed: SerialisedCollection;
    try {
      parsed = JSON.parse(content.toString('utf8')) as SerialisedCollection;
      if (parsed.format !== SNAPSHOT_FORMAT) throw new Error('format');
    } catch {
      throw new QdrantError(400, 'Bad request: Snapshot is not a valid archive');
    }
    collections.set(name, deserialiseCollection(parsed));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    requests,
    violations,
    responseViolations,
    failNext(status) {
      injectedFailure = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(snapshotDir, { recursive: true, force: true });
    },
  };
}

// ---------- collections ----------

interface CreateCollectionBody {
  vectors?: DenseParams | Record<string, DenseParams>;
  sparse_vectors?: Record<string, SparseParams> | null;
  shard_number?: number | null;
  replication_factor?: number | null;
}

function newCollection(body: CreateCollectionBody | undefined): CollectionState {
  const vectors = body?.vectors;
  const unnamedDense = !!vectors && typeof (vectors as DenseParams).size === 'number';
  const dense: Record<string, DenseParams> = !vectors ? {} : unnamedDense ? { '': vectors as DenseParams } : { ...(vectors as Record<string, DenseParams>) };
  return {
    dense,
    unnamedDense,
    sparse: { ...(body?.sparse_vectors ?? {}) },
    shardNumber: body?.shard_number ?? 1,
    replicationFactor: body?.replication_factor ?? 1,
    payloadSchema: {},
    points: new Map(),
    operationId: 0,
  };
}

function describeCollection(c: CollectionState) {
  const payloadSchema = Object.fromEntries(
    Object.entries(c.payloadSchema).map(([field, info]) => [
      field,
      { ...info, points: [...c.points.values()].filter((p) => payloadValues(p.payload, field).length > 0).length },
    ]),
  );
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: 0,
    points_count: c.points.size,
    segments_count: 1,
    config: {
      params: {
        vectors: c.unnamedDense ? c.dense[''] : c.dense,
        ...(Object.keys(c.sparse).length ? { sparse_vectors: c.sparse } : {}),
        shard_number: c.shardNumber,
        replication_factor: c.replicationFactor,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: 10000,
        flush_interval_sec: 5,
        max_optimization_threads: null,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
    },
    payload_schema: payloadSchema,
  };
}

const SNAPSHOT_FORMAT = 'qdrant-standin-snapshot/1';
interface SerialisedCollection {
  format: typeof SNAPSHOT_FORMAT;
  name: string;
  state: Omit<CollectionState, 'points'> & { points: StoredPoint[] };
}

/** Not Qdrant's tar layout: a JSON image of the collection, enough for create → download → upload round trips. */
function serialiseCollection(name: string, c: CollectionState): SerialisedCollection {
  return { format: SNAPSHOT_FORMAT, name, state: { ...c, points: [...c.points.values()] } };
}

function deserialiseCollection(s: SerialisedCollection): CollectionState {
  return { ...s.state, points: new Map(s.state.points.map((p) => [pointKey(p.id), p])) };
}

function describeSnapshot(s: SnapshotFile) {
  return { name: s.name, creation_time: s.created, size: statSync(s.file).size, checksum: s.checksum };
}

// ---------- points ----------

interface UpsertBody {
  points?: Array<{ id: PointId; vector: VectorInput; payload?: Record<string, unknown> | null }>;
  batch?: { ids: PointId[]; vectors: number[][] | Record<string, VectorValue[]>; payloads?: Array<Record<string, unknown> | null> | null };
}
type VectorInput = number[] | Record<string, VectorValue>;

function pointsOfUpsert(body: UpsertBody): Array<Omit<StoredPoint, 'version'>> {
  const asVectors = (v: VectorInput): Record<string, VectorValue> => (Array.isArray(v) ? { '': v } : { ...v });
  if (body.points) return body.points.map((p) => ({ id: normaliseId(p.id), vectors: asVectors(p.vector), payload: p.payload ?? {} }));
  const batch = body.batch;
  if (!batch) return [];
  return batch.ids.map((id, i) => {
    const vectors: Record<string, VectorValue> = Array.isArray(batch.vectors)
      ? { '': batch.vectors[i] ?? [] }
      : Object.fromEntries(Object.entries(batch.vectors).flatMap(([name, list]) => (list[i] ? [[name, list[i]]] : [])));
    return { id: normaliseId(id), vectors, payload: batch.payloads?.[i] ?? {} };
  });
}

/** Rejects what Qdrant rejects (unknown names, wrong dimensions, bad sparse vectors) and normalises cosine vectors as Qdrant stores them. */
function checkVectors(c: CollectionState, vectors: Record<string, VectorValue>): Record<string, VectorValue> {
  const out: Record<string, VectorValue> = {};
  for (const [name, value] of Object.entries(vectors)) {
    const dense = c.dense[name];
    const sparse = c.sparse[name];
    if (Array.isArray(value)) {
      if (!dense) throw new QdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
      if (value.length !== dense.size) throw new QdrantError(400, `Wrong input: Vector dimension error: expected dim: ${dense.size}, got ${value.length}`);
      out[name] = dense.distance === 'Cosine' ? normalise(value) : [...value];
    } else {
      if (!sparse) throw new QdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
      if (value.indices.length !== value.values.length) throw new QdrantError(400, 'Validation error in JSON body: indices and values must have the same length');
      if (new Set(value.indices).size !== value.indices.length) throw new QdrantError(400, 'Validation error in JSON body: indices must be unique');
      out[name] = { indices: [...value.indices], values: [...value.values] };
    }
  }
  return out;
}

function selectPoints(c: CollectionState, ids: PointId[] | undefined, filter: Filter | undefined): StoredPoint[] {
  if (ids) return ids.flatMap((id) => c.points.get(pointKey(normaliseId(id))) ?? []);
  return [...c.points.values()].filter((p) => matchesFilter(p, filter));
}

/** Qdrant returns UUIDs in lowercase hyphenated form whatever form they were sent in. */
function normaliseId(id: PointId): PointId {
  if (typeof id === 'number') return id;
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new QdrantError(400, `Bad request: Unable to parse UUID: ${id}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pointKey(id: PointId): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id}`;
}

/** Qdrant orders numeric ids before UUIDs. */
function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type WithPayload = boolean | string[] | { include?: string[]; exclude?: string[] } | null;
type WithVector = boolean | string[] | null;

function renderRecord(p: StoredPoint, withPayload: WithPayload, withVector: WithVector) {
  const out: { id: PointId; payload?: Record<string, unknown>; vector?: unknown } = { id: p.id };
  if (withPayload) {
    let payload = p.payload;
    if (Array.isArray(withPayload)) payload = pick(payload, (k) => withPayload.includes(k));
    else if (typeof withPayload === 'object') {
      const { include, exclude } = withPayload;
      if (include) payload = pick(payload, (k) => include.includes(k));
      if (exclude) payload = pick(payload, (k) => !exclude.includes(k));
    }
    out.payload = payload;
  }
  if (withVector) {
    const names = Array.isArray(withVector) ? withVector : Object.keys(p.vectors);
    const vectors = pick(p.vectors, (k) => names.includes(k));
    out.vector = Object.keys(vectors).length === 1 && '' in vectors ? vectors[''] : vectors;
  }
  return out;
}

function pick<T>(obj: Record<string, T>, keep: (key: string) => boolean): Record<string, T> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keep(k)));
}

// ---------- filters ----------

type Condition =
  | { key: string; match?: { value?: unknown; any?: unknown[]; except?: unknown[]; text?: string }; range?: Range; is_empty?: unknown; is_null?: unknown }
  | { has_id: PointId[] }
  | { is_empty: { key: string } }
  | { is_null: { key: string } }
  | Filter;
interface Range {
  gt?: number | null;
  gte?: number | null;
  lt?: number | null;
  lte?: number | null;
}
interface Filter {
  must?: Condition | Condition[] | null;
  should?: Condition | Condition[] | null;
  must_not?: Condition | Condition[] | null;
  min_should?: unknown;
}

const asList = (c: Condition | Condition[] | null | undefined): Condition[] => (c == null ? [] : Array.isArray(c) ? c : [c]);

function matchesFilter(p: StoredPoint, filter: Filter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.min_should) throw new QdrantError(501, 'The Qdrant stand-in does not implement min_should');
  const must = asList(filter.must);
  const should = asList(filter.should);
  const mustNot = asList(filter.must_not);
  return (
    must.every((c) => matchesCondition(p, c)) &&
    (should.length === 0 || should.some((c) => matchesCondition(p, c))) &&
    !mustNot.some((c) => matchesCondition(p, c))
  );
}

function matchesCondition(p: StoredPoint, c: Condition): boolean {
  if ('has_id' in c) return c.has_id.some((id) => pointKey(normaliseId(id)) === pointKey(p.id));
  if ('must' in c || 'should' in c || 'must_not' in c) return matchesFilter(p, c as Filter);
  if ('key' in c) {
    const values = payloadValues(p.payload, c.key);
    if (c.match) {
      const m = c.match;
      if ('value' in m) return values.some((v) => v === m.value);
      if (m.any) return values.some((v) => m.any?.includes(v));
      if (m.except) return !values.some((v) => m.except?.includes(v));
      if (typeof m.text === 'string') return values.some((v) => typeof v === 'string' && v.includes(m.text as string));
    }
    if (c.range) {
      const r = c.range;
      return values.some(
        (v) => typeof v === 'number' && (r.gt == null || v > r.gt) && (r.gte == null || v >= r.gte) && (r.lt == null || v < r.lt) && (r.lte == null || v <= r.lte),
      );
    }
  }
  if ('is_empty' in c && c.is_empty && typeof c.is_empty === 'object') {
    return payloadValues(p.payload, (c.is_empty as { key: string }).key).filter((v) => v !== null).length === 0;
  }
  if ('is_null' in c && c.is_null && typeof c.is_null === 'object') {
    return payloadValues(p.payload, (c.is_null as { key: string }).key).some((v) => v === null);
  }
  throw new QdrantError(501, `The Qdrant stand-in does not implement the condition ${JSON.stringify(c)}`);
}

/** Values at a dotted payload path; arrays are flattened, so `match` tests any element as Qdrant does. */
function payloadValues(payload: unknown, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of key.replace(/\[\]/g, '').split('.')) {
    current = current.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) ? [(v as Record<string, unknown>)[part]] : [])).filter((v) => v !== undefined);
    current = current.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

// ---------- the Query API ----------

interface QueryRequest {
  prefetch?: QueryRequest | QueryRequest[] | null;
  query?: unknown;
  using?: string | null;
  filter?: Filter | null;
  score_threshold?: number | null;
  limit?: number | null;
  offset?: number | null;
  with_payload?: WithPayload;
  with_vector?: WithVector;
}
interface Scored {
  point: StoredPoint;
  score: number;
}

/** Qdrant's default k for reciprocal rank fusion (lib/segment/src/common/reciprocal_rank_fusion.rs). */
const QDRANT_RRF_K = 2;

/**
 * Runs one level of a Query API request. The outer filter applies to every prefetch too,
 * as in Qdrant; prefetch results are then fused or re-scored by the outer query.
 */
function runQuery(c: CollectionState, req: QueryRequest, outerFilter: Filter | undefined): Scored[] {
  const filter: Filter | undefined = outerFilter && req.filter ? { must: [outerFilter, req.filter] } : (outerFilter ?? req.filter ?? undefined);
  const prefetches = req.prefetch == null ? [] : Array.isArray(req.prefetch) ? req.prefetch : [req.prefetch];
  const query = unwrapNearest(req.query);
  let results: Scored[];
  if (prefetches.length) {
    const lists = prefetches.map((p) => runQuery(c, p, filter).slice(p.offset ?? 0, (p.offset ?? 0) + (p.limit ?? 10)));
    if (isFusion(query)) {
      results = fuse(lists, query);
    } else if (query === undefined || query === null) {
      throw new QdrantError(400, 'Bad request: a query is required when prefetch is given (stand-in)');
    } else {
      const candidates = new Map(lists.flat().map((s) => [pointKey(s.point.id), s.point]));
      results = scoreAgainst(c, [...candidates.values()], query, req.using ?? '');
    }
  } else if (query === undefined || query === null) {
    results = [...c.points.values()].filter((p) => matchesFilter(p, filter)).sort((a, b) => compareIds(a.id, b.id)).map((point) => ({ point, score: 0 }));
  } else {
    if (isFusion(query)) throw new QdrantError(400, 'Bad request: Fusion queries need prefetches');
    const candidates = [...c.points.values()].filter((p) => matchesFilter(p, filter));
    results = scoreAgainst(c, candidates, query, req.using ?? '');
  }
  const threshold = req.score_threshold;
  return threshold == null ? results : results.filter((s) => s.score >= threshold);
}

function unwrapNearest(q: unknown): unknown {
  return q && typeof q === 'object' && !Array.isArray(q) && 'nearest' in q ? (q as { nearest: unknown }).nearest : q;
}

type FusionQuery = { fusion: 'rrf' | 'dbsf' } | { rrf: { k?: number | null; weights?: number[] | null } };
function isFusion(q: unknown): q is FusionQuery {
  return !!q && typeof q === 'object' && ('fusion' in q || 'rrf' in q);
}

function fuse(lists: Scored[][], q: FusionQuery): Scored[] {
  if ('fusion' in q && q.fusion === 'dbsf') return fuseByDistribution(lists);
  const k = ('rrf' in q ? q.rrf.k : undefined) ?? QDRANT_RRF_K;
  const weights = 'rrf' in q ? q.rrf.weights : undefined;
  if (weights && weights.length !== lists.length) {
    throw new QdrantError(400, `Wrong input: Number of weights in RRF should match number of pre-fetches: got ${weights.length}, expected ${lists.length}`);
  }
  const byId = new Map<string, Scored>();
  lists.forEach((list, i) => {
    const weight = weights?.[i] ?? 1;
    list.forEach((s, position) => {
      const contribution = weight <= 0 ? 0 : 1 / ((position + 1) / weight + k - 1);
      const key = pointKey(s.point.id);
      const seen = byId.get(key);
      byId.set(key, { point: s.point, score: (seen?.score ?? 0) + contribution });
    });
  });
  return sortScored([...byId.values()]);
}

/** Distribution-based score fusion: each list normalised with mean ± 3σ as its extremes, then summed. */
function fuseByDistribution(lists: Scored[][]): Scored[] {
  const byId = new Map<string, Scored>();
  for (const list of lists) {
    let normalised: number[];
    if (list.length < 2) normalised = list.map(() => 0.5);
    else {
      const mean = list.reduce((s, x) => s + x.score, 0) / list.length;
      const sd = Math.sqrt(list.reduce((s, x) => s + (x.score - mean) ** 2, 0) / (list.length - 1));
      const [lo, hi] = [mean - 3 * sd, mean + 3 * sd];
      normalised = list.map((x) => (hi === lo ? 0.5 : (x.score - lo) / (hi - lo)));
    }
    list.forEach((s, i) => {
      const key = pointKey(s.point.id);
      byId.set(key, { point: s.point, score: (byId.get(key)?.score ?? 0) + (normalised[i] ?? 0) });
    });
  }
  return sortScored([...byId.values()]);
}

function scoreAgainst(c: CollectionState, points: StoredPoint[], query: unknown, using: string): Scored[] {
  if (Array.isArray(query) && query.every((x) => typeof x === 'number')) {
    const params = c.dense[using];
    if (!params) throw new QdrantError(400, `Wrong input: Not existing vector name error: ${using}`);
    if (query.length !== params.size) throw new QdrantError(400, `Wrong input: Vector dimension error: expected dim: ${params.size}, got ${query.length}`);
    const q = params.distance === 'Cosine' ? normalise(query) : query;
    const scored = points.flatMap((point) => {
      const v = point.vectors[using];
      return Array.isArray(v) ? [{ point, score: denseScore(params.distance, q, v) }] : [];
    });
    // Euclid and Manhattan are distances: smaller is better.
    return params.distance === 'Euclid' || params.distance === 'Manhattan' ? sortScored(scored, 'asc') : sortScored(scored);
  }
  if (query && typeof query === 'object' && 'indices' in query && 'values' in query) {
    const params = c.sparse[using];
    if (!params) throw new QdrantError(400, `Wrong input: Not existing vector name error: ${using}`);
    const q = query as SparseVector;
    const weights = params.modifier === 'idf' ? idfWeights(c, using, q.indices) : undefined;
    const scored = points.flatMap((point) => {
      const v = point.vectors[using];
      if (!v || Array.isArray(v)) return [];
      const score = sparseScore(q, v, weights);
      return score === undefined ? [] : [{ point, score }];
    });
    return sortScored(scored);
  }
  throw new QdrantError(501, `The Qdrant stand-in does not implement the query ${JSON.stringify(query).slice(0, 200)}`);
}

function sortScored(list: Scored[], order: 'asc' | 'desc' = 'desc'): Scored[] {
  return list.sort((a, b) => (order === 'desc' ? b.score - a.score : a.score - b.score) || compareIds(a.point.id, b.point.id));
}

function normalise(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? [...v] : v.map((x) => x / norm);
}

function denseScore(distance: DenseParams['distance'], q: number[], v: number[]): number {
  let acc = 0;
  for (let i = 0; i < q.length; i++) {
    const a = q[i] ?? 0;
    const b = v[i] ?? 0;
    if (distance === 'Euclid') acc += (a - b) ** 2;
    else if (distance === 'Manhattan') acc += Math.abs(a - b);
    else acc += a * b;
  }
  return distance === 'Euclid' ? Math.sqrt(acc) : acc;
}

/** Dot product over shared indices; undefined when nothing is shared (the inverted index never finds such a point). */
function sparseScore(q: SparseVector, v: SparseVector, idf: Map<number, number> | undefined): number | undefined {
  const stored = new Map(v.indices.map((index, i) => [index, v.values[i] ?? 0]));
  let score = 0;
  let shared = false;
  q.indices.forEach((index, i) => {
    const value = stored.get(index);
    if (value === undefined) return;
    shared = true;
    score += (q.values[i] ?? 0) * (idf?.get(index) ?? 1) * value;
  });
  return shared ? score : undefined;
}

/**
 * Qdrant's IDF modifier scales each query weight by ln((N − df + 0.5) / (df + 0.5) + 1),
 * N = points holding this sparse vector, df = those among them holding the index.
 */
function idfWeights(c: CollectionState, name: string, indices: number[]): Map<number, number> {
  const holders = [...c.points.values()].flatMap((p) => {
    const v = p.vectors[name];
    return v && !Array.isArray(v) ? [new Set(v.indices)] : [];
  });
  const n = holders.length;
  return new Map(
    indices.map((index) => {
      const df = holders.filter((s) => s.has(index)).length;
      return [index, Math.log((n - df + 0.5) / (df + 0.5) + 1)];
    }),
  );
}

// ---------- HTTP plumbing ----------

function errorBody(message: string, started?: number) {
  return { status: { error: message }, time: started === undefined ? 0 : elapsed(started) };
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
