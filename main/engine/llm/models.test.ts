import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicStandin, type AnthropicStandin } from '../../../test/standins/anthropic-standin';
import { addChatCompletionsRoute, type ChatCompletionsRoute } from '../../../test/standins/openai-chat-route';
import { startOpenAIStandin, type OpenAIStandin } from '../../../test/standins/openai-standin';
import { BscError } from '../errors';
import { ChatSettings, chatModelFor, chatRoles, createChatModel, defaultChatModels, defaultChatSettings, testConnection } from './models';
import { priceOf } from './prices';

const anthropicKey = 'sk-ant-models-test-0123456789abcdef';
let anthropic: AnthropicStandin;
let openai: OpenAIStandin;
let openaiChat: ChatCompletionsRoute;

beforeAll(async () => {
  anthropic = await startAnthropicStandin({ apiKey: anthropicKey });
  openai = await startOpenAIStandin({ apiKey: 'sk-openai-models-test-0123456789' });
  openaiChat = addChatCompletionsRoute(openai);
});
afterAll(async () => {
  await anthropic.close();
  await openai.close();
});

const settings = (over: Partial<ChatSettings>): ChatSettings => ({ ...defaultChatSettings, ...over });

describe('chat settings and the model factory', () => {
  it('the defaults parse, and "none" gives no model (the offline pipeline)', () => {
    expect(ChatSettings.parse(defaultChatSettings)).toEqual(defaultChatSettings);
    expect(createChatModel(defaultChatSettings, {}, 'synthesizer')).toBeNull();
  });

  it('rejects invalid settings as BAD_INPUT', () => {
    expect(() => createChatModel({ ...defaultChatSettings, timeoutMs: 5 }, {}, 'router')).toThrow(BscError);
    expect(() => createChatModel({ ...defaultChatSettings, baseUrl: 'not a url' }, {}, 'router')).toThrow(/Invalid chat settings/);
  });

  it('picks a small model for routing and a strong one for answering, per provider', () => {
    const a = settings({ provider: 'anthropic' });
    expect(chatModelFor(a, 'router')).toMatch(/haiku/);
    expect(chatModelFor(a, 'contextualizer')).toMatch(/haiku/);
    expect(chatModelFor(a, 'judge')).toMatch(/sonnet/);
    const o = settings({ provider: 'openai' });
    expect(chatModelFor(o, 'router')).toBe('gpt-4o-mini');
    expect(chatModelFor(o, 'synthesizer')).toBe('gpt-4o');
    const chosen = settings({ provider: 'openai', models: { ...defaultChatSettings.models, judge: 'gpt-4.1' } });
    expect(chatModelFor(chosen, 'judge')).toBe('gpt-4.1');
  });

  it('every default model has a price, so answers show a cost', () => {
    for (const provider of ['anthropic', 'openai'] as const) {
      for (const role of chatRoles) expect(priceOf(provider, defaultChatModels[provider][role]), `${provider} ${role}`).not.toBeNull();
    }
  });

  it('a local server borrows the one model the user named, and asks for one when none is', () => {
    const one = settings({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', models: { ...defaultChatSettings.models, specialist: 'llama3.1:8b' } });
    expect(chatModelFor(one, 'router')).toBe('llama3.1:8b');
    const none = settings({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(() => chatModelFor(none, 'router')).toThrow(/Name the model/);
  });

  it('a cloud provider without its key is PROVIDER_AUTH', () => {
    try {
      createChatModel(settings({ provider: 'openai' }), { anthropicApiKey: 'x' }, 'judge');
      expect.unreachable();
    } catch (err) {
      expect((err as BscError).code).toBe('PROVIDER_AUTH');
    }
  });

  it('builds a working model from settings, with the role model and the settings retries', async () => {
    const m = createChatModel(settings({ provider: 'anthropic', baseUrl: anthropic.url, maxRetries: 1 }), { anthropicApiKey: anthropicKey }, 'router', {
      retry: { baseDelayMs: 1 },
    })!;
    expect(m.provider).toBe('anthropic');
    expect(m.model).toBe('claude-haiku-4-5');
    anthropic.script.fail(500, { times: 3 });
    const before = anthropic.calls;
    const check = await (async () => {
      try {
        for await (const _ of m.stream([{ role: 'user', content: 'hi' }], { maxTokens: 5 })) void _;
        return null;
      } catch (err) {
        return err as BscError;
      }
    })();
    expect(check?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(anthropic.calls - before).toBe(2); // maxRetries 1 → two tries
    anthropic.script.clear();
  });
});

describe('testConnection', () => {
  it('reports success with the latency', async () => {
    const m = createChatModel(settings({ provider: 'anthropic', baseUrl: anthropic.url }), { anthropicApiKey: anthropicKey }, 'router')!;
    anthropic.script.latencyMs = 50;
    const r = await testConnection(m);
    anthropic.script.latencyMs = 0;
    expect(r.ok).toBe(true);
    expect(r.latencyMs).toBeGreaterThanOrEqual(45);
    expect(r.detail).toMatch(/^Anthropic answered with claude-haiku-4-5 in \d+ ms\.$/);
    expect(anthropic.requests.at(-1)!.body.max_tokens).toBe(5);
  });

  it('says plainly that the key was rejected, without the key', async () => {
    const wrong = 'sk-ant-definitely-wrong-key-42424242';
    const m = createChatModel(settings({ provider: 'anthropic', baseUrl: anthropic.url }), { anthropicApiKey: wrong }, 'router')!;
    const r = await testConnection(m);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^Anthropic rejected the API key/);
    expect(r.detail).not.toContain(wrong);
  });

  it('says it cannot reach the address, at once (no retries)', async () => {
    const m = createChatModel(
      settings({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: { ...defaultChatSettings.models, router: 'mistral' }, maxRetries: 5 }),
      {},
      'router',
    )!;
    const r = await testConnection(m);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe('Cannot reach http://127.0.0.1:9/v1. Check the address and your connection.');
    expect(r.latencyMs).toBeLessThan(1_000);
  });

  it('works through OpenAI too', async () => {
    const m = createChatModel(settings({ provider: 'openai', baseUrl: openai.url }), { openaiApiKey: 'sk-openai-models-test-0123456789' }, 'router')!;
    const r = await testConnection(m);
    expect(r).toMatchObject({ ok: true });
    expect(openaiChat.requests.at(-1)!.body.model).toBe('gpt-4o-mini');
  });
});
