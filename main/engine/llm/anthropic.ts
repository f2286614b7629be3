import Anthropic from '@anthropic-ai/sdk';
import { BscError } from '../errors';
import type { ChatChunk, ChatMessage, ChatModel, ChatOptions, TokenUsage } from './chat-model';
import { limitsFor, streamWithRetries, type ChatFailureContext, type ChatTuning } from './stream-with-retries';

export interface AnthropicChatOptions {
  apiKey: string | undefined;
  /** Null: Anthropic's own API. */
  baseUrl: string | null;
  model: string;
  tuning?: ChatTuning;
}

export const anthropicDefaultBaseUrl = 'https://api.anthropic.com';

/** Anthropic has no JSON mode without a schema; asking in words is what works across its models. */
const jsonInstruction = 'Reply with a single JSON object and nothing else: no prose, no code fences.';

export function createAnthropicChatModel(o: AnthropicChatOptions): ChatModel {
  if (!o.apiKey) throw new BscError('PROVIDER_AUTH', 'No Anthropic API key is set. Add one in Settings, or choose another chat provider.');
  const baseUrl = o.baseUrl ?? anthropicDefaultBaseUrl;
  const client = new Anthropic({
    apiKey: o.apiKey,
    baseURL: baseUrl,
    maxRetries: 0, // ours are the only retries: they must stop once the first token is shown
  });

  return {
    provider: 'anthropic',
    model: o.model,
    async *stream(messages: ChatMessage[], opts: ChatOptions): AsyncGenerator<ChatChunk> {
      const model = opts.model ?? o.model;
      const ctx: ChatFailureContext = { provider: 'anthropic', model, baseUrl, apiKey: o.apiKey };
      const request = toMessagesRequest(messages, opts, model);
      const limits = limitsFor(o.tuning, opts);
      yield* streamWithRetries((signal) => anthropicEvents(client, request, signal, limits.totalTimeoutMs), ctx, limits, opts.signal);
    },
  };
}

/** Splits our messages into Anthropic's shape: system prompt apart, optionally marked for caching. */
export function toMessagesRequest(messages: ChatMessage[], opts: ChatOptions, model: string): Anthropic.MessageCreateParamsStreaming {
  const systemParts = messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (opts.json) systemParts.push(jsonInstruction);
  const system = systemParts.join('\n\n');
  const turns = messages.filter((m): m is ChatMessage & { role: 'user' | 'assistant' } => m.role !== 'system');
  if (turns.length === 0) throw new BscError('BAD_INPUT', 'A chat request needs at least one user message.');
  return {
    model,
    max_tokens: opts.maxTokens,
    stream: true,
    messages: turns.map((m) => ({ role: m.role, content: m.content })),
    ...(system === ''
      ? {}
      : opts.cacheSystemPrompt
        ? { system: [{ type: 'text' as const, text: system, cache_control: { type: 'ephemeral' as const } }] }
        : { system }),
    ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
  };
}

/** One request's raw SSE events as chunks; usage comes from message_start and message_delta. */
async function* anthropicEvents(
  client: Anthropic,
  request: Anthropic.MessageCreateParamsStreaming,
  signal: AbortSignal,
  totalTimeoutMs: number,
): AsyncGenerator<ChatChunk> {
  const events = await client.messages.create(request, { signal, timeout: totalTimeoutMs + 5_000 }); // ours fire first, with clearer messages
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let stopReason: string | null = null;
  for await (const event of events) {
    switch (event.type) {
      case 'message_start': {
        const u = event.message.usage;
        usage.inputTokens = u.input_tokens;
        usage.outputTokens = u.output_tokens;
        usage.cacheReadTokens = u.cache_read_input_tokens ?? 0;
        usage.cacheWriteTokens = u.cache_creation_input_tokens ?? 0;
        break;
      }
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text !== '') yield { type: 'text', text: event.delta.text };
        break;
      case 'message_delta': {
        // Counts here are cumulative for the message; input fields appear only on some API versions.
        const u = event.usage;
        usage.outputTokens = u.output_tokens;
        if (u.input_tokens != null) usage.inputTokens = u.input_tokens;
        if (u.cache_read_input_tokens != null) usage.cacheReadTokens = u.cache_read_input_tokens;
        if (u.cache_creation_input_tokens != null) usage.cacheWriteTokens = u.cache_creation_input_tokens;
        stopReason = event.delta.stop_reason;
        break;
      }
      case 'message_stop':
        yield { type: 'usage', usage: { ...usage } };
        yield { type: 'done', stopReason };
        return;
      default:
        break;
    }
  }
}
