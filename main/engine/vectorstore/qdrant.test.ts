import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startQdrantStandin } from '../../../test/standins/qdrant-standin';
import type { QdrantStandin } from '../../../test/standins/qdrant-standin';
import { specAvailable, specPaths } from '../../../test/standins/spec-validator';
import { CONTRACT_DIMS, contractCorpus, describeVectorStoreContract } from './contract-suite';
import { chunkPointId, uuidV5 } from './point-id';
import { QDRANT_TARGET_VERSION, batchPointsForUpsert, checkQdrantVersion, createQdrantStore } from './qdrant';
import { documentSparseVector, querySparseVector, termIndex } from './sparse-terms';

const haveSpec = specAvailable('qdrant');
if (!haveSpec) console.log(`skipped: the Qdrant stand-in needs the spec at ${specPaths.qdrant}`);

let collectionNo = 0;
const nextCollection = () => `bsc_contract_${process.pid}_${++collectionNo}`;

describe('point ids (UUIDv5, RFC 9562)', () => {
  it('matches the RFC / Python reference values and is stable per chunk', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'), uuid.uuid5(uuid.NAMESPACE_URL, '42')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5('42', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe('5c2b23de-4bad-58ee-a4b3-f22f3b9cfd7d');
    expect(chunkPointId(7)).toBe(chunkPointId(7));
    expect(chunkPointId(7)).not.toBe(chunkPointId(70));
    expect(chunkPointId(7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('sparse BM25 vectors and upsert batches', () => {
  it('hashes terms with FNV-1a and saturates term frequency', () => {
    expect(termIndex('')).toBe(0x811c9dc5);
    expect(termIndex('a')).toBe(0xe40c292c); // the published FNV-1a 32-bit test vector
    const once = documentSparseVector('relatori');
    const many = documentSparseVector(Array(20).fill('relatori').join(' '));
    expect(once.indices).toEqual([termIndex('relatori')]);
    // Saturation: twenty repeats score under k1 + 1 = 2.2, not twenty times one.
    expect(many.values[0]).toBeLessThan(2.2);
    expect(many.values[0]! / once.values[0]!).toBeLessThan(3);
    // Length normalisation: one occurrence weighs less in a long chunk.
    const long = documentSparseVector(['relatori', ...Array.from({ length: 300 }, (_, i) => `w${i}`)].join(' '));
    expect(long.values[long.indices.indexOf(termIndex('relatori'))]).toBeLessThan(once.values[0]!);
    expect(querySparseVector('a b a')).toEqual({ indices: [termIndex('a'), termIndex('b')], values: [1, 1] });
  });

  it('cuts batches by point count and by estimated bytes', () => {
    const point = (dims: number) => ({ id: 'x', vector: { dense: Array(dims).fill(0.1) }, payload: { chunk_id: 1, document_id: 'd', lang: null, perspectives: [] } });
    expect(batchPointsForUpsert(Array.from({ length: 600 }, () => point(4))).map((b) => b.length)).toEqual([256, 256, 88]);
    // 3072-d vectors are ~37 KB each: an 8 MB budget holds about 220.
    const big = batchPointsForUpsert(Array.from({ length: 500 }, () => point(3072)));
    expect(big.length).toBeGreaterThan(2);
    for (const b of big) expect(JSON.stringify({ points: b }).length).toBeLessThan(32 * 1024 * 1024);
  });
});

describe.skipIf(!haveSpec)('Qdrant adapter against the stand-in', () => {
  let standin: QdrantStandin;
  beforeAll(async () => {
    standin = await startQdrantStandin();
  });
  afterAll(async () => {
    await standin?.close();
  });

  describeVectorStoreContract('qdrant (stand-in 1.19, spec-validated)', async () => {
    const collection = nextCollection();
    const store = await createQdrantStore({ url: standin.url, collection, dimensions: CONTRACT_DIMS, timeoutMs: 5000 });
    return {
      store,
      verify() {
        expect(standin.violations).toEqual([]);
        expect(standin.responseViolations).toEqual([]);
      },
      async close() {
        await store.drop();
      },
    };
  });

  it('creates the collection as designed: named dense (Cosine) + bm25 sparse with IDF, keyword indexes, UUIDv5 ids', async () => {
    const collection = nextCollection();
    const store = await createQdrantStore({ url: standin.url, collection, dimensions: CONTRACT_DIMS, shardNumber: 2, replicationFactor: 1 });
    await store.add(contractCorpus());
    const client = new QdrantClient({ url: standin.url, checkCompatibility: false });
    const info = await client.getCollection(collection);
    expect(info.config.params.vectors).toEqual({ dense: { size: CONTRACT_DIMS, distance: 'Cosine' } });
    expect(info.config.params.sparse_vectors).toEqual({ bm25: { modifier: 'idf' } });
    expect(info.config.params.shard_number).toBe(2);
    expect(Object.fromEntries(Object.entries(info.payload_schema).map(([k, v]) => [k, v?.data_type]))).toEqual({ document_id: 'keyword', perspectives: 'keyword', lang: 'keyword' });
    const point = await client.retrieve(collection, { ids: [chunkPointId(101)], with_payload: true, with_vector: true });
    expect(point[0]?.payload).toEqual({ chunk_id: 101, document_id: 'doc-a', lang: 'pt', perspectives: ['financial'] });
    await store.query({ mode: 'hybrid', vector: contractCorpus()[0]!.vector, terms: 'relatori', k: 3, filter: { langs: ['pt'] } });
    expect(standin.requests.at(-1)?.path).toBe(`/collections/${collection}/points/query`);
    const sent = standin.requests.at(-1)?.body as { prefetch: Array<{ using: string; filter: unknown }>; query: unknown; filter: unknown };
    expect(sent.prefetch.map((p) => p.using)).toEqual(['dense', 'bm25']);
    expect(sent.query).toEqual({ rrf: { k: 60 } });
    expect(sent.filter).toEqual({ must: [{ key: 'lang', match: { any: ['pt'] } }] });
    expect(standin.violations).toEqual([]);
    await store.drop();
  });

  it('refuses an existing collection of other dimensions, asking for a rebuild', async () => {
    const collection = nextCollection();
    await (await createQdrantStore({ url: standin.url, collection, dimensions: CONTRACT_DIMS })).add(contractCorpus());
    const wider = await createQdrantStore({ url: standin.url, collection, dimensions: 16 });
    await expect(wider.add([{ ...contractCorpus()[0]!, vector: new Float32Array(16) }])).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/rebuild/) });
    await wider.drop();
  });

  it('splits a large upsert into several waited requests', async () => {
    const collection = nextCollection();
    const store = await createQdrantStore({ url: standin.url, collection, dimensions: CONTRACT_DIMS });
    const base = contractCorpus()[0]!;
    const before = standin.requests.length;
    await store.add(Array.from({ length: 600 }, (_, i) => ({ ...base, chunkId: 1000 + i })));
    const upserts = standin.requests.slice(before).filter((r) => r.method === 'PUT' && r.path.endsWith('/points'));
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([256, 256, 88]);
    expect(upserts.every((r) => r.query.wait === 'true')).toBe(true);
    expect(await store.count()).toBe(600);
    await store.drop();
  });

  it('snapshots the collection and downloads it to a file', async () => {
    const collection = nextCollection();
    const store = await createQdrantStore({ url: standin.url, collection, dimensions: CONTRACT_DIMS });
    await store.add(contractCorpus());
    const snap = await store.createSnapshot();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bsc-qdrant-snap-'));
    try {
      const file = path.join(dir, 'collection.snapshot');
      const got = await store.downloadSnapshot(snap.name, file, { checksum: snap.checksum });
      const bytes = readFileSync(file);
      expect(got.bytes).toBe(bytes.length);
      expect(got.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(got.sha256).toBe(snap.checksum);
      await expect(store.downloadSnapshot(snap.name, path.join(dir, 'bad'), { checksum: '0'.repeat(64) })).rejects.toMatchObject({ code: 'BACKUP_INVALID' });
      await expect(store.downloadSnapshot('no-such.snapshot', path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await store.drop();
  });

  it('maps 5xx to PROVIDER_UNAVAILABLE', async () => {
    const store = await createQdrantStore({ url: standin.url, collection: nextCollection(), dimensions: CONTRACT_DIMS });
    standin.failNext(503);
    await expect(store.add(contractCorpus())).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/503/) });
    await store.add(contractCorpus()); // the failed preparation is retried
    expect(await store.count()).toBe(12);
    await store.drop();
  });
});

describe.skipIf(!haveSpec)('Qdrant adapter: connection, version and auth failures', () => {
  it('refuses a server of another major.minor, naming both versions', async () => {
    const old = await startQdrantStandin({ version: '1.17.2' });
    try {
      await expect(createQdrantStore({ url: old.url, collection: 'c', dimensions: 4 })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(new RegExp(`1\\.17\\.2.*${QDRANT_TARGET_VERSION.replace('.', '\\.')}`)),
      });
      await expect(checkQdrantVersion(new QdrantClient({ url: old.url, checkCompatibility: false }))).rejects.toMatchObject({ details: { serverVersion: '1.17.2', targetVersion: '1.19' } });
    } finally {
      await old.close();
    }
    const patch = await startQdrantStandin({ version: '1.19.3' });
    try {
      expect((await createQdrantStore({ url: patch.url, collection: 'c', dimensions: 4 })).serverVersion).toBe('1.19.3');
    } finally {
      await patch.close();
    }
  });

  it('reports a wrong API key as PROVIDER_AUTH without ever echoing the key', async () => {
    const secured = await startQdrantStandin({ apiKey: 'right-key-123' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined); // the client warns about a key over http
    try {
      const err = await createQdrantStore({ url: secured.url, apiKey: 'wrong-key-SECRET-987', collection: 'c', dimensions: 4 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PROVIDER_AUTH' });
      expect(JSON.stringify({ m: (err as Error).message, d: (err as { details?: unknown }).details })).not.toContain('SECRET');
      const ok = await createQdrantStore({ url: secured.url, apiKey: 'right-key-123', collection: 'c', dimensions: 4 });
      expect(await ok.count()).toBe(0);
    } finally {
      warn.mockRestore();
      await secured.close();
    }
  });

  it('reports an unreachable server and a silent one as PROVIDER_UNAVAILABLE', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(createQdrantStore({ url: `http://127.0.0.1:${port}`, apiKey: 'k-SECRET', collection: 'c', dimensions: 4 })).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/Cannot reach Qdrant at http:\/\/127\.0\.0\.1/),
    });
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      await expect(createQdrantStore({ url, collection: 'c', dimensions: 4, timeoutMs: 300 })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/in time/) });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

const realUrl = process.env.QDRANT_URL;
if (!realUrl) console.log('skipped: set QDRANT_URL to run against a real Qdrant');
describe.skipIf(!realUrl)('Qdrant adapter against a real Qdrant (QDRANT_URL)', () => {
  describeVectorStoreContract(`qdrant (real, ${realUrl ?? 'unset'})`, async () => {
    const store = await createQdrantStore({ url: realUrl!, apiKey: process.env.QDRANT_API_KEY, collection: nextCollection(), dimensions: CONTRACT_DIMS });
    return { store, close: () => store.drop() };
  });
});
