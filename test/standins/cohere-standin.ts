import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody, waitUnlessClosed } from './anthropic-standin';

/**
 * A stand-in for Cohere's rerank endpoint on 127.0.0.1, for tests that point the real `cohere-ai`
 * SDK at it. cohere-ai 8's CohereClientV2.rerank calls POST /v2/rerank (the v1 client's
 * CohereClient.rerank calls POST /v1/rerank, with the same answer shape; both are served).
 * Relevance is word overlap with the query, so tests can predict the order; it is not Cohere's
 * model, and a pass here is not a pass against the real service.
 */

export interface RerankRequestRecord {
  path: string;
  authorization: string | undefined;
  body: { model?: string; query?: string; documents?: unknown[]; top_n?: number; max_tokens_per_doc?: number };
  clientClosedAt: number | null;
}

export interface CohereStandin {
  /** Base URL for the SDK's `baseUrl`. */
  readonly url: string;
  readonly requests: RerankRequestRecord[];
  readonly calls: number;
  readonly script: {
    /** Wait before answering each request; a client abort cuts it short. */
    latencyMs: number;
    /** The next `times` requests fail with `status` and Cohere's `{ message }` body. */
    fail(status: number, opts?: { times?: number; retryAfter?: number }): void;
    clear(): void;
  };
  close(): Promise<void>;
}

export async function startCohereStandin(opts: { apiKey?: string } = {}): Promise<CohereStandin> {
  const apiKey = opts.apiKey ?? 'cohere-standin-key';
  const requests: RerankRequestRecord[] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  let calls = 0;
  const script = {
    latencyMs: 0,
    fail(status: number, o: { times?: number; retryAfter?: number } = {}) {
      for (let i = 0; i < (o.times ?? 1); i++) failures.push({ status, retryAfter: o.retryAfter });
    },
    clear() {
      failures.length = 0;
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { id: randomUUID(), message: `stand-in bug: ${String(err)}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'POST' || (path !== '/v2/rerank' && path !== '/v1/rerank')) {
      return sendJson(res, 404, { id: randomUUID(), message: `no route for ${req.method} ${path}` });
    }
    calls++;
    const parsed = await readJsonBody(req);
    const record: RerankRequestRecord = {
      path,
      authorization: req.headers.authorization,
      body: parsed.ok && typeof parsed.body === 'object' && parsed.body !== null ? (parsed.body as RerankRequestRecord['body']) : {},
      clientClosedAt: null,
    };
    const closed = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        record.clientClosedAt = Date.now();
        closed.abort();
      }
    });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(res, 401, { id: randomUUID(), message: 'invalid api token' });
    requests.push(record);
    if (!parsed.ok) return sendJson(res, 400, { id: randomUUID(), message: 'invalid request: could not parse JSON body' });

    if (script.latencyMs > 0) await waitUnlessClosed(script.latencyMs, closed.signal);
    if (closed.signal.aborted) return;

    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      const message = failure.status === 429 ? "You are using a Trial key, which is limited to 10 API calls / minute." : 'internal server error, this has been reported to our developers';
      return sendJson(res, failure.status, { id: randomUUID(), message }, headers);
    }

    const answer = answerRerank(record.body);
    sendJson(res, answer.status, answer.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get calls() {
      return calls;
    },
    script,
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function answerRerank(body: RerankRequestRecord['body']): { status: number; body: unknown } {
  const bad = (message: string) => ({ status: 400, body: { id: randomUUID(), message } });
  if (typeof body.model !== 'string' || body.model === '') return bad('invalid request: model is required');
  if (typeof body.query !== 'string' || body.query.trim() === '') return bad('invalid request: query must not be empty');
  if (!Array.isArray(body.documents) || body.documents.length === 0) return bad('invalid request: list of documents must not be empty');
  if (body.documents.length > 1000) return bad('invalid request: too many documents, at most 1000 per request');
  const texts = body.documents.map((d) => (typeof d === 'string' ? d : typeof d === 'object' && d !== null ? String((d as { text?: unknown }).text ?? '') : ''));
  if (body.top_n !== undefined && (!Number.isInteger(body.top_n) || body.top_n < 1)) return bad('invalid request: top_n must be a positive integer');
  const topN = Math.min(body.top_n ?? texts.length, texts.length);

  const scored = texts.map((text, index) => ({ index, relevance_score: overlapScore(body.query as string, text) }));
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  return {
    status: 200,
    body: {
      id: randomUUID(),
      results: scored.slice(0, topN),
      meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
    },
  };
}

const words = (s: string) =>
  new Set(
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1),
  );

/** The share of the query's words found in the document, squeezed into (0, 1) like Cohere's scores. */
export function overlapScore(query: string, document: string): number {
  const q = words(query);
  if (q.size === 0) return 0;
  const d = words(document);
  let hits = 0;
  for (const w of q) if (d.has(w)) hits++;
  return Math.round((0.01 + 0.98 * (hits / q.size)) * 1e6) / 1e6;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
