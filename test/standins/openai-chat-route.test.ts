import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addChatCompletionsRoute, type ChatCompletionsRoute } from './openai-chat-route';
import { startOpenAIStandin, type OpenAIStandin } from './openai-standin';

const apiKey = 'sk-route-test-0123456789abcdef';
let standin: OpenAIStandin;
let chat: ChatCompletionsRoute;

beforeAll(async () => {
  standin = await startOpenAIStandin({ apiKey });
  chat = addChatCompletionsRoute(standin);
});
afterAll(() => standin.close());
beforeEach(() => {
  chat.script.clear();
  chat.requests.length = 0;
});

const post = (body: unknown) =>
  fetch(`${standin.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });

const minimal = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('OpenAI chat completions route: wire format', () => {
  it('streams data chunks, a usage chunk when asked, then [DONE]', async () => {
    chat.script.reply('abcdef', { chunkSize: 3, usage: { inputTokens: 10, outputTokens: 2 } });
    const text = await (await post({ ...minimal, stream: true, stream_options: { include_usage: true } })).text();
    const lines = text.split('\n\n').filter(Boolean);
    expect(lines.at(-1)).toBe('data: [DONE]');
    type Chunk = { object: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[]; usage?: unknown };
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l.replace(/^data: /, '')) as Chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 3).map((c) => c.choices[0]!.delta.content)).toEqual(['abc', 'def']);
    expect(chunks[3]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks[4]!.choices).toEqual([]);
    expect(chunks[4]!.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
  });

  it('sends no usage chunk unless asked', async () => {
    const text = await (await post({ ...minimal, stream: true })).text();
    expect(text).not.toContain('"usage"');
  });

  it('refuses json_object mode when no message mentions JSON, like the real API', async () => {
    const res = await post({ ...minimal, response_format: { type: 'json_object' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/must contain the word 'json'/);
  });

  it('the real SDK reads a streamed completion from it', async () => {
    chat.script.reply('Strategy map.', { chunkSize: 4 });
    const client = new OpenAI({ apiKey, baseURL: standin.url, maxRetries: 0 });
    const final = await client.chat.completions.stream({ ...minimal, messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('Strategy map.');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('answers without streaming, cut at max_tokens with finish_reason length', async () => {
    chat.script.reply('y'.repeat(100));
    const client = new OpenAI({ apiKey, baseURL: standin.url, maxRetries: 0 });
    const res = await client.chat.completions.create({ ...minimal, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    expect(res.choices[0]!.message.content).toBe('y'.repeat(20));
    expect(res.choices[0]!.finish_reason).toBe('length');
  });

  it('scripted failures carry Retry-After and OpenAI error JSON', async () => {
    chat.script.fail(503, { retryAfter: 2 });
    const res = await post(minimal);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
  });
});
