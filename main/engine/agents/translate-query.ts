import { BscError } from '../errors';
import { type ChatModel, completeChat } from '../llm/chat-model';
import { fuseByReciprocalRank } from '../retrieval/fusion';
import { detectLanguage } from '../retrieval/analyze';
import type { PassageSearch } from './pipeline';

const NAMES = { pt: 'Brazilian Portuguese', en: 'English' } as const;

/**
 * Query rewriting for a library that mixes Portuguese and English: the question is also searched
 * in the other language (translated by the configured model) and the two lists are fused.
 * Offline nothing changes.
 */
export function searchInBothLanguages(search: PassageSearch, model: ChatModel, libraryLangs: () => string[]): PassageSearch {
  const translations = new Map<string, Promise<string | null>>();
  const translate = (query: string, target: 'pt' | 'en', signal: AbortSignal): Promise<string | null> => {
    const key = `${target}|${query}`;
    let pending = translations.get(key);
    if (!pending) {
      pending = completeChat(model, [
        { role: 'system', content: `Translate the user's search question into ${NAMES[target]}. Keep names, acronyms (BSC, KPI, ROI, NPS) and numbers. Answer with the translation only.` },
        { role: 'user', content: query },
      ], { maxTokens: 200, temperature: 0, signal }).then((r) => r.text.trim() || null, (err: unknown) => {
        if (err instanceof BscError && err.code === 'CANCELLED') throw err;
        return null;
      });
      translations.set(key, pending);
    }
    return pending;
  };

  return async (query, opts, signal) => {
    const langs = libraryLangs();
    const asked = detectLanguage(query);
    // Only the unfiltered search crosses languages: one translation per answer, not one per perspective.
    if (opts.perspectives || !(langs.includes('pt') && langs.includes('en')) || asked === 'other') return search(query, opts, signal);
    const target = asked === 'pt' ? 'en' : 'pt';
    const [original, translated] = await Promise.all([search(query, opts, signal), translate(query, target, signal)]);
    if (!translated) return { ...original, notes: [...original.notes, `Not also searched in ${NAMES[target]}: the translation failed.`] };
    const other = await search(translated, opts, signal);
    const byId = new Map([...original.hits, ...other.hits].map((h) => [String(h.chunkId), h]));
    const fused = fuseByReciprocalRank([{ ids: original.hits.map((h) => String(h.chunkId)) }, { ids: other.hits.map((h) => String(h.chunkId)) }]);
    return {
      hits: fused.slice(0, opts.k).map((f) => ({ ...byId.get(f.id)!, score: f.score })),
      mode: original.mode,
      notes: [...original.notes, `Also searched in ${NAMES[target]}: “${translated}”.`],
    };
  };
}
