import { QdrantClient } from '@qdrant/js-client-rest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startQdrantStandin } from './qdrant-standin';
import type { QdrantStandin } from './qdrant-standin';
import { specAvailable, specPaths } from './spec-validator';

const haveSpec = specAvailable('qdrant');
if (!haveSpec) console.log(`Skipping the Qdrant stand-in tests: the spec is missing at ${specPaths.qdrant}`);

const C = 'bsc_chunks';
const ids = {
  strategy: '6f1c2a30-0000-5000-8000-000000000001',
  customer: '6f1c2a30-0000-5000-8000-000000000002',
  people: '6f1c2a30-0000-5000-8000-000000000003',
  english: '6f1c2a30-0000-5000-8000-000000000004',
};
// Sparse indices stand for stemmed terms: 1 "estrateg", 2 "client", 3 "pesso", 4 "financ".
const points = [
  { id: ids.strategy, vector: { dense: [1, 0, 0, 0], bm25: { indices: [1, 4], values: [1, 1] } }, payload: { document_id: 'd1', perspective: ['financial'], lang: 'pt', text: 'estratégia financeira' } },
  { id: ids.customer, vector: { dense: [0.6, 0.8, 0, 0], bm25: { indices: [2, 4], values: [1, 1] } }, payload: { document_id: 'd1', perspective: ['customer'], lang: 'pt', text: 'clientes' } },
  { id: ids.people, vector: { dense: [0, 0, 1, 0], bm25: { indices: [3], values: [1] } }, payload: { document_id: 'd2', perspective: ['learning'], lang: 'pt', text: 'pessoas' } },
  { id: ids.english, vector: { dense: [0.9, 0.1, 0, 0], bm25: { indices: [1], values: [1] } }, payload: { document_id: 'd3', perspective: ['financial'], lang: 'en', text: 'strategy' } },
];

describe.skipIf(!haveSpec)('Qdrant stand-in driven by the real @qdrant/js-client-rest', () => {
  let standin: QdrantStandin;
  let client: QdrantClient;

  beforeEach(async () => {
    standin = await startQdrantStandin();
    client = new QdrantClient({ url: standin.url, checkCompatibility: false });
  });
  afterEach(async () => {
    await standin.close();
  });

  async function seed(): Promise<void> {
    await client.createCollection(C, {
      vectors: { dense: { size: 4, distance: 'Cosine' } },
      sparse_vectors: { bm25: { modifier: 'idf' } },
      shard_number: 1,
      replication_factor: 1,
    });
    for (const field of ['document_id', 'perspective', 'lang']) {
      await client.createPayloadIndex(C, { field_name: field, field_schema: 'keyword', wait: true });
    }
    await client.upsert(C, { wait: true, points });
  }

  it('passes the client version check against the default 1.19.0', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const checked = new QdrantClient({ url: standin.url });
    const info = await checked.versionInfo();
    await vi.waitFor(() => expect(standin.requests.filter((r) => r.path === '/').length).toBe(2));
    expect(info.version).toBe('1.19.0');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('creates a dense + IDF sparse collection with payload indexes and reports it', async () => {
    await seed();
    expect(await client.collectionExists(C)).toEqual({ exists: true });
    const info = await client.getCollection(C);
    expect(info.points_count).toBe(4);
    expect(info.config.params.sparse_vectors?.bm25?.modifier).toBe('idf');
    expect(info.payload_schema.lang).toMatchObject({ data_type: 'keyword', points: 4 });
    await expect(client.createCollection(C, { vectors: { dense: { size: 4, distance: 'Cosine' } } })).rejects.toMatchObject({ status: 409 });
    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('scores dense queries by cosine similarity', async () => {
    await seed();
    const { points: hits } = await client.query(C, { query: [1, 1, 0, 0], using: 'dense', limit: 2, with_payload: true });
    // cos([1,1,0,0], [0.6,0.8,0,0]) = 1.4/√2 ≈ 0.98995 beats cos(·, [0.9,0.1,0,0]) = 1.0/√(2·0.82) ≈ 0.78087
    expect(hits.map((h) => h.id)).toEqual([ids.customer, ids.english]);
    expect(hits[0]?.score).toBeCloseTo(1.4 / Math.SQRT2, 5);
    expect(hits[1]?.score).toBeCloseTo(1.0 / Math.sqrt(2 * 0.82), 5);
    expect(hits[0]?.payload?.text).toBe('clientes');
    expect(standin.responseViolations).toEqual([]);
  });

  it('weights sparse queries by IDF over the collection, as Qdrant does', async () => {
    await seed();
    const { points: hits } = await client.query(C, { query: { indices: [1, 3], values: [1, 1] }, using: 'bm25', limit: 10 });
    const idf = (df: number) => Math.log((4 - df + 0.5) / (df + 0.5) + 1);
    // "pesso" (df 1) is rarer than "estrateg" (df 2), so the people chunk wins; "client" chunk shares nothing.
    expect(hits.map((h) => h.id)).toEqual([ids.people, ids.strategy, ids.english]);
    expect(hits[0]?.score).toBeCloseTo(idf(1), 5);
    expect(hits[1]?.score).toBeCloseTo(idf(2), 5);
  });

  it('runs a hybrid query: dense + sparse prefetch fused by RRF under a payload filter', async () => {
    await seed();
    const { points: hits } = await client.query(C, {
      prefetch: [
        { query: [1, 0.05, 0, 0], using: 'dense', limit: 10 },
        { query: { indices: [1, 4], values: [1, 1] }, using: 'bm25', limit: 10 },
      ],
      query: { fusion: 'rrf' },
      filter: { must: [{ key: 'lang', match: { value: 'pt' } }, { key: 'perspective', match: { any: ['financial', 'customer'] } }] },
      limit: 3,
      with_payload: true,
    });
    // The English chunk is filtered out of both prefetches; the strategy chunk is first in both lists:
    // RRF with Qdrant's k = 2 gives 1/2 + 1/2; the customer chunk is second in both: 1/3 + 1/3.
    expect(hits.map((h) => h.id)).toEqual([ids.strategy, ids.customer]);
    expect(hits[0]?.score).toBeCloseTo(1, 6);
    expect(hits[1]?.score).toBeCloseTo(2 / 3, 6);
    expect(hits.every((h) => h.payload?.lang === 'pt')).toBe(true);
    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('counts, scrolls and deletes by filter', async () => {
    await seed();
    expect(await client.count(C, { filter: { must: [{ key: 'document_id', match: { value: 'd1' } }] }, exact: true })).toEqual({ count: 2 });
    const page = await client.scroll(C, { limit: 3, with_payload: false });
    expect(page.points).toHaveLength(3);
    expect(page.next_page_offset).toBe(ids.english);
    await client.delete(C, { wait: true, filter: { must: [{ key: 'document_id', match: { value: 'd1' } }] } });
    expect(await client.count(C, { exact: true })).toEqual({ count: 2 });
    await client.delete(C, { wait: true, points: [ids.people] });
    expect(await client.count(C, { exact: true })).toEqual({ count: 1 });
    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('rejects a vector of the wrong dimension the way Qdrant does', async () => {
    await seed();
    await expect(client.upsert(C, { wait: true, points: [{ id: 9, vector: { dense: [1, 2, 3] } }] })).rejects.toMatchObject({ status: 400 });
    await expect(client.getCollection('missing')).rejects.toMatchObject({ status: 404 });
  });

  it('creates, lists and downloads a snapshot, then restores it by upload and by location', async () => {
    await seed();
    const snap = await client.createSnapshot(C, { wait: true });
    expect(snap?.name).toMatch(new RegExp(`^${C}-.*\\.snapshot$`));
    const listed = await client.listSnapshots(C);
    expect(listed.map((s) => s.name)).toEqual([snap?.name]);

    const download = await fetch(`${standin.url}/collections/${C}/snapshots/${snap?.name}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(snap?.size);

    await client.deleteCollection(C);
    expect(await client.collectionExists(C)).toEqual({ exists: false });

    const form = new FormData();
    form.set('snapshot', new Blob([bytes]), 'restore.snapshot');
    const upload = await fetch(`${standin.url}/collections/${C}/snapshots/upload?wait=true&checksum=${snap?.checksum}`, { method: 'POST', body: form });
    expect(upload.status).toBe(200);
    expect(await client.count(C, { exact: true })).toEqual({ count: 4 });

    await client.recoverSnapshot('bsc_copy', { location: `${standin.url}/collections/${C}/snapshots/${snap?.name}`, checksum: snap?.checksum ?? undefined });
    const { points: hits } = await client.query('bsc_copy', { query: [1, 0, 0, 0], using: 'dense', limit: 1 });
    expect(hits[0]?.id).toBe(ids.strategy);
    expect(standin.violations).toEqual([]);
    expect(standin.responseViolations).toEqual([]);
  });

  it('rejects a snapshot whose checksum does not match', async () => {
    await seed();
    const snap = await client.createSnapshot(C, { wait: true });
    await expect(
      client.recoverSnapshot('other', { location: `${standin.url}/collections/${C}/snapshots/${snap?.name}`, checksum: '0'.repeat(64) }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('answers a malformed request with 400 and records the violation', async () => {
    await seed();
    const res = await fetch(`${standin.url}/collections/${C}/points?wait=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pointz: [{ id: 1, vector: { dense: [1, 0, 0, 0] } }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: { error: string } };
    expect(body.status.error).toMatch(/points/);
    expect(standin.violations).toHaveLength(1);
    expect(standin.violations[0]).toMatch(/upsert_points/);
    expect(standin.responseViolations).toEqual([]);
  });

  it('answers unknown paths with 404 and records them', async () => {
    const res = await fetch(`${standin.url}/collections/${C}/nonsense`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(standin.violations).toEqual([`POST /collections/${C}/nonsense: not in the Qdrant API`]);
  });

  it('fails the next request on demand', async () => {
    standin.failNext(503);
    await expect(client.getCollections()).rejects.toMatchObject({ status: 503 });
    await expect(client.getCollections()).resolves.toEqual({ collections: [] });
  });
});

describe.skipIf(!haveSpec)('Qdrant stand-in with an API key', () => {
  it('refuses requests without the key but serves health checks', async () => {
    const standin = await startQdrantStandin({ apiKey: 'secret', version: '1.19.2' });
    try {
      const anonymous = new QdrantClient({ url: standin.url, checkCompatibility: false });
      await expect(anonymous.getCollections()).rejects.toMatchObject({ status: 401 });
      expect((await fetch(`${standin.url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${standin.url}/healthz`)).text()).toBe('healthz check passed');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const keyed = new QdrantClient({ url: standin.url, apiKey: 'secret', checkCompatibility: false });
      warn.mockRestore();
      await expect(keyed.getCollections()).resolves.toEqual({ collections: [] });
      expect((await keyed.versionInfo()).version).toBe('1.19.2');
      expect(standin.violations).toEqual([]);
    } finally {
      await standin.close();
    }
  });
});
