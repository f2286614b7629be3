import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from '../../../test/standins/anthropic-standin';
import { BscError } from '../errors';
import { createAnthropicChatModel } from './anthropic';
import { completeChat, type ChatChunk, type ChatModel } from './chat-model';
import { estimateCostUsd } from './prices';

const apiKey = 'sk-ant-test-0123456789abcdefghij';
let standin: AnthropicStandin;

beforeAll(async () => {
  standin = await startAnthropicStandin({ apiKey });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.script.clear();
  standin.script.latencyMs = 0;
  standin.requests.length = 0;
});

function model(over: { apiKey?: string; model?: string; baseUrl?: string } = {}): ChatModel {
  return createAnthropicChatModel({
    apiKey: over.apiKey ?? apiKey,
    baseUrl: over.baseUrl ?? standin.url,
    model: over.model ?? 'claude-sonnet-4-6',
    tuning: { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 }, firstTokenTimeoutMs: 5_000, totalTimeoutMs: 10_000 },
  });
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; error: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of stream) chunks.push(c);
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error };
  }
}

const textOf = (chunks: ChatChunk[]) => chunks.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('');

describe('Anthropic chat model against the stand-in', () => {
  it('streams the answer in pieces, in order, then usage and done', async () => {
    const answer = 'A perspectiva financeira mede o resultado; a do cliente, a proposta de valor.';
    standin.script.reply(answer, { chunkSize: 7, delayMs: 5, usage: { inputTokens: 120, outputTokens: 30 } });
    const { chunks, error } = await collect(
      model().stream(
        [
          { role: 'system', content: 'You are a BSC consultant.' },
          { role: 'user', content: 'O que mede a perspectiva financeira?' },
        ],
        { maxTokens: 300, temperature: 0.2 },
      ),
    );
    expect(error).toBeNull();
    const texts = chunks.filter((c) => c.type === 'text');
    expect(texts.length).toBe(Math.ceil(Array.from(answer).length / 7));
    expect(textOf(chunks)).toBe(answer);
    expect(chunks.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(chunks.at(-1)).toEqual({ type: 'done', stopReason: 'end_turn' });

    const req = standin.requests[0]!;
    expect(req.body.system).toBe('You are a BSC consultant.');
    expect(req.body.messages).toEqual([{ role: 'user', content: 'O que mede a perspectiva financeira?' }]);
    expect(req.body.max_tokens).toBe(300);
    expect(req.body.temperature).toBe(0.2);
    expect(req.body.stream).toBe(true);
    expect(req.headers['anthropic-version']).toBeTypeOf('string');
  });

  it('completeChat returns the text, usage and cost', async () => {
    standin.script.reply('Four perspectives.', { usage: { inputTokens: 1_000_000, outputTokens: 200_000 } });
    const out = await completeChat(model(), [{ role: 'user', content: 'How many perspectives?' }], { maxTokens: 50 });
    expect(out.text).toBe('Four perspectives.');
    expect(out.usage).toMatchObject({ inputTokens: 1_000_000, outputTokens: 200_000 });
    // claude-sonnet-4-6: $3 in + 0.2 × $15 out
    expect(out.costUsd).toBeCloseTo(6, 6);
    expect(out.stopReason).toBe('end_turn');
  });

  it('reports max_tokens as the stop reason when the answer is cut by the limit', async () => {
    standin.script.reply('x'.repeat(400));
    const out = await completeChat(model(), [{ role: 'user', content: 'Long, please.' }], { maxTokens: 10 });
    expect(out.stopReason).toBe('max_tokens');
    expect(out.text.length).toBe(40);
  });

  it('marks a long system prompt for prompt caching, and the second call reads the cache', async () => {
    const documentPrompt = `Document:\n${'The Balanced Scorecard translates strategy into objectives. '.repeat(100)}`;
    const messages = [
      { role: 'system' as const, content: documentPrompt },
      { role: 'user' as const, content: 'Give this chunk its context.' },
    ];
    const first = await completeChat(model({ model: 'claude-haiku-4-5' }), messages, { maxTokens: 100, cacheSystemPrompt: true });
    const second = await completeChat(model({ model: 'claude-haiku-4-5' }), messages, { maxTokens: 100, cacheSystemPrompt: true });

    expect(standin.requests[0]!.body.system).toEqual([{ type: 'text', text: documentPrompt, cache_control: { type: 'ephemeral' } }]);
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(1000);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBe(0);
    expect(second.costUsd!).toBeLessThan(first.costUsd! / 3);

    // Without the flag the system prompt is a plain string and nothing is cached.
    const plain = await completeChat(model({ model: 'claude-haiku-4-5' }), messages, { maxTokens: 100 });
    expect(standin.requests[2]!.body.system).toBe(documentPrompt);
    expect(plain.usage.cacheReadTokens).toBe(0);
  });

  it('asks for JSON in the system prompt in json mode', async () => {
    standin.script.reply('{"perspectives":["financial"]}');
    const out = await completeChat(model(), [{ role: 'user', content: 'Route: lucro caiu' }], { maxTokens: 50, json: true });
    expect(JSON.parse(out.text)).toEqual({ perspectives: ['financial'] });
    expect(String(standin.requests[0]!.body.system)).toMatch(/single JSON object/);
  });

  it('retries a 429 that comes before the first token, honouring Retry-After', async () => {
    standin.script.fail(429, { retryAfter: 0 });
    standin.script.reply('after the wait');
    const callsBefore = standin.calls;
    const out = await completeChat(model(), [{ role: 'user', content: 'hi' }], { maxTokens: 20 });
    expect(out.text).toBe('after the wait');
    expect(standin.calls - callsBefore).toBe(2);
  });

  it('waits as long as Retry-After says', async () => {
    standin.script.fail(529, { retryAfter: 1 });
    standin.script.reply('ok');
    const started = Date.now();
    await completeChat(model(), [{ role: 'user', content: 'hi' }], { maxTokens: 20 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a connection dropped before any text was shown', async () => {
    standin.script.dropAfterChars(0);
    standin.script.reply('second try');
    const out = await completeChat(model(), [{ role: 'user', content: 'hi' }], { maxTokens: 20 });
    expect(out.text).toBe('second try');
    expect(standin.requests).toHaveLength(2);
  });

  it('gives up after the configured tries with the last failure', async () => {
    standin.script.fail(500, { times: 5 });
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 20 }));
    expect(error).toBeInstanceOf(BscError);
    expect((error as BscError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((error as BscError).message).toMatch(/Anthropic failed \(500\)/);
    expect((error as BscError).details).toMatchObject({ attempts: 3, status: 500 });
    expect(standin.requests).toHaveLength(3);
  });

  it('an error event after text has streamed ends the answer with a clear error and no retry', async () => {
    standin.script.failAfterChars(20, 'The customer perspective asks how customers see us.', { chunkSize: 5 });
    standin.script.reply('must never be fetched');
    const { chunks, error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 100 }));
    expect(textOf(chunks)).toBe('The customer perspec');
    expect(error).toBeInstanceOf(BscError);
    expect((error as BscError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((error as BscError).message).toMatch(/^The model stopped mid-answer/);
    expect(chunks.some((c) => c.type === 'done')).toBe(false);
    expect(standin.requests).toHaveLength(1);
    expect(standin.script.queued).toBe(1);
  });

  it('a socket dropped mid-answer is an error, never a silent restart', async () => {
    standin.script.dropAfterChars(12, 'Learning and growth: skills, systems, climate.', { chunkSize: 4, delayMs: 2 });
    const { chunks, error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 100 }));
    expect(textOf(chunks)).toBe('Learning and');
    expect((error as BscError).message).toMatch(/^The model stopped mid-answer/);
    expect(standin.requests).toHaveLength(1);
  });

  it('cancelling mid-stream closes the HTTP connection at the stand-in within 200 ms', async () => {
    standin.script.reply('slow '.repeat(200), { chunkSize: 5, delayMs: 20 });
    const controller = new AbortController();
    const chunks: ChatChunk[] = [];
    let error: unknown = null;
    let abortedAt = 0;
    try {
      for await (const c of model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 1000, signal: controller.signal })) {
        chunks.push(c);
        if (chunks.length === 3) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    } catch (e) {
      error = e;
    }
    expect((error as BscError).code).toBe('CANCELLED');
    const req = standin.requests[0]!;
    await waitFor(() => req.clientClosedAt !== null, 1000);
    expect(req.clientClosedAt! - abortedAt).toBeLessThan(200);
    expect(req.finished).toBe(false);
  });

  it('a consumer that stops reading early closes the connection too', async () => {
    standin.script.reply('word '.repeat(200), { chunkSize: 5, delayMs: 10 });
    for await (const c of model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 1000 })) {
      if (c.type === 'text') break;
    }
    const stoppedAt = Date.now();
    const req = standin.requests[0]!;
    await waitFor(() => req.clientClosedAt !== null, 1000);
    expect(req.clientClosedAt! - stoppedAt).toBeLessThan(200);
  });

  it('an already-aborted signal sends no request', async () => {
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 10, signal: AbortSignal.abort() }));
    expect((error as BscError).code).toBe('CANCELLED');
    expect(standin.requests).toHaveLength(0);
  });

  it('a first-token timeout fails clearly, promptly, and closes the request', async () => {
    standin.script.latencyMs = 3_000;
    const started = Date.now();
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 10, firstTokenTimeoutMs: 250 }));
    const elapsed = Date.now() - started;
    expect((error as BscError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((error as BscError).message).toMatch(/did not start answering within 250 ms/);
    expect(elapsed).toBeLessThan(1_500);
    const req = standin.requests[0]!;
    await waitFor(() => req.clientClosedAt !== null, 1000);
    expect(standin.requests).toHaveLength(1); // a timeout is not retried
  });

  it('a total timeout ends a slow answer with a clear error', async () => {
    standin.script.reply('slow '.repeat(100), { chunkSize: 5, delayMs: 50 });
    const { chunks, error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 1000, timeoutMs: 400 }));
    expect(textOf(chunks).length).toBeGreaterThan(0);
    expect((error as BscError).message).toMatch(/did not finish answering within 400 ms/);
  });

  it('a wrong key is PROVIDER_AUTH, not retried, and the key is not in the message', async () => {
    const wrongKey = 'sk-ant-wrong-key-9876543210zyxwvu';
    const { error } = await collect(model({ apiKey: wrongKey }).stream([{ role: 'user', content: 'hi' }], { maxTokens: 10 }));
    expect(error).toBeInstanceOf(BscError);
    expect((error as BscError).code).toBe('PROVIDER_AUTH');
    expect((error as BscError).message).toBe('Anthropic rejected the API key (401). Check the key in Settings.');
    expect(JSON.stringify((error as BscError).toShape())).not.toContain(wrongKey);
    expect(standin.requests).toHaveLength(0); // the stand-in records only authenticated requests
  });

  it('an unreachable server says where it tried', async () => {
    const url = await deadUrl();
    const { error } = await collect(model({ baseUrl: url }).stream([{ role: 'user', content: 'hi' }], { maxTokens: 10, maxAttempts: 2 }));
    expect((error as BscError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((error as BscError).message).toBe(`Cannot reach ${url}. Check the address and your connection.`);
    expect((error as BscError).details).toMatchObject({ attempts: 2 });
  });

  it('needs a key before any request', () => {
    expect(() => createAnthropicChatModel({ apiKey: undefined, baseUrl: standin.url, model: 'claude-haiku-4-5' })).toThrow(/No Anthropic API key/);
  });

  it('cost of a listed model matches the table', () => {
    expect(estimateCostUsd('anthropic', 'claude-haiku-4-5', { inputTokens: 2_000_000, outputTokens: 0 })).toBeCloseTo(2, 8);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An address where nothing listens: a port we bound and released. */
async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
