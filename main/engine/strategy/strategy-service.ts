import { Engagement, type MapCheck, type MapExportFormat, type MapPerspective, type Suggestion } from '../../../preload/strategy-contract';
import { BscError } from '../errors';
import { checkStrategyMap } from './checks';
import type { EngagementRepository } from './engagement-repository';
import { exportEngagement, type ExportedFile } from './export-engagement';
import type { ChatModel } from '../llm/chat-model';
import { passagesFor, type SuggestionLibrary, suggestMeasures, suggestObjectives, withPageMemo } from './suggest';
import { judgeSuggestion } from './judge-suggestion';
import { suggestWithModel } from './suggest-model';

export interface StrategyServiceDeps {
  engagements: () => EngagementRepository;
  library: SuggestionLibrary;
  /** The configured language model, or null offline (suggestions are then extracted from the library). */
  model?: () => ChatModel | null;
  log?: { warn(message: string, fields?: Record<string, unknown>): void };
  clock?: () => Date;
}

export interface SuggestInput { engagementId: string; kind: 'objectives' | 'measures'; perspective?: MapPerspective; objectiveId?: string; limit?: number }
export interface SuggestResult { suggestions: Suggestion[]; method: 'offline' | 'model' }

export type WithChecks = { engagement: Engagement; checks: MapCheck[] };

/** Engagements, their checks, suggestions from the library, exports and imports. */
export function createStrategyService(deps: StrategyServiceDeps) {
  const now = () => (deps.clock?.() ?? new Date()).toISOString();
  const withChecks = (engagement: Engagement): WithChecks => ({ engagement, checks: checkStrategyMap(engagement) });
  const repo = () => deps.engagements();
  // Only suggestions the answer judge confirms (excerpt supports the title, on the cited page) reach the user.
  const confirmed = (list: Suggestion[], e: Engagement, lib: SuggestionLibrary) => list
    .map((x) => ({ ...x, supported: judgeSuggestion(x, lib, e.language).supported }))
    .filter((x) => x.supported);

  return {
    list: () => repo().list(),
    get: (id: string) => withChecks(repo().get(id)),
    create(input: { name: string; client?: string; sector?: 'private' | 'public'; language?: 'pt' | 'en' }): WithChecks {
      const at = now();
      return withChecks(repo().save(Engagement.parse({ id: repo().newId(), name: input.name, client: input.client ?? '', sector: input.sector, language: input.language, createdAt: at, updatedAt: at }), at));
    },
    save(engagement: Engagement): WithChecks {
      if (!repo().exists(engagement.id)) throw new BscError('NOT_FOUND', 'That engagement does not exist (it may have been deleted).');
      return withChecks(repo().save(assertConsistent(engagement), now()));
    },
    rename(id: string, name: string): WithChecks {
      return withChecks(repo().save({ ...repo().get(id), name }, now()));
    },
    duplicate(id: string, name?: string): WithChecks {
      const source = repo().get(id);
      const at = now();
      return withChecks(repo().save({ ...source, id: repo().newId(), name: name ?? `${source.name} (copy)`, createdAt: at }, at));
    },
    delete: (id: string) => repo().delete(id),
    async suggest(input: SuggestInput): Promise<SuggestResult> {
      const e = repo().get(input.engagementId);
      const library = withPageMemo(deps.library);
      const objective = input.kind === 'measures' ? e.objectives.find((o) => o.id === input.objectiveId) : undefined;
      if (input.kind === 'measures' && !objective) throw new BscError('BAD_INPUT', 'Say which objective the measures are for.');
      const model = deps.model?.() ?? null;
      if (model) {
        try {
          const hits = await passagesFor(library, e, objective ? { objectiveTitle: objective.title } : { ...(input.perspective ? { perspective: input.perspective } : {}) });
          const focus = objective?.title ?? (input.perspective ?? 'all four perspectives');
          const suggestions = await suggestWithModel(model, library, e, hits, { kind: input.kind, focus, objectiveId: objective?.id ?? null, perspective: objective?.perspective ?? input.perspective ?? null });
          return { suggestions: confirmed(suggestions, e, library).slice(0, (input.limit ?? 6) * (input.perspective || objective ? 1 : 4)), method: 'model' };
        } catch (err) {
          // A model that fails never leaves the consultant without suggestions: the library's own extracts follow.
          deps.log?.warn('model suggestions failed; offline extraction instead', { error: err instanceof Error ? err.message : String(err) });
        }
      }
      const limit = input.limit ?? 6;
      const extracted = objective ? await suggestMeasures(library, e, objective.id, limit) : await suggestObjectives(library, e, input.perspective, limit);
      return { suggestions: confirmed(extracted, e, library), method: 'offline' };
    },
    export: (id: string, format: MapExportFormat, paper?: 'a4' | 'a3'): Promise<ExportedFile> => exportEngagement(repo().get(id), format, paper),
    import(json: string): WithChecks {
      const e = parseEngagementJson(json);
      const at = now();
      const id = repo().exists(e.id) ? repo().newId() : e.id;
      return withChecks(repo().save({ ...assertConsistent(e), id }, at));
    },
  };
}

export type StrategyService = ReturnType<typeof createStrategyService>;

/** An imported file's problems, said in words a consultant can act on. */
export function parseEngagementJson(json: string): Engagement {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch (err) {
    throw new BscError('BAD_INPUT', `This file is not JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== 'agente-bsc/engagement') {
    throw new BscError('BAD_INPUT', 'This JSON is not an Agente BSC engagement (its "format" is not "agente-bsc/engagement").');
  }
  const parsed = Engagement.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BscError('BAD_INPUT', `The engagement file has ${parsed.error.issues.length} problem(s): ${issues.join('; ')}`, { issues });
  }
  return parsed.data;
}

/** Arrows, measures and initiatives must point at objectives that exist; ids must be unique. */
export function assertConsistent(e: Engagement): Engagement {
  const ids = new Set<string>();
  for (const o of e.objectives) {
    if (ids.has(o.id)) throw new BscError('BAD_INPUT', `Two objectives share the id "${o.id}".`);
    ids.add(o.id);
  }
  const themes = new Set(e.themes.map((t) => t.id));
  const bad = [
    ...e.links.filter((l) => !ids.has(l.from) || !ids.has(l.to) || l.from === l.to).map((l) => `arrow ${l.id}`),
    ...e.measures.filter((m) => !ids.has(m.objectiveId)).map((m) => `measure "${m.name}"`),
    ...e.initiatives.filter((i) => !ids.has(i.objectiveId)).map((i) => `initiative "${i.name}"`),
    ...e.objectives.filter((o) => o.themeId !== null && !themes.has(o.themeId)).map((o) => `theme of "${o.title}"`),
  ];
  if (bad.length) throw new BscError('BAD_INPUT', `These point at something that is not in the map: ${bad.slice(0, 5).join(', ')}.`);
  return e;
}
