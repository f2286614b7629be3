import { describe, expect, it } from 'vitest';
import { defaultSettings, SettingsPatch } from '../../../../preload/contract';
import { settingsPanelStrings } from './strings';
import {
  changesEmbeddingModel, chatDraftOf, chatPatchOf, embeddingsDraftOf, embeddingsPatchOf, rerankDraftOf, rerankPatchOf, sameDraft,
} from './provider-form';

describe('chat form', () => {
  it('round-trips the defaults into a patch the contract accepts', () => {
    const draft = chatDraftOf(defaultSettings.chat);
    expect(draft.models.judge).toBe('');
    const r = chatPatchOf(draft);
    expect(r.problem).toBeNull();
    expect(SettingsPatch.safeParse({ chat: r.patch }).success).toBe(true);
    expect(r.patch).toMatchObject({ provider: 'none', baseUrl: null, judgeThreshold: 0.7, models: { judge: null } });
  });

  it('turns empty model names into defaults (null) and trims the rest', () => {
    const draft = { ...chatDraftOf(defaultSettings.chat), provider: 'anthropic' as const };
    draft.models.judge = '  claude-opus-4-1 ';
    expect(chatPatchOf(draft).patch?.models).toEqual({ router: null, specialist: null, synthesizer: null, judge: 'claude-opus-4-1', contextualizer: null });
  });

  it('names the field to fix: a bad URL, a local server without address or model, a threshold out of range', () => {
    const base = chatDraftOf(defaultSettings.chat);
    expect(chatPatchOf({ ...base, baseUrl: 'localhost:11434' }).problem).toEqual({ field: 'chat.baseUrl', key: 'problems.url' });
    expect(chatPatchOf({ ...base, baseUrl: 'ftp://x' }).problem?.key).toBe('problems.url');
    expect(chatPatchOf({ ...base, provider: 'openai-compatible' }).problem).toEqual({ field: 'chat.baseUrl', key: 'problems.baseUrlRequired' });
    expect(chatPatchOf({ ...base, provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }).problem?.key).toBe('problems.localModelRequired');
    expect(chatPatchOf({ ...base, judgeThreshold: '1.5' }).problem?.field).toBe('chat.judgeThreshold');
    expect(chatPatchOf({ ...base, judgeThreshold: '' }).problem?.field).toBe('chat.judgeThreshold');
    // A Brazilian decimal comma is understood.
    expect(chatPatchOf({ ...base, judgeThreshold: '0,8' }).patch?.judgeThreshold).toBe(0.8);
  });
});

describe('embeddings and rerank forms', () => {
  it('accepts native dimensions (empty) and refuses impossible ones', () => {
    const d = { ...embeddingsDraftOf(defaultSettings.embeddings), provider: 'openai' as const };
    expect(embeddingsPatchOf(d).patch).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', dimensions: null, baseUrl: null });
    expect(embeddingsPatchOf({ ...d, dimensions: '256' }).patch?.dimensions).toBe(256);
    expect(embeddingsPatchOf({ ...d, dimensions: '3.5' }).problem?.key).toBe('problems.dimensions');
    expect(embeddingsPatchOf({ ...d, model: ' ' }).problem?.key).toBe('problems.modelRequired');
    expect(SettingsPatch.safeParse({ embeddings: embeddingsPatchOf(d).patch }).success).toBe(true);
  });

  it('knows which edits change the embedding model (and so re-embed the library)', () => {
    const saved = { ...defaultSettings.embeddings, provider: 'openai' as const };
    const patchOf = (edit: Partial<ReturnType<typeof embeddingsDraftOf>>) => embeddingsPatchOf({ ...embeddingsDraftOf(saved), ...edit }).patch!;
    expect(changesEmbeddingModel(saved, patchOf({}))).toBe(false);
    expect(changesEmbeddingModel(saved, patchOf({ baseUrl: 'https://gateway.example/v1' }))).toBe(false);
    expect(changesEmbeddingModel(saved, patchOf({ model: 'text-embedding-3-large' }))).toBe(true);
    expect(changesEmbeddingModel(saved, patchOf({ dimensions: '512' }))).toBe(true);
    expect(changesEmbeddingModel(saved, patchOf({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }))).toBe(true);
    // Turning embeddings off embeds nothing.
    expect(changesEmbeddingModel(saved, patchOf({ provider: 'none' }))).toBe(false);
  });

  it('needs a rerank model name only when reranking is on', () => {
    expect(rerankPatchOf({ provider: 'cohere', model: '' }).problem?.key).toBe('problems.modelRequired');
    expect(rerankPatchOf({ ...rerankDraftOf(defaultSettings.rerank), provider: 'none' }).patch).toEqual({ provider: 'none', model: 'rerank-v3.5' });
    expect(sameDraft(rerankDraftOf(defaultSettings.rerank), { provider: 'none', model: 'rerank-v3.5' })).toBe(true);
  });
});

describe('strings', () => {
  it('has every English key in Portuguese too, and every problem key the forms can return', () => {
    const keys = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const en = keys(settingsPanelStrings.en).sort();
    expect(keys(settingsPanelStrings['pt-BR']).sort()).toEqual(en);
    for (const k of ['problems.url', 'problems.baseUrlRequired', 'problems.localModelRequired', 'problems.threshold', 'problems.dimensions', 'problems.modelRequired']) expect(en).toContain(k);
  });
});
