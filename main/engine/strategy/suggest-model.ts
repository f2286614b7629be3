import { z } from 'zod';
import type { SearchHit } from '../../../preload/contract';
import { MapPerspective, type Engagement, type Suggestion } from '../../../preload/strategy-contract';
import { type ChatModel, completeChat } from '../llm/chat-model';
import { locateExcerpt, type SuggestionLibrary, supportOf } from './suggest';

/** What the model must return: each suggestion names the passage it comes from and quotes it. */
const ModelSuggestions = z.object({
  suggestions: z.array(z.object({
    title: z.string().min(3).max(200),
    perspective: MapPerspective,
    formula: z.string().max(500).optional(),
    passage: z.number().int().min(1),
    quote: z.string().min(8).max(600),
  })).max(30),
});

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function prompt(e: Engagement, kind: 'objectives' | 'measures', focus: string, hits: SearchHit[]): string {
  const passages = hits.map((h, i) => `[${i + 1}] (${h.title ?? h.filename}, p. ${h.pageLabel})\n${h.text}`).join('\n\n');
  const lang = e.language === 'pt' ? 'Portuguese' : 'English';
  const what = kind === 'objectives'
    ? `strategic objectives (short phrases starting with an infinitive verb) for ${focus}`
    : `measures (KPIs) with a formula for the objective "${focus}"`;
  return [
    `You help a Balanced Scorecard consultant build ${e.name}'s strategy map. Suggest ${what}, in ${lang}.`,
    'Use ONLY the passages below. For each suggestion give the passage number and a quote copied word for word from that passage that supports it.',
    'Reply with one JSON object: {"suggestions":[{"title":"…","perspective":"financial|customer|process|learning","formula":"…","passage":1,"quote":"…"}]}.',
    '', passages,
  ].join('\n');
}

/**
 * Suggestions written by the model from retrieved passages, validated against a schema; a
 * suggestion whose quote is not in its passage, or does not support its title, is dropped.
 */
export async function suggestWithModel(
  model: ChatModel, lib: SuggestionLibrary, e: Engagement, hits: SearchHit[],
  want: { kind: 'objectives' | 'measures'; focus: string; objectiveId: string | null; perspective: Engagement['objectives'][number]['perspective'] | null },
  signal?: AbortSignal,
): Promise<Suggestion[]> {
  const reply = await completeChat(model, [{ role: 'user', content: prompt(e, want.kind, want.focus, hits) }], { maxTokens: 1500, temperature: 0, json: true, ...(signal ? { signal } : {}) });
  const json = /\{[\s\S]*\}/.exec(reply.text)?.[0];
  let raw: unknown = null;
  try { raw = json ? JSON.parse(json) : null; } catch { /* reported below as not matching */ }
  const parsed = ModelSuggestions.safeParse(raw);
  if (!parsed.success) throw new Error(`the model's suggestions did not match the expected form (${parsed.error.issues[0]?.message ?? 'no JSON'})`);
  const out: Suggestion[] = [];
  for (const s of parsed.data.suggestions) {
    const hit = hits[s.passage - 1];
    if (!hit || !norm(hit.text).includes(norm(s.quote))) continue;
    const where = locateExcerpt(lib.pages(hit.documentId, hit.pageStart, hit.pageEnd), s.quote);
    if (!where || supportOf(s.title, s.quote) < 0.5) continue;
    const perspective = want.perspective ?? s.perspective;
    out.push({
      kind: want.kind === 'objectives' ? 'objective' : 'measure', perspective, objectiveId: want.objectiveId, title: s.title, formula: s.formula ?? '',
      citations: [{ documentId: hit.documentId, filename: hit.title ?? hit.filename, chunkId: hit.chunkId, excerpt: s.quote, ...where }],
      supported: true, baseline: null, targets: [], initiative: null,
    });
  }
  return out;
}
