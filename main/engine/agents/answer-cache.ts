import { createHash } from 'node:crypto';
import type { Perspective, Settings } from '../../../preload/contract';
import type { ConversationTurn } from '../db/conversations';

/** NFC, lowercase, whitespace folded, trailing punctuation dropped: "  O que é  BSC? " = "o que é bsc". */
export function normaliseQuestion(question: string): string {
  return question.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s?!.]+$/u, '');
}

/** What in the settings changes an answer: the chat provider and models, retrieval, rerank and the embedding model. */
export function settingsFingerprint(s: Pick<Settings, 'chat' | 'retrieval' | 'rerank' | 'embeddings'>): string {
  return JSON.stringify({
    chat: { provider: s.chat.provider, baseUrl: s.chat.baseUrl, models: s.chat.models, judgeThreshold: s.chat.judgeThreshold },
    retrieval: s.retrieval,
    rerank: { provider: s.rerank.provider, model: s.rerank.model },
    embeddings: { provider: s.embeddings.provider, model: s.embeddings.model, dimensions: s.embeddings.dimensions, baseUrl: s.embeddings.baseUrl },
  });
}

/**
 * The answer cache key: the normalised question, the library version and the settings. A
 * follow-up depends on what came before it, so the previous questions it could lean on and any
 * perspectives the user chose are part of the key too.
 */
export function answerCacheKey(input: {
  question: string;
  corpusVersion: number;
  settings: Pick<Settings, 'chat' | 'retrieval' | 'rerank' | 'embeddings'>;
  history: ConversationTurn[];
  perspectives?: Perspective[];
}): string {
  const context = input.history.map((t) => normaliseQuestion(t.standaloneQuestion ?? t.question));
  return createHash('sha256')
    .update([normaliseQuestion(input.question), String(input.corpusVersion), settingsFingerprint(input.settings), JSON.stringify(context), JSON.stringify(input.perspectives ?? null)].join('\u0000'))
    .digest('hex');
}
