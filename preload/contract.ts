// The whole API between the renderer and the engine, in one place.
// Main registers handlers from `methods`, preload builds `window.bsc` by walking it, the HTTP
// server exposes the same names under /api, and the renderer's lib/api.ts calls them. Types are
// derived from the schemas; nothing here imports Electron or Node, so the renderer can import it.
import { z } from 'zod';

// ---------- errors ----------

export const errorCodes = [
  'BAD_INPUT', // the input failed the contract's schema
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'ENGINE_UNAVAILABLE', // the engine is (re)starting or crashed
  'CANCELLED',
  'DB_CORRUPT',
  'DB_READONLY',
  'DB_FULL',
  'DB_BUSY',
  'DB_UNAVAILABLE',
  // import
  'NEEDS_PASSWORD',
  'WRONG_PASSWORD',
  'DAMAGED_FILE',
  'NO_TEXT',
  'EMPTY_FILE',
  'TOO_LARGE',
  'UNSUPPORTED_TYPE',
  'ALREADY_IN_LIBRARY',
  // providers
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_AUTH',
  'PROVIDER_RATE_LIMITED',
  // backup
  'BACKUP_INVALID',
  'RESTORE_FAILED',
  // http
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const BscErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type BscErrorShape = z.infer<typeof BscErrorShape>;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: BscErrorShape };

// ---------- shared shapes ----------

export const Language = z.enum(['system', 'pt-BR', 'en']);
export const Theme = z.enum(['system', 'light', 'dark']);
export const VectorStoreMode = z.enum(['embedded', 'bundled', 'docker', 'external']);

// Each section without defaults, so a patch never fills absent fields with defaults.
const settingsSections = {
  ui: z.object({ language: Language, theme: Theme }),
  logs: z.object({
    maxFileMb: z.number().int().min(1).max(10_000),
    retentionDays: z.number().int().min(1).max(3650),
  }),
  import: z.object({
    maxFileMb: z.number().int().min(1).max(10_000),
    chunkChars: z.number().int().min(200).max(8000),
    overlapChars: z.number().int().min(0).max(2000),
  }),
  vectorStore: z.object({ mode: VectorStoreMode }),
};

export const Settings = z.object(settingsSections);
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = {
  ui: { language: 'system', theme: 'system' },
  logs: { maxFileMb: 100, retentionDays: 30 },
  import: { maxFileMb: 200, chunkChars: 1200, overlapChars: 150 },
  vectorStore: { mode: 'embedded' },
};

/** A partial update: every section optional, every field inside a section optional. */
export const SettingsPatch = z.object({
  ui: settingsSections.ui.partial().strict().optional(),
  logs: settingsSections.logs.partial().strict().optional(),
  import: settingsSections.import.partial().strict().optional(),
  vectorStore: settingsSections.vectorStore.partial().strict().optional(),
}).strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

const Check = z.object({ ok: z.boolean(), detail: z.string() });

export const Status = z.object({
  healthy: z.boolean(),
  engine: z.object({ ok: z.boolean(), pid: z.number(), uptimeMs: z.number(), restarts: z.number(), detail: z.string() }),
  database: Check.extend({ path: z.string(), schemaVersion: z.number(), sizeBytes: z.number() }),
  vectorStore: Check.extend({ mode: VectorStoreMode }),
  providers: z.object({
    embeddings: z.string(),
    chat: z.string(),
    rerank: z.string(),
  }),
  library: z.object({ documents: z.number(), chunks: z.number(), conversations: z.number() }),
  versions: z.object({ app: z.string(), node: z.string(), sqlite: z.string(), electron: z.string().nullable() }),
  dataDir: z.string(),
});
export type Status = z.infer<typeof Status>;

// ---------- methods ----------

type MethodSpec<I extends z.ZodType, O extends z.ZodType> = { input: I; output: O; summary: string };
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodSpec<I, O> =>
  ({ input, output, summary });

const NoInput = z.object({}).strict().optional();

export const methods = {
  status: method(NoInput, Status, 'Engine, database, vector store and provider health.'),
  'settings.get': method(NoInput, Settings, 'The current settings (no secrets).'),
  'settings.set': method(SettingsPatch, Settings, 'Change some settings; returns them all.'),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<K extends MethodName> = z.input<Methods[K]['input']>;
export type MethodOutput<K extends MethodName> = z.infer<Methods[K]['output']>;
export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

// ---------- events ----------

export const events = {
  onEngineState: z.object({
    state: z.enum(['starting', 'ready', 'crashed', 'restarting']),
    reason: z.string().optional(),
    at: z.string(),
  }),
  onSettingsChanged: Settings,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.infer<Events[K]>;
export const eventNames = Object.keys(events) as EventName[];

export const EngineEvent = z.object({ name: z.string(), payload: z.unknown() });
export type EngineEvent = { [K in EventName]: { name: K; payload: EventPayload<K> } }[EventName];

// ---------- the shape of window.bsc ----------

type Split<S extends string> = S extends `${infer Head}.${infer Rest}` ? [Head, Rest] : [S, never];

type MethodFn<K extends MethodName> = (input?: MethodInput<K>) => Promise<Reply<MethodOutput<K>>>;

/** `'settings.get'` becomes `bsc.settings.get(...)`. */
export type BscApi = {
  [K in MethodName as Split<K>[1] extends never ? K : never]: MethodFn<K>;
} & {
  [G in MethodName as Split<G>[1] extends never ? never : Split<G>[0]]: {
    [K in MethodName as Split<K>[0] extends Split<G>[0] ? Split<K>[1] : never]: MethodFn<K>;
  };
} & {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The IPC channel for a method. The only place a channel string is made. */
export const channelFor = (name: MethodName): string => `bsc:${name}`;
export const EVENT_CHANNEL = 'bsc:event';
