import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addChatCompletionsRoute, type ChatCompletionsRoute } from '../../../test/standins/openai-chat-route';
import { startOpenAIStandin, type OpenAIStandin } from '../../../test/standins/openai-standin';
import type { BscError } from '../errors';
import { completeChat, type ChatChunk, type ChatModel } from './chat-model';
import { createOpenAIChatModel } from './openai';

const apiKey = 'sk-test-openai-0123456789abcdefghijklmn';
let standin: OpenAIStandin;
let chat: ChatCompletionsRoute;
// A second server with no key check plays a local Ollama/LM Studio.
let local: OpenAIStandin;
let localChat: ChatCompletionsRoute;

beforeAll(async () => {
  standin = await startOpenAIStandin({ apiKey });
  chat = addChatCompletionsRoute(standin);
  local = await startOpenAIStandin();
  localChat = addChatCompletionsRoute(local);
});
afterAll(async () => {
  await standin.close();
  await local.close();
});
beforeEach(() => {
  for (const c of [chat, localChat]) {
    c.script.clear();
    c.script.latencyMs = 0;
    c.requests.length = 0;
  }
  standin.script.clearFailures();
});

const tuning = { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 }, firstTokenTimeoutMs: 5_000, totalTimeoutMs: 10_000 };

function model(over: { apiKey?: string; model?: string } = {}): ChatModel {
  return createOpenAIChatModel({ provider: 'openai', apiKey: over.apiKey ?? apiKey, baseUrl: standin.url, model: over.model ?? 'gpt-4o-mini', tuning });
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

describe('OpenAI chat model against the stand-in', () => {
  it('streams the answer in pieces, in order, and asks for usage', async () => {
    const answer = 'Processos internos: onde a empresa precisa ser excelente para entregar a proposta de valor.';
    chat.script.reply(answer, { chunkSize: 9, delayMs: 5 });
    const { chunks, error } = await collect(
      model().stream(
        [
          { role: 'system', content: 'Você é um consultor de BSC.' },
          { role: 'user', content: 'O que são processos internos?' },
        ],
        { maxTokens: 400, temperature: 0 },
      ),
    );
    expect(error).toBeNull();
    expect(chunks.filter((c) => c.type === 'text').length).toBe(Math.ceil(Array.from(answer).length / 9));
    expect(textOf(chunks)).toBe(answer);
    expect(chunks.at(-2)?.type).toBe('usage');
    expect(chunks.at(-1)).toEqual({ type: 'done', stopReason: 'stop' });

    const body = chat.requests[0]!.body;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_completion_tokens).toBe(400);
    expect(body.max_tokens).toBeUndefined();
    expect(body.temperature).toBe(0);
    expect(body.messages).toEqual([
      { role: 'system', content: 'Você é um consultor de BSC.' },
      { role: 'user', content: 'O que são processos internos?' },
    ]);
  });

  it('computes usage without the cached prompt tokens, and the cost', async () => {
    chat.script.reply('ok', { usage: { inputTokens: 1_000_000, cacheReadTokens: 1_000_000, outputTokens: 1_000_000 } });
    const out = await completeChat(model(), [{ role: 'user', content: 'hi' }], { maxTokens: 10 });
    expect(out.usage).toEqual({ inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000 });
    // gpt-4o-mini: 0.15 in + 0.075 cached + 0.60 out
    expect(out.costUsd).toBeCloseTo(0.825, 8);
  });

  it('json mode sends response_format and mentions JSON so the API accepts it', async () => {
    chat.script.reply('{"perspectives":["customer"]}');
    const out = await completeChat(model(), [{ role: 'user', content: 'Which perspectives does "churn" touch?' }], { maxTokens: 50, json: true });
    expect(JSON.parse(out.text)).toEqual({ perspectives: ['customer'] });
    const body = chat.requests[0]!.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(JSON.stringify(body.messages)).toMatch(/JSON/);
  });

  it('retries a 429 before the first token, and the stand-in counts both calls', async () => {
    chat.script.fail(429, { retryAfter: 0 });
    chat.script.reply('second time lucky');
    const out = await completeChat(model(), [{ role: 'user', content: 'hi' }], { maxTokens: 20 });
    expect(out.text).toBe('second time lucky');
    expect(chat.requests).toHaveLength(2);
  });

  it('a server error after text has streamed is a clear error, not a retry', async () => {
    chat.script.failAfterChars(10, 'Financial: revenue growth and productivity.', { chunkSize: 5 });
    chat.script.reply('must never be fetched');
    const { chunks, error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 100 }));
    expect(textOf(chunks)).toBe('Financial:');
    expect((error as BscError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((error as BscError).message).toMatch(/^The model stopped mid-answer \(OpenAI, gpt-4o-mini\)/);
    expect(chat.requests).toHaveLength(1);
  });

  it('a dropped socket mid-answer is a clear error, not a retry', async () => {
    chat.script.dropAfterChars(8, 'Customer: share, retention, acquisition.', { chunkSize: 4 });
    const { chunks, error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 100 }));
    expect(textOf(chunks)).toBe('Customer');
    expect((error as BscError).message).toMatch(/^The model stopped mid-answer/);
    expect(chat.requests).toHaveLength(1);
  });

  it('cancelling mid-stream closes the connection at the stand-in within 200 ms', async () => {
    chat.script.reply('tick '.repeat(200), { chunkSize: 5, delayMs: 20 });
    const controller = new AbortController();
    let seen = 0;
    let abortedAt = 0;
    const { error } = await collect(
      (async function* () {
        for await (const c of model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 1000, signal: controller.signal })) {
          yield c;
          if (++seen === 3) {
            abortedAt = Date.now();
            controller.abort();
          }
        }
      })(),
    );
    expect((error as BscError).code).toBe('CANCELLED');
    const req = chat.requests[0]!;
    await waitFor(() => req.clientClosedAt !== null, 1000);
    expect(req.clientClosedAt! - abortedAt).toBeLessThan(200);
  });

  it('a first-token timeout is a clear error and closes the request', async () => {
    chat.script.latencyMs = 3_000;
    const started = Date.now();
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 10, firstTokenTimeoutMs: 200 }));
    expect((error as BscError).message).toBe('OpenAI did not start answering within 200 ms.');
    expect(Date.now() - started).toBeLessThan(1_500);
    await waitFor(() => chat.requests[0]?.clientClosedAt != null, 1000);
  });

  it('a wrong key is PROVIDER_AUTH and the echoed key never reaches the message', async () => {
    const wrong = 'sk-proj-WRONGKEY-abcdefghijklmnopqrstuvwxyz012345';
    const { error } = await collect(model({ apiKey: wrong }).stream([{ role: 'user', content: 'hi' }], { maxTokens: 10 }));
    expect((error as BscError).code).toBe('PROVIDER_AUTH');
    expect((error as BscError).message).toBe('OpenAI rejected the API key (401). Check the key in Settings.');
    expect(JSON.stringify((error as BscError).toShape())).not.toContain('WRONGKEY');
  });

  it('a 400 the stand-in sends back is BAD_INPUT with the scrubbed provider message', async () => {
    chat.script.fail(400, { message: `Invalid 'messages' for key ${apiKey}` });
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 10 }));
    expect((error as BscError).code).toBe('BAD_INPUT');
    expect((error as BscError).message).not.toContain(apiKey);
    expect(chat.requests).toHaveLength(1);
  });

  it('an exhausted quota (429 insufficient_quota) is not retried', async () => {
    standin.script.failNext(429, 1, { code: 'insufficient_quota' });
    const { error } = await collect(model().stream([{ role: 'user', content: 'hi' }], { maxTokens: 10 }));
    expect((error as BscError).code).toBe('PROVIDER_RATE_LIMITED');
    expect((error as BscError).details).not.toHaveProperty('attempts');
  });
});

describe('OpenAI-compatible (a local server) with a custom base URL', () => {
  it('talks to the given address with the compatible key, max_tokens and no price', async () => {
    const m = createOpenAIChatModel({ provider: 'openai-compatible', apiKey: 'local-key', baseUrl: local.url, model: 'llama3.1:8b', tuning });
    localChat.script.reply((req) => `echo: ${(req.body.messages as { content: string }[]).at(-1)!.content}`);
    const out = await completeChat(m, [{ role: 'user', content: 'olá' }], { maxTokens: 64 });
    expect(out.text).toBe('echo: olá');
    expect(out.costUsd).toBeNull();
    expect(out.usage.outputTokens).toBeGreaterThan(0);
    expect(m.provider).toBe('openai-compatible');
    const req = localChat.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer local-key');
    expect(req.body.model).toBe('llama3.1:8b');
    expect(req.body.max_tokens).toBe(64);
    expect(req.body.max_completion_tokens).toBeUndefined();
    expect(chat.requests).toHaveLength(0);
  });

  it('an unreachable local server says which address', async () => {
    const url = await deadUrl();
    const m = createOpenAIChatModel({ provider: 'openai-compatible', apiKey: undefined, baseUrl: url, model: 'qwen2.5', tuning });
    const { error } = await collect(m.stream([{ role: 'user', content: 'hi' }], { maxTokens: 10, maxAttempts: 1 }));
    expect((error as BscError).message).toBe(`Cannot reach ${url}. Check the address and your connection.`);
  });

  it('needs an address', () => {
    expect(() => createOpenAIChatModel({ provider: 'openai-compatible', apiKey: undefined, baseUrl: null, model: 'x' })).toThrow(/server address/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}
