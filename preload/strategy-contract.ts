// The strategy map part of the contract: engagements, their map and scorecard, checks, suggestions
// and exports. Kept in its own file because it is a whole feature; contract.ts spreads its methods,
// so it is still one API. Imports nothing from contract.ts (contract.ts imports this file).
import { z } from 'zod';

export const MapPerspective = z.enum(['financial', 'customer', 'process', 'learning']);
export type MapPerspective = z.infer<typeof MapPerspective>;

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().max(max);

/** Where a suggestion or an objective came from: the excerpt and the page(s) that hold it. */
export const MapCitation = z.object({
  documentId: z.string(),
  filename: z.string().max(512).default(''),
  chunkId: z.number().int().nullable().default(null),
  excerpt: Text(2000),
  pageLabels: z.array(z.string().max(200)).max(8).default([]),
  pageStart: z.number().int().min(1),
  pageEnd: z.number().int().min(1),
});
export type MapCitation = z.infer<typeof MapCitation>;

export const Objective = z.object({
  id: Id,
  perspective: MapPerspective,
  title: Text(200).min(1),
  description: Text(2000).default(''),
  owner: Text(120).default(''),
  themeId: Id.nullable().default(null),
  /** Position on the canvas (map units); null until the user or the layout places it. */
  x: z.number().finite().nullable().default(null),
  y: z.number().finite().nullable().default(null),
  citations: z.array(MapCitation).max(20).default([]),
});
export type Objective = z.infer<typeof Objective>;

/** A cause-and-effect arrow: achieving `from` drives `to`. */
export const CauseEffectLink = z.object({ id: Id, from: Id, to: Id });
export type CauseEffectLink = z.infer<typeof CauseEffectLink>;

export const StrategicTheme = z.object({ id: Id, name: Text(120).min(1), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) });
export type StrategicTheme = z.infer<typeof StrategicTheme>;

export const Target = z.object({ year: z.number().int().min(1900).max(2200), value: z.number().finite() });

export const Measure = z.object({
  id: Id,
  objectiveId: Id,
  name: Text(200).min(1),
  formula: Text(500).default(''),
  unit: Text(40).default(''),
  direction: z.enum(['increase', 'decrease', 'maintain']).default('increase'),
  baseline: z.object({ value: z.number().finite().nullable(), year: z.number().int().min(1900).max(2200).nullable() }).default({ value: null, year: null }),
  targets: z.array(Target).max(20).default([]),
  citations: z.array(MapCitation).max(20).default([]),
});
export type Measure = z.infer<typeof Measure>;

export const Initiative = z.object({
  id: Id,
  objectiveId: Id,
  name: Text(200).min(1),
  owner: Text(120).default(''),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().default(null),
  end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().default(null),
  budget: z.number().finite().min(0).nullable().default(null),
});
export type Initiative = z.infer<typeof Initiative>;

export const EngagementSector = z.enum(['private', 'public']);

/** The whole engagement: what is stored, exported as JSON and imported back. */
export const Engagement = z.object({
  format: z.literal('agente-bsc/engagement').default('agente-bsc/engagement'),
  version: z.literal(1).default(1),
  id: Id,
  name: Text(200).min(1),
  client: Text(200).default(''),
  sector: EngagementSector.default('private'),
  /** The documents the engagement draws on; null means the whole library. */
  documentIds: z.array(z.string()).max(1000).nullable().default(null),
  language: z.enum(['pt', 'en']).default('pt'),
  objectives: z.array(Objective).max(200).default([]),
  links: z.array(CauseEffectLink).max(1000).default([]),
  themes: z.array(StrategicTheme).max(20).default([]),
  measures: z.array(Measure).max(1000).default([]),
  initiatives: z.array(Initiative).max(1000).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Engagement = z.infer<typeof Engagement>;

export const EngagementSummary = z.object({
  id: z.string(), name: z.string(), client: z.string(), sector: EngagementSector,
  objectives: z.number(), measures: z.number(), updatedAt: z.string(),
});
export type EngagementSummary = z.infer<typeof EngagementSummary>;

export const MapCheckRule = z.enum([
  'objective-without-measure',
  'no-path-to-financial',
  'isolated-objective',
  'perspective-too-few',
  'perspective-too-many',
  'too-many-objectives',
  'measure-without-target',
]);
export const MapCheck = z.object({
  rule: MapCheckRule,
  objectiveId: z.string().nullable(),
  measureId: z.string().nullable(),
  perspective: MapPerspective.nullable(),
  message: z.string(),
});
export type MapCheck = z.infer<typeof MapCheck>;

export const Suggestion = z.object({
  kind: z.enum(['objective', 'measure']),
  perspective: MapPerspective,
  /** For a measure: the objective it was asked for. */
  objectiveId: z.string().nullable(),
  title: z.string(),
  formula: z.string(),
  citations: z.array(MapCitation).min(1),
  /** How the citation was checked: the judge's verdict on whether the excerpt supports it. */
  supported: z.boolean(),
  /** For a measure read from a scorecard table: its baseline, targets and initiative. */
  baseline: z.object({ value: z.number(), year: z.number().int().nullable() }).nullable().default(null),
  targets: z.array(Target).max(20).default([]),
  initiative: z.string().nullable().default(null),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const MapExportFormat = z.enum(['svg', 'pdf', 'xlsx', 'csv', 'md', 'json']);
export type MapExportFormat = z.infer<typeof MapExportFormat>;

const WithChecks = z.object({ engagement: Engagement, checks: z.array(MapCheck) });

type Spec<I extends z.ZodType, O extends z.ZodType> = { input: I; output: O; summary: string };
const spec = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): Spec<I, O> => ({ input, output, summary });
const ById = z.object({ engagementId: Id }).strict();

export const strategyMethods = {
  'strategy.list': spec(z.object({}).strict().optional(), z.object({ engagements: z.array(EngagementSummary) }), 'Client engagements, most recently changed first.'),
  'strategy.get': spec(ById, WithChecks, 'One engagement with the checks of its map.'),
  'strategy.create': spec(
    z.object({ name: Text(200).trim().min(1), client: Text(200).optional(), sector: EngagementSector.optional(), language: z.enum(['pt', 'en']).optional() }).strict(),
    WithChecks, 'Start an engagement with an empty map.',
  ),
  'strategy.save': spec(z.object({ engagement: Engagement }).strict(), WithChecks, 'Store the whole engagement (map and scorecard) as edited.'),
  'strategy.rename': spec(z.object({ engagementId: Id, name: Text(200).trim().min(1) }).strict(), WithChecks, 'Rename an engagement.'),
  'strategy.duplicate': spec(z.object({ engagementId: Id, name: Text(200).trim().min(1).optional() }).strict(), WithChecks, 'Copy an engagement under a new name.'),
  'strategy.delete': spec(ById, z.object({ deleted: z.boolean() }), 'Delete an engagement.'),
  'strategy.suggest': spec(
    z.object({ engagementId: Id, kind: z.enum(['objectives', 'measures']), perspective: MapPerspective.optional(), objectiveId: Id.optional(), limit: z.number().int().min(1).max(20).optional() }).strict(),
    z.object({ suggestions: z.array(Suggestion), method: z.enum(['offline', 'model']) }),
    'Objectives or measures suggested from the library, each with its citations; nothing is added until accepted.',
  ),
  'strategy.export': spec(
    z.object({ engagementId: Id, format: MapExportFormat, paper: z.enum(['a4', 'a3']).optional() }).strict(),
    z.object({ filename: z.string(), mime: z.string(), base64: z.string() }),
    'The map (SVG, one-page PDF), the scorecard (XLSX, CSV, Markdown) or the whole engagement (JSON).',
  ),
  'strategy.import': spec(
    z.object({ json: z.string().min(2).max(20_000_000) }).strict(),
    WithChecks, 'Import an engagement exported as JSON (validated; a new id when it already exists).',
  ),
} as const;

/**
 * The map's coordinate system, shared by the editor and the exports so a card sits in the same
 * place on screen, in the SVG and in the PDF. Lanes run top to bottom in this order.
 */
export const MAP_LAYOUT = {
  lanes: ['financial', 'customer', 'process', 'learning'] as const,
  width: 1500,
  laneHeight: 170,
  labelWidth: 150,
  cardWidth: 190,
  cardHeight: 76,
  gap: 28,
} as const;

/** Where a card goes when nobody has placed it: its lane, left to right in list order. */
export function defaultCardPosition(perspective: MapPerspective, indexInLane: number): { x: number; y: number } {
  const lane = MAP_LAYOUT.lanes.indexOf(perspective);
  return {
    x: MAP_LAYOUT.labelWidth + MAP_LAYOUT.gap + indexInLane * (MAP_LAYOUT.cardWidth + MAP_LAYOUT.gap),
    y: lane * MAP_LAYOUT.laneHeight + (MAP_LAYOUT.laneHeight - MAP_LAYOUT.cardHeight) / 2,
  };
}

/** Every objective with a position: its own, or the default slot in its lane. */
export function placeObjectives(objectives: readonly Objective[]): Array<Objective & { x: number; y: number }> {
  const seen = new Map<MapPerspective, number>();
  return objectives.map((o) => {
    const i = seen.get(o.perspective) ?? 0;
    seen.set(o.perspective, i + 1);
    if (o.x !== null && o.y !== null) return { ...o, x: o.x, y: o.y };
    return { ...o, ...defaultCardPosition(o.perspective, i) };
  });
}
