// What the provider forms hold while the user edits, and the settings patch they turn into.
// Kept apart from the components so the rules (empty = default, URLs, numbers) are tested.
import type { Settings, SettingsPatch } from '../../../../preload/contract';

export const chatRoles = ['router', 'specialist', 'synthesizer', 'judge', 'contextualizer'] as const;
export type ChatRole = (typeof chatRoles)[number];

/** A field the user must fix, and the string key (namespace settingsPanels) that says how. */
export interface FieldProblem {
  field: string;
  key: string;
}

export type PatchResult<T> = { patch: T; problem: null } | { patch: null; problem: FieldProblem };

export interface ChatDraft {
  provider: Settings['chat']['provider'];
  baseUrl: string;
  models: Record<ChatRole, string>;
  judgeThreshold: string;
  contextualRetrieval: boolean;
}

export interface EmbeddingsDraft {
  provider: Settings['embeddings']['provider'];
  model: string;
  dimensions: string;
  baseUrl: string;
  /** local-onnx only: the model's folder ('' = the model fetched into the data folder). */
  modelDir: string;
}

export interface RerankDraft {
  provider: Settings['rerank']['provider'];
  model: string;
}

export function chatDraftOf(c: Settings['chat']): ChatDraft {
  const models = {} as Record<ChatRole, string>;
  for (const r of chatRoles) models[r] = c.models[r] ?? '';
  return { provider: c.provider, baseUrl: c.baseUrl ?? '', models, judgeThreshold: String(c.judgeThreshold), contextualRetrieval: c.contextualRetrieval };
}

export function embeddingsDraftOf(e: Settings['embeddings']): EmbeddingsDraft {
  return { provider: e.provider, model: e.model, dimensions: e.dimensions === null ? '' : String(e.dimensions), baseUrl: e.baseUrl ?? '', modelDir: e.modelDir ?? '' };
}

export function rerankDraftOf(r: Settings['rerank']): RerankDraft {
  return { provider: r.provider, model: r.model };
}

/** '' → null; otherwise an http(s) URL or a problem. */
function urlOrNull(text: string, field: string): { value: string | null } | { problem: FieldProblem } {
  const t = text.trim();
  if (!t) return { value: null };
  try {
    const u = new URL(t);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { problem: { field, key: 'problems.url' } };
    return { value: t };
  } catch {
    return { problem: { field, key: 'problems.url' } };
  }
}

export function chatPatchOf(d: ChatDraft): PatchResult<NonNullable<SettingsPatch['chat']>> {
  const url = urlOrNull(d.baseUrl, 'chat.baseUrl');
  if ('problem' in url) return { patch: null, problem: url.problem };
  if (d.provider === 'openai-compatible' && url.value === null) return { patch: null, problem: { field: 'chat.baseUrl', key: 'problems.baseUrlRequired' } };
  const threshold = Number(d.judgeThreshold.trim().replace(',', '.'));
  if (d.judgeThreshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    return { patch: null, problem: { field: 'chat.judgeThreshold', key: 'problems.threshold' } };
  }
  const models = {} as Record<ChatRole, string | null>;
  for (const r of chatRoles) models[r] = d.models[r].trim() || null;
  if (d.provider === 'openai-compatible' && chatRoles.every((r) => models[r] === null)) {
    return { patch: null, problem: { field: 'chat.models.specialist', key: 'problems.localModelRequired' } };
  }
  return { patch: { provider: d.provider, baseUrl: url.value, models, judgeThreshold: threshold, contextualRetrieval: d.contextualRetrieval }, problem: null };
}

export function embeddingsPatchOf(d: EmbeddingsDraft): PatchResult<NonNullable<SettingsPatch['embeddings']>> {
  const url = urlOrNull(d.baseUrl, 'embeddings.baseUrl');
  if ('problem' in url) return { patch: null, problem: url.problem };
  if (d.provider === 'openai-compatible' && url.value === null) return { patch: null, problem: { field: 'embeddings.baseUrl', key: 'problems.baseUrlRequired' } };
  const model = d.model.trim();
  if (!model) return { patch: null, problem: { field: 'embeddings.model', key: 'problems.modelRequired' } };
  let dimensions: number | null = null;
  if (d.dimensions.trim()) {
    dimensions = Number(d.dimensions.trim());
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 8192) return { patch: null, problem: { field: 'embeddings.dimensions', key: 'problems.dimensions' } };
  }
  return { patch: { provider: d.provider, model, dimensions, baseUrl: url.value, modelDir: d.modelDir.trim() || null }, problem: null };
}

export function rerankPatchOf(d: RerankDraft): PatchResult<NonNullable<SettingsPatch['rerank']>> {
  const model = d.model.trim();
  if (d.provider === 'cohere' && !model) return { patch: null, problem: { field: 'rerank.model', key: 'problems.modelRequired' } };
  return { patch: { provider: d.provider, model: model || 'rerank-v3.5' }, problem: null };
}

/**
 * True when saving would make the library's vectors come from another model (provider, model
 * or dimensions: what the embedding fingerprint is made of). A new base URL alone does not.
 */
export function changesEmbeddingModel(saved: Settings['embeddings'], patch: NonNullable<SettingsPatch['embeddings']>): boolean {
  if (patch.provider === 'none') return false;
  const dirChanged = patch.provider === 'local-onnx' && (patch.modelDir ?? null) !== saved.modelDir;
  return patch.provider !== saved.provider || patch.model !== saved.model || dirChanged
    || (patch.dimensions ?? null) !== saved.dimensions;
}

export function sameDraft<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
