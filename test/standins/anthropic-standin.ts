import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Anthropic's Messages API on 127.0.0.1, for tests that point the real
 * `@anthropic-ai/sdk` at it. It speaks the real wire format — SSE event names and JSON shapes,
 * error envelopes, Retry-After — for POST /v1/messages, checking the key (`x-api-key` or
 * `Authorization: Bearer`) and `anthropic-version`; it is not Claude, and a pass here is not
 * a pass against the real service.
 *
 * The scripting (`createChatScript`) is shared with the OpenAI chat route (openai-chat-route.ts).
 */

// ---------- scripting shared by the chat stand-ins ----------

/** Token counts a test may impose on a reply; absent fields are estimated (4 characters a token). */
export interface ScriptedUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** One request as the stand-in saw it. */
export interface ChatRequestRecord {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** Every message's text (system prompt included), joined: what a test greps for passages. */
  promptText: string;
  startedAt: number;
  /** When the connection closed before the answer was complete (a client abort or timeout, or a scripted drop), else null. */
  clientClosedAt: number | null;
  finished: boolean;
}

export interface ReplyOptions {
  /** Characters per streamed delta. */
  chunkSize?: number;
  /** Pause before each delta. */
  delayMs?: number;
  usage?: ScriptedUsage;
  /** After this many characters, send the provider's in-stream error event (a 500 mid-answer). */
  errorAfterChars?: number;
  /** After this many characters, destroy the socket with no goodbye. */
  dropAfterChars?: number;
}

export interface ScriptedReply extends ReplyOptions {
  kind: 'reply';
  text: string | ((req: ChatRequestRecord) => string);
}

export interface ScriptedChatFailure {
  kind: 'fail';
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  message?: string;
}

export type ChatScriptStep = ScriptedReply | ScriptedChatFailure;

export interface ChatScript {
  /** Wait before the first byte of every answer (headers included); a client abort cuts it short. */
  latencyMs: number;
  /** Queue a reply: fixed text, or text computed from the request. */
  reply(text: ScriptedReply['text'], opts?: ReplyOptions): void;
  /** Queue `times` HTTP failures with the provider's error body. */
  fail(status: number, opts?: { retryAfter?: number; message?: string; times?: number }): void;
  /** Queue a reply whose socket is closed after `n` characters have been streamed. */
  dropAfterChars(n: number, text?: string, opts?: ReplyOptions): void;
  /** Queue a reply that turns into the provider's error event after `n` characters. */
  failAfterChars(n: number, text?: string, opts?: ReplyOptions): void;
  /** The next step: the queue's head, or the default reply when the queue is empty. */
  next(): ChatScriptStep;
  readonly queued: number;
  clear(): void;
}

export const defaultStandinAnswer = 'Stand-in answer: the four perspectives are financial, customer, internal processes and learning & growth.';

export function createChatScript(defaultText = defaultStandinAnswer): ChatScript {
  const queue: ChatScriptStep[] = [];
  return {
    latencyMs: 0,
    reply(text, opts = {}) {
      queue.push({ kind: 'reply', text, ...opts });
    },
    fail(status, opts = {}) {
      for (let i = 0; i < (opts.times ?? 1); i++) queue.push({ kind: 'fail', status, retryAfter: opts.retryAfter, message: opts.message });
    },
    dropAfterChars(n, text = defaultText, opts = {}) {
      queue.push({ kind: 'reply', text, ...opts, dropAfterChars: n });
    },
    failAfterChars(n, text = defaultText, opts = {}) {
      queue.push({ kind: 'reply', text, ...opts, errorAfterChars: n });
    },
    next() {
      return queue.shift() ?? { kind: 'reply', text: defaultText };
    },
    get queued() {
      return queue.length;
    },
    clear() {
      queue.length = 0;
    },
  };
}

/** A reply cut into the pieces a stream sends, with where it must stop early, if it must. */
export interface PlannedReply {
  pieces: string[];
  /** The whole text the client will have once every piece is sent (before any cut). */
  text: string;
  cut: { kind: 'error' | 'drop'; afterChars: number } | null;
  /** True when max_tokens cut the text short. */
  truncated: boolean;
}

/** Splits a scripted reply into deltas, honouring max_tokens (4 characters a token) and a scripted cut. */
export function planReply(step: ScriptedReply, record: ChatRequestRecord, maxTokens: number | undefined): PlannedReply {
  let chars = Array.from(typeof step.text === 'function' ? step.text(record) : step.text);
  let truncated = false;
  if (maxTokens !== undefined && chars.length > maxTokens * 4) {
    chars = chars.slice(0, maxTokens * 4);
    truncated = true;
  }
  const size = Math.max(1, step.chunkSize ?? 8);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  const cut =
    step.dropAfterChars !== undefined
      ? { kind: 'drop' as const, afterChars: step.dropAfterChars }
      : step.errorAfterChars !== undefined
        ? { kind: 'error' as const, afterChars: step.errorAfterChars }
        : null;
  return { pieces, text: chars.join(''), cut, truncated };
}

/** Streams the planned pieces through `send`; stops at a scripted cut. Returns what happened. */
export async function streamPieces(
  plan: PlannedReply,
  delayMs: number,
  closed: AbortSignal,
  send: (piece: string) => void,
): Promise<'complete' | 'cut' | 'client-closed'> {
  let sent = 0;
  for (const piece of plan.pieces) {
    if (delayMs > 0) await waitUnlessClosed(delayMs, closed);
    if (closed.aborted) return 'client-closed';
    let part = piece;
    if (plan.cut && sent + Array.from(part).length > plan.cut.afterChars) {
      part = Array.from(part).slice(0, Math.max(0, plan.cut.afterChars - sent)).join('');
      if (part) send(part);
      return 'cut';
    }
    send(part);
    sent += Array.from(part).length;
    if (plan.cut && sent >= plan.cut.afterChars) return 'cut';
  }
  return 'complete';
}

/** Closes the socket with no goodbye, after what was written so far has left (Node corks chunked writes until the next tick). */
export function dropConnection(res: ServerResponse): void {
  setTimeout(() => res.socket?.destroy(), 10);
}

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

export function waitUnlessClosed(ms: number, closed: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (closed.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      closed.removeEventListener('abort', done);
      resolve();
    }
    closed.addEventListener('abort', done, { once: true });
  });
}

export function readJsonBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; raw: string }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      try {
        resolve({ ok: true, body: raw.length > 0 ? JSON.parse(raw) : undefined });
      } catch {
        resolve({ ok: false, raw });
      }
    });
    req.on('error', reject);
  });
}

/** Records a request and tracks whether its client left before the answer was complete. */
export function recordChatRequest(
  path: string,
  headers: IncomingMessage['headers'],
  res: ServerResponse,
  body: Record<string, unknown>,
  promptText: string,
) {
  const record: ChatRequestRecord = { path, headers, body, promptText, startedAt: Date.now(), clientClosedAt: null, finished: false };
  const closed = new AbortController();
  res.on('finish', () => {
    record.finished = true;
  });
  res.on('close', () => {
    if (!res.writableFinished) {
      record.clientClosedAt = Date.now();
      closed.abort();
    }
  });
  return { record, closed: closed.signal };
}

// ---------- the Anthropic stand-in ----------

export interface AnthropicStandin {
  /** Base URL for the SDK's `baseURL` (the SDK appends /v1/messages). */
  readonly url: string;
  readonly script: ChatScript;
  /** Every POST /v1/messages that passed the header checks, in arrival order. */
  readonly requests: ChatRequestRecord[];
  /** Calls to /v1/messages, rejected ones included. */
  readonly calls: number;
  /** Answers still being written (a stream the client has not finished reading). */
  readonly openAnswers: number;
  close(): Promise<void>;
}

export interface AnthropicStandinOptions {
  /** The key the stand-in accepts in `x-api-key`. */
  apiKey?: string;
}

/** Cache thresholds of the real API: shorter prompts are not cached even when marked. */
const minCacheableTokens = 1024;

export async function startAnthropicStandin(opts: AnthropicStandinOptions = {}): Promise<AnthropicStandin> {
  const apiKey = opts.apiKey ?? 'sk-ant-standin-key';
  const script = createChatScript();
  const requests: ChatRequestRecord[] = [];
  const promptCache = new Set<string>();
  let calls = 0;
  let openAnswers = 0;

  const server = createServer((req, res) => {
    openAnswers++;
    res.on('close', () => openAnswers--);
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, anthropicError('api_error', `Stand-in bug: ${String(err)}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.setHeader('request-id', `req_standin${randomBytes(8).toString('hex')}`);
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendJson(res, 404, anthropicError('not_found_error', `${req.method} ${path} not found`));
    }
    calls++;
    const parsed = await readJsonBody(req);
    // The API takes the key as `x-api-key`; SDK 1.x sends it as `Authorization: Bearer`, which it also accepts.
    const auth = req.headers.authorization ?? '';
    const given = req.headers['x-api-key'] ?? (auth.startsWith('Bearer ') ? auth.slice(7) : undefined);
    if (given !== apiKey) {
      const message = given ? 'invalid x-api-key' : 'x-api-key header is required';
      return sendJson(res, 401, anthropicError('authentication_error', message));
    }
    // The real API answers a missing version with 400, not 401.
    if (typeof req.headers['anthropic-version'] !== 'string') {
      return sendJson(res, 400, anthropicError('invalid_request_error', 'anthropic-version: header is required'));
    }
    if (!parsed.ok) return sendJson(res, 400, anthropicError('invalid_request_error', 'There was an issue with your request body: invalid JSON'));
    const invalid = validateMessagesBody(parsed.body);
    if (invalid) return sendJson(res, 400, anthropicError('invalid_request_error', invalid));
    const body = parsed.body as MessagesBody;

    const { record, closed } = recordChatRequest(path, req.headers, res, body as unknown as Record<string, unknown>, promptTextOf(body));
    requests.push(record);

    if (script.latencyMs > 0) await waitUnlessClosed(script.latencyMs, closed);
    if (closed.aborted) return;

    const step = script.next();
    if (step.kind === 'fail') {
      const headers: Record<string, string> = {};
      if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
      return sendJson(res, step.status, anthropicError(errorTypeFor(step.status), step.message ?? defaultMessageFor(step.status)), headers);
    }

    const plan = planReply(step, record, body.max_tokens);
    const usage = usageFor(body, plan.text, step.usage, promptCache);
    const stopReason = plan.truncated ? 'max_tokens' : 'end_turn';
    const messageId = `msg_standin${randomBytes(10).toString('hex')}`;

    if (body.stream !== true) {
      if (plan.cut?.kind === 'drop') return void res.socket?.destroy();
      if (plan.cut?.kind === 'error') return sendJson(res, 500, anthropicError('api_error', 'Internal server error'));
      return sendJson(res, 200, {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: plan.text }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: wireUsage(usage),
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const event = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    // As the real API does: input usage up front, output_tokens tiny until message_delta.
    event('message_start', {
      type: 'message_start',
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...wireUsage(usage), output_tokens: 1 },
      },
    });
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    event('ping', { type: 'ping' });
    const outcome = await streamPieces(plan, step.delayMs ?? 0, closed, (text) =>
      event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    );
    if (outcome === 'client-closed') return;
    if (outcome === 'cut') {
      if (plan.cut?.kind === 'drop') return dropConnection(res);
      event('error', { type: 'error', error: { type: 'api_error', message: 'Internal server error' } });
      return void res.end();
    }
    event('content_block_stop', { type: 'content_block_stop', index: 0 });
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    });
    event('message_stop', { type: 'message_stop' });
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    script,
    requests,
    get calls() {
      return calls;
    },
    get openAnswers() {
      return openAnswers;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: string | { type: string; text?: string }[] }[];
  system?: string | { type: 'text'; text: string; cache_control?: { type: string } | null }[];
  stream?: boolean;
  temperature?: number;
}

/** The checks the real API makes that our adapter could get wrong; the message wording follows the API's. */
function validateMessagesBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return 'body: Input should be an object';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return 'model: Field required';
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
  for (const [i, m] of (b.messages as unknown[]).entries()) {
    const msg = m as Record<string, unknown>;
    if (msg.role === 'system') {
      return `messages.${i}.role: Unexpected role "system". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
    }
    if (msg.role !== 'user' && msg.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (typeof msg.content !== 'string' && !Array.isArray(msg.content)) return `messages.${i}.content: Input should be a valid list`;
  }
  if (b.system !== undefined && typeof b.system !== 'string' && !Array.isArray(b.system)) return 'system: Input should be a valid list';
  if (b.temperature !== undefined && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  return null;
}

function systemText(body: MessagesBody): string {
  if (body.system === undefined) return '';
  return typeof body.system === 'string' ? body.system : body.system.map((b) => b.text).join('\n');
}

function promptTextOf(body: MessagesBody): string {
  const parts = [systemText(body)];
  for (const m of body.messages) parts.push(typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join('\n'));
  return parts.filter(Boolean).join('\n');
}

interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Simulates prompt caching: a marked system prompt long enough is written once, then read. */
function usageFor(body: MessagesBody, answer: string, scripted: ScriptedUsage | undefined, cache: Set<string>): Usage {
  const system = systemText(body);
  const marked = Array.isArray(body.system) && body.system.some((b) => b.cache_control?.type === 'ephemeral');
  const systemTokens = estimateTokens(system);
  const restTokens = estimateTokens(promptTextOf({ ...body, system: undefined }));
  let cacheReadTokens = 0;
  let cacheWriteTokens = 0;
  let inputTokens = systemTokens + restTokens;
  if (marked && systemTokens >= minCacheableTokens) {
    const key = `${body.model}\u0000${system}`;
    if (cache.has(key)) cacheReadTokens = systemTokens;
    else {
      cache.add(key);
      cacheWriteTokens = systemTokens;
    }
    inputTokens = restTokens;
  }
  return {
    inputTokens: scripted?.inputTokens ?? inputTokens,
    outputTokens: scripted?.outputTokens ?? estimateTokens(answer),
    cacheReadTokens: scripted?.cacheReadTokens ?? cacheReadTokens,
    cacheWriteTokens: scripted?.cacheWriteTokens ?? cacheWriteTokens,
  };
}

function wireUsage(u: Usage) {
  return {
    input_tokens: u.inputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cacheReadTokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: u.outputTokens,
    service_tier: 'standard',
  };
}

function anthropicError(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: `req_standin${randomBytes(8).toString('hex')}` };
}

function errorTypeFor(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function defaultMessageFor(status: number): string {
  if (status === 429) return 'Number of request tokens has exceeded your per-minute rate limit';
  if (status === 529) return 'Overloaded';
  if (status >= 500) return 'Internal server error';
  return `Scripted failure ${status}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
