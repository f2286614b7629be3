import type { AnswerEvent, Perspective, Settings } from '../../../preload/contract';
import type { ConversationTurn } from '../db/conversations';
import type { ChatModel } from '../llm/chat-model';
import type { Reranker } from '../retrieval/rerank';
import type { RetrievalMode } from '../retrieval/retrieve';
import type { LibraryFacts } from './library-facts';
import type { Passage } from './sources';

export interface PipelineModels {
  router: ChatModel;
  specialist: ChatModel;
  synthesizer: ChatModel;
  judge: ChatModel;
}

export type PassageSearch = (
  query: string,
  opts: { k: number; perspectives?: Perspective[] },
  signal: AbortSignal,
) => Promise<{ hits: Passage[]; mode: RetrievalMode; notes: string[] }>;

export interface PipelineDeps {
  settings: Pick<Settings, 'chat' | 'retrieval' | 'rerank'>;
  /** Null: no model configured (or none usable): the extractive answer. */
  models: PipelineModels | null;
  /** Said with the answer: why there is no model, why the reranker is off. */
  notes: string[];
  /** Why there is no model although a provider is configured (no key…); shown atop the extractive answer. */
  offlineReason?: string | null;
  search: PassageSearch;
  reranker: Reranker;
  /** Page texts and term statistics of the library (citations per page, calibrated scores); absent in bare tests. */
  library?: LibraryFacts;
}

export interface AnswerRequest {
  conversationId: string;
  answerId: string;
  question: string;
  /** The conversation's previous turns, oldest first (the last few are used). */
  history: ConversationTurn[];
  /** The user's own choice of perspectives, which skips the router. */
  perspectives?: Perspective[];
}

export interface AnswerHooks {
  signal: AbortSignal;
  emit: (event: AnswerEvent) => void;
}
