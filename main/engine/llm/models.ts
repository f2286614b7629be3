import { z } from 'zod';
import { BscError } from '../errors';
import { createAnthropicChatModel } from './anthropic';
import { completeChat, type ChatModel } from './chat-model';
import { createOpenAIChatModel } from './openai';
import { providerLabel, type ChatTuning } from './stream-with-retries';

export const ChatProviderId = z.enum(['none', 'anthropic', 'openai', 'openai-compatible']);
export type ChatProviderId = z.infer<typeof ChatProviderId>;

export const chatRoles = ['router', 'specialist', 'synthesizer', 'judge', 'contextualizer'] as const;
export type ChatRole = (typeof chatRoles)[number];

const modelName = z.string().trim().min(1).max(200).nullable();

export const ChatSettings = z.object({
  /** 'none': the offline pipeline (lexical router, extractive answer). */
  provider: ChatProviderId,
  /** Null: the provider's own API. Required for openai-compatible. */
  baseUrl: z.string().url().nullable(),
  /** Null: the provider's default for that role. */
  models: z.object({
    router: modelName,
    specialist: modelName,
    synthesizer: modelName,
    judge: modelName,
    contextualizer: modelName,
  }),
  /** How long to wait for the model to start answering, per try. */
  timeoutMs: z.number().int().min(1_000).max(600_000),
  /** Retries before the first token (429, 5xx, network); none once the answer has started. */
  maxRetries: z.number().int().min(0).max(10),
});
export type ChatSettings = z.infer<typeof ChatSettings>;

export const defaultChatSettings: ChatSettings = {
  provider: 'none',
  baseUrl: null,
  models: { router: null, specialist: null, synthesizer: null, judge: null, contextualizer: null },
  timeoutMs: 60_000,
  maxRetries: 2,
};

/**
 * The small, fast model where the task is classification or a one-line context (router,
 * contextualizer); the stronger one where the answer's quality is judged (specialists,
 * synthesizer, judge). claude-sonnet-4-5 is not used: the installed SDK flags it deprecated
 * (end of life 2026-11-30).
 */
export const defaultChatModels: Record<'anthropic' | 'openai', Record<ChatRole, string>> = {
  anthropic: {
    router: 'claude-haiku-4-5',
    contextualizer: 'claude-haiku-4-5',
    specialist: 'claude-sonnet-4-6',
    synthesizer: 'claude-sonnet-4-6',
    judge: 'claude-sonnet-4-6',
  },
  openai: {
    router: 'gpt-4o-mini',
    contextualizer: 'gpt-4o-mini',
    specialist: 'gpt-4o',
    synthesizer: 'gpt-4o',
    judge: 'gpt-4o',
  },
};

export interface ChatSecrets {
  anthropicApiKey?: string;
  openaiApiKey?: string;
  /** Kept apart from the OpenAI key so that key is never sent to a third-party server. */
  compatibleApiKey?: string;
}

/**
 * The model name for a role. A local server has no defaults we could know, so an unset role there
 * borrows the first model the user did name (most people run one model locally).
 */
export function chatModelFor(settings: ChatSettings, role: ChatRole): string {
  const chosen = settings.models[role];
  if (chosen) return chosen;
  if (settings.provider === 'anthropic' || settings.provider === 'openai') return defaultChatModels[settings.provider][role];
  const fallbackOrder: ChatRole[] = ['specialist', 'synthesizer', 'judge', 'router', 'contextualizer'];
  for (const r of fallbackOrder) {
    const name = settings.models[r];
    if (name) return name;
  }
  throw new BscError('BAD_INPUT', 'Name the model your local server runs (e.g. "llama3.1:8b") in Settings → Chat model.');
}

/**
 * The chat model the settings ask for in this role, or null for 'none' (the offline pipeline).
 * Throws BAD_INPUT for invalid settings and PROVIDER_AUTH for a cloud provider without its key.
 */
export function createChatModel(
  settings: z.input<typeof ChatSettings>,
  secrets: ChatSecrets,
  role: ChatRole,
  tuning: ChatTuning = {},
): ChatModel | null {
  const parsed = ChatSettings.safeParse(settings);
  if (!parsed.success) {
    throw new BscError('BAD_INPUT', `Invalid chat settings: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
  }
  const s = parsed.data;
  if (s.provider === 'none') return null;
  const model = chatModelFor(s, role);
  const fullTuning: ChatTuning = {
    firstTokenTimeoutMs: s.timeoutMs,
    ...tuning,
    retry: { maxAttempts: s.maxRetries + 1, ...tuning.retry },
  };
  if (s.provider === 'anthropic') {
    return createAnthropicChatModel({ apiKey: secrets.anthropicApiKey, baseUrl: s.baseUrl, model, tuning: fullTuning });
  }
  return createOpenAIChatModel({
    provider: s.provider,
    apiKey: s.provider === 'openai' ? secrets.openaiApiKey : secrets.compatibleApiKey,
    baseUrl: s.baseUrl,
    model,
    tuning: fullTuning,
  });
}

export interface ConnectionCheck {
  ok: boolean;
  /** A sentence for the settings screen: "Anthropic answered in 420 ms", "Anthropic rejected the API key…". */
  detail: string;
  latencyMs: number;
}

/** One tiny request, no retries, to tell the user at once whether the key, address and model work. */
export async function testConnection(model: ChatModel, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ConnectionCheck> {
  const started = performance.now();
  const label = model.provider === 'openai-compatible' ? 'The server' : providerLabel({ provider: model.provider, baseUrl: '' });
  try {
    await completeChat(model, [{ role: 'user', content: 'Reply with the word OK.' }], {
      maxTokens: 5,
      maxAttempts: 1,
      timeoutMs: opts.timeoutMs ?? 20_000,
      signal: opts.signal,
    });
    const latencyMs = Math.round(performance.now() - started);
    return { ok: true, detail: `${label} answered with ${model.model} in ${latencyMs} ms.`, latencyMs };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    if (err instanceof BscError && err.code === 'CANCELLED') throw err;
    const detail = err instanceof BscError ? err.message : `Unexpected failure: ${String(err)}`;
    return { ok: false, detail, latencyMs };
  }
}
