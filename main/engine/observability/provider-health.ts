import type { Settings } from '../../../preload/contract';

export type ProviderTarget = 'chat' | 'embeddings' | 'rerank';

export interface ProviderOutcome {
  ok: boolean;
  at: string;
  detail: string;
}

/** Whether each provider answered the last time it was called (a test, an answer, an import, a search). */
export interface ProviderHealth {
  record(target: ProviderTarget, ok: boolean, detail: string): void;
  last(target: ProviderTarget): ProviderOutcome | null;
  /** Forget outcomes of a provider whose settings changed: they were about another configuration. */
  forget(target: ProviderTarget): void;
}

export function createProviderHealth(now: () => Date = () => new Date()): ProviderHealth {
  const outcomes = new Map<ProviderTarget, ProviderOutcome>();
  return {
    record: (target, ok, detail) => { outcomes.set(target, { ok, at: now().toISOString(), detail }); },
    last: (target) => outcomes.get(target) ?? null,
    forget: (target) => { outcomes.delete(target); },
  };
}

/** What each configured provider is, in words: "openai text-embedding-3-small at https://…". */
export function describeProviders(s: Settings): Record<ProviderTarget, { id: string; detail: string; endpoint: string | null }> {
  const e = s.embeddings;
  const c = s.chat;
  const embeddings = e.provider === 'none'
    ? { id: 'none', detail: 'none (BM25 keyword search only)', endpoint: null }
    : e.provider === 'local-onnx'
      ? { id: e.provider, detail: `local ONNX model${e.modelDir ? ` in ${e.modelDir}` : ' (bundled folder)'}`, endpoint: null }
      : { id: e.provider, detail: `${e.provider} ${e.model}${e.dimensions ? ` (${e.dimensions} dimensions)` : ''}`, endpoint: e.baseUrl ?? (e.provider === 'openai' ? 'https://api.openai.com/v1' : null) };
  const chat = c.provider === 'none'
    ? { id: 'none', detail: 'offline (extractive answers)', endpoint: null }
    : { id: c.provider, detail: `${c.provider}${c.models.synthesizer ? ` ${c.models.synthesizer}` : ''}`, endpoint: c.baseUrl ?? (c.provider === 'anthropic' ? 'https://api.anthropic.com' : c.provider === 'openai' ? 'https://api.openai.com/v1' : null) };
  const rerank = s.rerank.provider === 'none'
    ? { id: 'none', detail: 'none', endpoint: null }
    : { id: 'cohere', detail: `cohere ${s.rerank.model}`, endpoint: 'https://api.cohere.com' };
  return { embeddings, chat, rerank };
}
