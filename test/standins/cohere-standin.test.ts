import { CohereClient, CohereClientV2 } from 'cohere-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlapScore, startCohereStandin, type CohereStandin } from './cohere-standin';

const apiKey = 'cohere-standin-test-key';
let standin: CohereStandin;

beforeAll(async () => {
  standin = await startCohereStandin({ apiKey });
});
afterAll(() => standin.close());

const documents = ['cost reduction programme', 'customer satisfaction survey', 'revenue growth and cost reduction'];

describe('Cohere stand-in', () => {
  it('answers the v2 client with results by word overlap, best first', async () => {
    const client = new CohereClientV2({ token: apiKey, baseUrl: standin.url, maxRetries: 0 });
    const res = await client.rerank({ model: 'rerank-v3.5', query: 'revenue growth cost reduction', documents, topN: 2 });
    expect(res.results.map((r) => r.index)).toEqual([2, 0]);
    expect(res.results[0]!.relevanceScore).toBeGreaterThan(res.results[1]!.relevanceScore);
    expect(standin.requests.at(-1)!.path).toBe('/v2/rerank');
  });

  it('answers the v1 client on /v1/rerank with the same shape', async () => {
    const client = new CohereClient({ token: apiKey, baseUrl: standin.url, maxRetries: 0 });
    const res = await client.rerank({ model: 'rerank-v3.5', query: 'customer survey', documents });
    expect(res.results[0]!.index).toBe(1);
    expect(res.results).toHaveLength(3);
    expect(standin.requests.at(-1)!.path).toBe('/v1/rerank');
  });

  it('rejects a wrong token with 401 and Cohere error JSON, and empty documents with 400', async () => {
    const bad = await fetch(`${standin.url}/v2/rerank`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'invalid api token' });
    const empty = await fetch(`${standin.url}/v2/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rerank-v3.5', query: 'q', documents: [] }),
    });
    expect(empty.status).toBe(400);
  });

  it('scores in (0, 1), folding case and accents', () => {
    expect(overlapScore('Redução de custos', 'reducao DE CUSTOS')).toBeCloseTo(0.99, 6);
    expect(overlapScore('receita', 'clientes')).toBeCloseTo(0.01, 6);
  });
});
