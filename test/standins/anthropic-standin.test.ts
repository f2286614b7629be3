import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from './anthropic-standin';

const apiKey = 'sk-ant-standin-test-key';
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

const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }) =>
  fetch(`${standin.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const minimal = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

/** Parses an SSE body into [event, data] pairs. */
function sseEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
      return { event, data };
    });
}

describe('Anthropic stand-in: wire format', () => {
  it('rejects a missing or wrong key with 401 and Anthropic error JSON', async () => {
    const attempts: Record<string, string>[] = [{ 'anthropic-version': '2023-06-01' }, { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' }];
    for (const headers of attempts) {
      const res = await post(minimal, headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body.type).toBe('error');
      expect(body.error.type).toBe('authentication_error');
    }
    expect(standin.requests).toHaveLength(0);
  });

  it('accepts the key as x-api-key or as a Bearer token, and needs anthropic-version', async () => {
    expect((await post(minimal)).status).toBe(200);
    expect((await post(minimal, { authorization: `Bearer ${apiKey}`, 'anthropic-version': '2023-06-01' })).status).toBe(200);
    const res = await post(minimal, { 'x-api-key': apiKey });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/anthropic-version/);
  });

  it('refuses a "system" role inside messages, as the real API does', async () => {
    const res = await post({ ...minimal, messages: [{ role: 'system', content: 'x' }, { role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('streams the documented event sequence', async () => {
    standin.script.reply('Hello there', { chunkSize: 5, usage: { inputTokens: 12, outputTokens: 3 } });
    const res = await post({ ...minimal, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text);
    expect(deltas).toEqual(['Hello', ' ther', 'e']);
    expect((events[0]!.data.message as { usage: { input_tokens: number } }).usage.input_tokens).toBe(12);
    expect(events.at(-2)!.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } });
  });

  it('the real SDK accumulates a streamed message from it', async () => {
    standin.script.reply('Balanced, scored.', { chunkSize: 3 });
    const client = new Anthropic({ apiKey, baseURL: standin.url, maxRetries: 0 });
    const final = await client.messages.stream({ ...minimal, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Balanced, scored.' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers without streaming too', async () => {
    standin.script.reply('plain');
    const client = new Anthropic({ apiKey, baseURL: standin.url, maxRetries: 0 });
    const msg = await client.messages.create({ ...minimal, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'plain' });
    expect(msg.type).toBe('message');
  });

  it('sends scripted failures with their Retry-After and error type', async () => {
    standin.script.fail(429, { retryAfter: 7 });
    standin.script.fail(529);
    const first = await post(minimal);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(((await first.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const second = await post(minimal);
    expect(((await second.json()) as { error: { type: string } }).error.type).toBe('overloaded_error');
    expect((await post(minimal)).status).toBe(200); // the queue is empty again: the default reply
  });

  it('turns into an error event mid-stream when told to', async () => {
    standin.script.failAfterChars(4, 'abcdefgh', { chunkSize: 2 });
    const events = sseEvents(await (await post({ ...minimal, stream: true })).text());
    expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(2);
    expect(events.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } });
  });

  it('records prompts for tests to inspect, and counts open answers and client aborts', async () => {
    standin.script.reply('x'.repeat(100), { chunkSize: 1, delayMs: 20 });
    const controller = new AbortController();
    const res = await fetch(`${standin.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...minimal, stream: true, system: 'Passage [1]: revenue grew 12%.' }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(standin.openAnswers).toBe(1);
    controller.abort();
    const req = standin.requests[0]!;
    const until = Date.now() + 1000;
    while (req.clientClosedAt === null && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(req.clientClosedAt).not.toBeNull();
    expect(req.promptText).toContain('revenue grew 12%');
    expect(standin.openAnswers).toBe(0);
  });
});
