import { describe, expect, it } from 'vitest';
import { loadSpec, rewriteTypelessNullable, specAvailable, specPaths } from './spec-validator';

const haveQdrant = specAvailable('qdrant');
const haveDocker = specAvailable('docker');
if (!haveQdrant) console.log(`Skipping Qdrant spec checks: missing ${specPaths.qdrant}`);
if (!haveDocker) console.log(`Skipping Docker spec checks: missing ${specPaths.docker}`);

const json = { 'content-type': 'application/json' };

describe('rewriteTypelessNullable', () => {
  it('turns a type-less nullable schema into an explicit null branch and leaves typed ones alone', () => {
    const doc = {
      a: { description: 'd', anyOf: [{ $ref: '#/x' }, { nullable: true }] },
      b: { $ref: '#/y', nullable: true },
      c: { type: 'string', nullable: true },
    };
    rewriteTypelessNullable(doc);
    expect(doc.a).toEqual({ description: 'd', anyOf: [{ $ref: '#/x' }, { anyOf: [{ type: 'null' }] }] });
    expect(doc.b).toEqual({ anyOf: [{ $ref: '#/y' }, { type: 'null' }] });
    expect(doc.c).toEqual({ type: 'string', nullable: true });
  });
});

describe.skipIf(!haveQdrant)('Qdrant spec', () => {
  it('accepts nulls where the spec allows them and enforces uint formats', async () => {
    const spec = await loadSpec('qdrant');
    const query = (body: unknown) => spec.checkRequest({ method: 'POST', path: '/collections/c/points/query', query: {}, headers: json, body });
    expect(query({ query: [1, 0], using: 'dense', filter: null, limit: 3 }).errors).toEqual([]);
    expect(query({ query: [1, 0], limit: -1 }).errors).not.toEqual([]);
    const upsert = spec.checkRequest({ method: 'PUT', path: '/collections/c/points', query: {}, headers: json, body: { points: [{ id: 'not-a-uuid', vector: [1] }] } });
    expect(upsert.errors).not.toEqual([]);
  });
});

describe.skipIf(!haveDocker)('Docker spec (Swagger 2.0 converted)', () => {
  it('matches operations, decodes path params and ignores query keys the engine ignores', async () => {
    const spec = await loadSpec('docker');
    const create = spec.checkRequest({ method: 'POST', path: '/containers/create', query: { name: 'bsc-qdrant', Image: 'x' }, headers: json, body: { Image: 'qdrant/qdrant:v1.19.0' } });
    expect(create).toMatchObject({ operationId: 'ContainerCreate', errors: [] });
    const inspect = spec.checkRequest({ method: 'GET', path: '/images/qdrant%2Fqdrant:v1/json', query: {}, headers: {}, body: undefined });
    expect(inspect).toMatchObject({ operationId: 'ImageInspect', params: { name: 'qdrant/qdrant:v1' } });
    expect(spec.checkRequest({ method: 'GET', path: '/nope', query: {}, headers: {}, body: undefined }).operationId).toBeUndefined();
  });
});
