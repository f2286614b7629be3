import type { Engagement, MapCheck, MapPerspective, Objective } from '../../../preload/strategy-contract';

/** Kaplan & Norton's rules of thumb: 2–6 objectives per perspective, about 20–25 in all. */
export const MAP_LIMITS = { minPerPerspective: 2, maxPerPerspective: 6, maxObjectives: 25 } as const;

const PERSPECTIVES: MapPerspective[] = ['financial', 'customer', 'process', 'learning'];

type Lang = 'pt' | 'en';
const NAMES: Record<Lang, Record<MapPerspective, string>> = {
  pt: { financial: 'Financeira', customer: 'Clientes', process: 'Processos Internos', learning: 'Aprendizado e Crescimento' },
  en: { financial: 'Financial', customer: 'Customer', process: 'Internal Processes', learning: 'Learning & Growth' },
};
const PUBLIC_TOP: Record<Lang, string> = { pt: 'Missão / Sociedade', en: 'Mission / Society' };

/** The lane's name: the top lane is "Mission / Society" for the public sector. */
export function perspectiveName(p: MapPerspective, lang: Lang, sector: Engagement['sector']): string {
  return p === 'financial' && sector === 'public' ? PUBLIC_TOP[lang] : NAMES[lang][p];
}

const check = (rule: MapCheck['rule'], message: string, at: Partial<Pick<MapCheck, 'objectiveId' | 'measureId' | 'perspective'>> = {}): MapCheck =>
  ({ rule, message, objectiveId: at.objectiveId ?? null, measureId: at.measureId ?? null, perspective: at.perspective ?? null });

/** Objectives from which a financial (or mission) objective can be reached along the arrows. */
function reachesTop(e: Engagement): Set<string> {
  const byId = new Map(e.objectives.map((o) => [o.id, o]));
  const incoming = new Map<string, string[]>();
  for (const l of e.links) incoming.set(l.to, [...(incoming.get(l.to) ?? []), l.from]);
  const reached = new Set<string>();
  const queue = e.objectives.filter((o) => o.perspective === 'financial').map((o) => o.id);
  while (queue.length) {
    const id = queue.shift()!;
    if (reached.has(id) || !byId.has(id)) continue;
    reached.add(id);
    queue.push(...(incoming.get(id) ?? []));
  }
  return reached;
}

function objectiveChecks(e: Engagement, lang: Lang): MapCheck[] {
  const t = (pt: string, en: string) => (lang === 'pt' ? pt : en);
  const withMeasure = new Set(e.measures.map((m) => m.objectiveId));
  const linked = new Set(e.links.flatMap((l) => [l.from, l.to]));
  const top = reachesTop(e);
  const hasTop = e.objectives.some((o) => o.perspective === 'financial');
  const out: MapCheck[] = [];
  for (const o of e.objectives) {
    const at = { objectiveId: o.id, perspective: o.perspective };
    if (!withMeasure.has(o.id)) out.push(check('objective-without-measure', t(`"${o.title}" não tem indicador.`, `"${o.title}" has no measure.`), at));
    if (!linked.has(o.id)) {
      out.push(check('isolated-objective', t(`"${o.title}" não causa nem é causado por outro objetivo.`, `Nothing leads to "${o.title}" and it leads to nothing.`), at));
    } else if (o.perspective !== 'financial' && hasTop && !top.has(o.id)) {
      const topName = perspectiveName('financial', lang, e.sector);
      out.push(check('no-path-to-financial', t(`"${o.title}" não tem caminho até um objetivo ${topName === 'Financeira' ? 'financeiro' : `de ${topName}`}.`, `"${o.title}" has no path up to a ${topName} objective.`), at));
    }
  }
  return out;
}

function countChecks(e: Engagement, lang: Lang): MapCheck[] {
  const t = (pt: string, en: string) => (lang === 'pt' ? pt : en);
  const out: MapCheck[] = [];
  for (const p of PERSPECTIVES) {
    const n = e.objectives.filter((o: Objective) => o.perspective === p).length;
    const name = perspectiveName(p, lang, e.sector);
    if (n < MAP_LIMITS.minPerPerspective) out.push(check('perspective-too-few', t(`${name}: ${n} objetivo(s); o mínimo recomendado é ${MAP_LIMITS.minPerPerspective}.`, `${name}: ${n} objective(s); at least ${MAP_LIMITS.minPerPerspective} are recommended.`), { perspective: p }));
    if (n > MAP_LIMITS.maxPerPerspective) out.push(check('perspective-too-many', t(`${name}: ${n} objetivos; o máximo recomendado é ${MAP_LIMITS.maxPerPerspective}.`, `${name}: ${n} objectives; at most ${MAP_LIMITS.maxPerPerspective} are recommended.`), { perspective: p }));
  }
  if (e.objectives.length > MAP_LIMITS.maxObjectives) {
    out.push(check('too-many-objectives', t(`${e.objectives.length} objetivos no mapa; mais de ${MAP_LIMITS.maxObjectives} dispersa o foco.`, `${e.objectives.length} objectives in the map; more than ${MAP_LIMITS.maxObjectives} dilutes focus.`)));
  }
  return out;
}

function measureChecks(e: Engagement, lang: Lang): MapCheck[] {
  const byId = new Map(e.objectives.map((o) => [o.id, o]));
  return e.measures.filter((m) => m.targets.length === 0).map((m) => check(
    'measure-without-target',
    lang === 'pt' ? `O indicador "${m.name}" não tem meta.` : `The measure "${m.name}" has no target.`,
    { measureId: m.id, objectiveId: m.objectiveId, perspective: byId.get(m.objectiveId)?.perspective ?? null },
  ));
}

/** Every warning a consultant would raise reviewing this map, each naming what it concerns. */
export function checkStrategyMap(e: Engagement): MapCheck[] {
  const lang = e.language;
  return [...objectiveChecks(e, lang), ...countChecks(e, lang), ...measureChecks(e, lang)];
}
