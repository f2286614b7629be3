import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for OpenAI's HTTP API on 127.0.0.1, for tests that point the real `openai` SDK at it.
 * It speaks the real wire format (bodies, error envelopes, Retry-After) for the routes it knows;
 * it is not OpenAI, and a pass here is not a pass against the real service.
 */

export interface StandinRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Fires when the client goes away (an aborted request). */
  closed: AbortSignal;
}

/** A route answers with a status and a JSON body, or writes the response itself (streaming) and returns undefined. */
export type StandinRoute = (
  req: StandinRequest,
  res: ServerResponse,
) => Promise<{ status: number; body: unknown; headers?: Record<string, string> } | undefined>;

export interface ScriptedFailure {
  status: number;
  retryAfter?: number; // seconds, sent as Retry-After
  retryAfterMs?: number; // sent as retry-after-ms, as OpenAI does
  code?: string; // e.g. 'insufficient_quota'
}

export interface OpenAIStandin {
  /** Base URL for the SDK's `baseURL`, ending in /v1. */
  readonly url: string;
  readonly stats: { requests: number; embeddingCalls: number; embeddedTexts: number; failedCalls: number; inFlight: number; maxInFlight: number };
  /** Every request's method, path, Authorization header and parsed body, in arrival order. */
  readonly log: { method: string; path: string; authorization: string | undefined; body: unknown }[];
  readonly script: {
    /** The next `times` requests (any route) fail with `status`. */
    failNext(status: number, times?: number, opts?: Omit<ScriptedFailure, 'status'>): void;
    clearFailures(): void;
    /** Wait before answering each request (an abort by the client cuts it short). */
    delayMs: number;
  };
  /** Adds or replaces a route, e.g. `route('POST', '/v1/chat/completions', …)`. */
  route(method: string, path: string, handler: StandinRoute): void;
  resetStats(): void;
  close(): Promise<void>;
}

export interface OpenAIStandinOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  delayMs?: number;
}

export async function startOpenAIStandin(opts: OpenAIStandinOptions = {}): Promise<OpenAIStandin> {
  const stats = { requests: 0, embeddingCalls: 0, embeddedTexts: 0, failedCalls: 0, inFlight: 0, maxInFlight: 0 };
  const log: OpenAIStandin['log'] = [];
  const failures: ScriptedFailure[] = [];
  const script = {
    delayMs: opts.delayMs ?? 0,
    failNext(status: number, times = 1, o: Omit<ScriptedFailure, 'status'> = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, ...o });
    },
    clearFailures() {
      failures.length = 0;
    },
  };
  const routes = new Map<string, StandinRoute>();
  routes.set('POST /v1/embeddings', async (req) => {
    const answer = answerEmbeddings(req.body);
    if (answer.status === 200) stats.embeddedTexts += (answer.body as { data: unknown[] }).data.length;
    return answer;
  });

  let requestNo = 0;
  const server = createServer((req, res) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    void handle(req, res)
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, openAIError(String(err), 'server_error', null));
      })
      .finally(() => stats.inFlight--);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    res.setHeader('x-request-id', `req_standin_${++requestNo}`);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const closed = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) closed.abort();
    });
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        log.push({ method, path, authorization: req.headers.authorization, body: raw });
        stats.failedCalls++;
        return sendJson(res, 400, openAIError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      }
    }
    log.push({ method, path, authorization: req.headers.authorization, body });
    if (method === 'POST' && path === '/v1/embeddings') stats.embeddingCalls++;

    if (opts.apiKey !== undefined) {
      const auth = req.headers.authorization ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (given !== opts.apiKey) {
        stats.failedCalls++;
        // Real OpenAI masks most of the key here; echoing it whole makes leak tests stricter.
        const message = given
          ? `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`
          : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
        return sendJson(res, 401, openAIError(message, 'invalid_request_error', given ? 'invalid_api_key' : null));
      }
    }

    if (script.delayMs > 0) {
      await waitUnlessClosed(script.delayMs, closed.signal);
      if (closed.signal.aborted) return;
    }

    const handler = routes.get(`${method} ${path}`);
    if (!handler) {
      return sendJson(res, 404, openAIError(`Invalid URL (${method} ${path})`, 'invalid_request_error', null));
    }

    const failure = failures.shift();
    if (failure) {
      stats.failedCalls++;
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
      if (failure.retryAfterMs !== undefined) headers['retry-after-ms'] = String(failure.retryAfterMs);
      return sendJson(res, failure.status, scriptedErrorBody(failure), headers);
    }

    const answer = await handler({ method, path, headers: req.headers, body, closed: closed.signal }, res);
    if (answer) {
      if (answer.status >= 400) stats.failedCalls++;
      sendJson(res, answer.status, answer.body, answer.headers);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    log,
    script,
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    resetStats() {
      Object.assign(stats, { requests: 0, embeddingCalls: 0, embeddedTexts: 0, failedCalls: 0, maxInFlight: stats.inFlight });
      log.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

// ---------- /v1/embeddings ----------

const knownModels: Record<string, { dims: number; shortenable: boolean }> = {
  'text-embedding-3-small': { dims: 1536, shortenable: true },
  'text-embedding-3-large': { dims: 3072, shortenable: true },
  'text-embedding-ada-002': { dims: 1536, shortenable: false },
};
/** Models the stand-in does not know behave like a local server's model (Ollama's nomic-embed-text is 768-d). */
const otherModelDims = 768;

function answerEmbeddings(body: unknown): { status: number; body: unknown } {
  const bad = (message: string, param: string | null) => ({ status: 400, body: openAIError(message, 'invalid_request_error', null, param) });
  if (typeof body !== 'object' || body === null) return bad('The body of your request must be a JSON object.', null);
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return bad('you must provide a model parameter', 'model');
  const input = b.input;
  let texts: string[];
  if (typeof input === 'string') texts = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) texts = input as string[];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'number')) texts = [(input as number[]).join(' ')];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => Array.isArray(x) && x.every((n) => typeof n === 'number'))) {
    texts = (input as number[][]).map((x) => x.join(' '));
  } else return bad("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
  if (texts.length > 2048) return bad(`'$.input' is too long: at most 2048 inputs per request, got ${texts.length}.`, 'input');
  if (texts.some((t) => t === '')) return bad("'$.input' is invalid: an input cannot be an empty string.", 'input');

  const format = b.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return bad(`Invalid value for 'encoding_format': '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format');
  }
  const model = knownModels[b.model] ?? { dims: otherModelDims, shortenable: true };
  let dims = model.dims;
  if (b.dimensions !== undefined) {
    if (!model.shortenable) return bad('This model does not support specifying dimensions.', 'dimensions');
    if (typeof b.dimensions !== 'number' || !Number.isInteger(b.dimensions) || b.dimensions < 1 || b.dimensions > model.dims) {
      return bad(`Invalid value for 'dimensions': must be an integer between 1 and ${model.dims}.`, 'dimensions');
    }
    dims = b.dimensions;
  }

  let tokens = 0;
  const data = texts.map((text, index) => {
    tokens += Math.max(1, Math.ceil(text.length / 4));
    const v = standinEmbedding(text, dims, b.model as string);
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
    };
  });
  return { status: 200, body: { object: 'list', data, model: b.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

/**
 * A deterministic unit vector: words and their character trigrams hashed into buckets with a sign
 * (feature hashing), so equal texts give equal vectors, texts sharing words or stems are similar,
 * and another model gives other vectors.
 */
export function standinEmbedding(text: string, dims: number, model = 'text-embedding-3-small'): Float32Array {
  const v = new Float32Array(dims);
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(`${model}\u0000${feature}`);
    v[h % dims]! += h & 0x80000000 ? -weight : weight;
  };
  for (const w of words) {
    add(`w:${w}`, 1);
    const padded = `^${w}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.4);
  }
  if (words.length === 0) add(`raw:${text}`, 1);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) v[i]! /= norm;
  return v;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// ---------- wire helpers ----------

function openAIError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function scriptedErrorBody(f: ScriptedFailure) {
  if (f.status === 429) {
    return f.code === 'insufficient_quota'
      ? openAIError('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota')
      : openAIError('Rate limit reached for requests. Please try again in 1s.', 'requests', f.code ?? 'rate_limit_exceeded');
  }
  if (f.status === 401) return openAIError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  if (f.status >= 500) return openAIError('The server had an error while processing your request. Sorry about that!', 'server_error', f.code ?? null);
  return openAIError(`Scripted failure ${f.status}.`, 'invalid_request_error', f.code ?? null);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function waitUnlessClosed(ms: number, closed: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      closed.removeEventListener('abort', done);
      resolve();
    }
    closed.addEventListener('abort', done, { once: true });
  });
}
