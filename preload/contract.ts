// The whole API between the renderer and the engine, in one place.
// Main registers handlers from `methods`, preload builds `window.bsc` by walking it, the HTTP
// server exposes the same names under /api, and the renderer's lib/api.ts calls them. Types are
// derived from the schemas; nothing here imports Electron or Node, so the renderer can import it.
import { z } from 'zod';
import { strategyMethods } from './strategy-contract';

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
  'PATH_NOT_ALLOWED', // server mode: a path outside BSC_IMPORT_ROOTS or the backup folder
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
export const EmbeddingProviderId = z.enum(['none', 'openai', 'openai-compatible', 'local-onnx']);
export const RetrievalMode = z.enum(['hybrid', 'bm25', 'dense']);
export const ChatProviderId = z.enum(['none', 'anthropic', 'openai', 'openai-compatible']);
export const Perspective = z.enum(['financial', 'customer', 'process', 'learning']);
export type Perspective = z.infer<typeof Perspective>;

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
  /** OCR of scanned pages and images (tesseract, offline); languages are tesseract codes. */
  ocr: z.object({
    enabled: z.boolean(),
    languages: z.array(z.enum(['por', 'eng'])).min(1).max(2),
  }),
  vectorStore: z.object({
    mode: VectorStoreMode,
    /** external mode: the Qdrant URL (its API key is a secret, never here). */
    qdrantUrl: z.string().url().nullable(),
    collection: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    shardNumber: z.number().int().min(1).max(64),
    replicationFactor: z.number().int().min(1).max(16),
  }),
  embeddings: z.object({
    provider: EmbeddingProviderId,
    model: z.string().min(1).max(200),
    /** null: the model's native size (asked of the server once for openai-compatible). */
    dimensions: z.number().int().min(8).max(8192).nullable(),
    baseUrl: z.string().url().nullable(),
    /** local-onnx: a folder with tokenizer.json and model.onnx (null: resources/models/multilingual-e5-small, fetched by npm run fetch-model). */
    modelDir: z.string().max(4096).nullable(),
    batchSize: z.number().int().min(1).max(2048),
    concurrency: z.number().int().min(1).max(16),
  }),
  chat: z.object({
    provider: ChatProviderId,
    /** openai-compatible (Ollama, LM Studio) or a gateway. */
    baseUrl: z.string().url().nullable(),
    models: z.object({
      router: z.string().max(200).nullable(),
      specialist: z.string().max(200).nullable(),
      synthesizer: z.string().max(200).nullable(),
      judge: z.string().max(200).nullable(),
      contextualizer: z.string().max(200).nullable(),
    }),
    timeoutMs: z.number().int().min(1000).max(600_000),
    judgeThreshold: z.number().min(0).max(1),
    /** Anthropic's contextual retrieval at import time (costs one model call per chunk, cached). */
    contextualRetrieval: z.boolean(),
  }),
  rerank: z.object({
    provider: z.enum(['none', 'cohere']),
    model: z.string().max(200),
    timeoutMs: z.number().int().min(100).max(60_000),
  }),
  embeddingCache: z.object({
    ttlDays: z.number().int().min(1).max(3650),
    maxGb: z.number().min(0.1).max(10_000),
  }),
  backup: z.object({
    schedule: z.enum(['off', 'daily', 'weekly']),
    /** Local time, HH:MM. */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    /** 0 = Sunday, for weekly backups. */
    weekday: z.number().int().min(0).max(6),
    /** null: <data>/backups. */
    folder: z.string().max(4096).nullable(),
    keep: z.number().int().min(1).max(1000),
    includeDocuments: z.boolean(),
    includeEmbeddingCache: z.boolean(),
  }),
  retrieval: z.object({
    mode: RetrievalMode,
    k: z.number().int().min(1).max(100),
    rrfK: z.number().int().min(1).max(1000),
    denseWeight: z.number().min(0).max(10),
    bm25Weight: z.number().min(0).max(10),
    /** Reader threads for searches (null: one per core beyond the engine's, at least one; 0: in the engine thread). Read at start. */
    readerThreads: z.number().int().min(0).max(64).nullable(),
  }),
};

export const Settings = z.object(settingsSections);
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = {
  ui: { language: 'system', theme: 'system' },
  logs: { maxFileMb: 100, retentionDays: 30 },
  import: { maxFileMb: 200, chunkChars: 1200, overlapChars: 150 },
  ocr: { enabled: true, languages: ['por', 'eng'] },
  vectorStore: { mode: 'embedded', qdrantUrl: null, collection: 'agente_bsc', shardNumber: 1, replicationFactor: 1 },
  embeddings: { provider: 'none', model: 'text-embedding-3-small', dimensions: null, baseUrl: null, modelDir: null, batchSize: 100, concurrency: 2 },
  retrieval: { mode: 'hybrid', k: 10, rrfK: 60, denseWeight: 1, bm25Weight: 1, readerThreads: null },
  chat: {
    provider: 'none', baseUrl: null,
    models: { router: null, specialist: null, synthesizer: null, judge: null, contextualizer: null },
    timeoutMs: 60_000, judgeThreshold: 0.7, contextualRetrieval: false,
  },
  rerank: { provider: 'none', model: 'rerank-v3.5', timeoutMs: 4000 },
  embeddingCache: { ttlDays: 90, maxGb: 20 },
  backup: { schedule: 'off', time: '02:00', weekday: 1, folder: null, keep: 7, includeDocuments: true, includeEmbeddingCache: true },
};

/** A partial update: every section optional, every field inside a section optional. */
export const SettingsPatch = z.object({
  ui: settingsSections.ui.partial().strict().optional(),
  logs: settingsSections.logs.partial().strict().optional(),
  import: settingsSections.import.partial().strict().optional(),
  ocr: settingsSections.ocr.partial().strict().optional(),
  vectorStore: settingsSections.vectorStore.partial().strict().optional(),
  embeddings: settingsSections.embeddings.partial().strict().optional(),
  retrieval: settingsSections.retrieval.partial().strict().optional(),
  chat: settingsSections.chat.extend({ models: settingsSections.chat.shape.models.partial().strict() }).partial().strict().optional(),
  rerank: settingsSections.rerank.partial().strict().optional(),
  embeddingCache: settingsSections.embeddingCache.partial().strict().optional(),
  backup: settingsSections.backup.partial().strict().optional(),
}).strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

const Check = z.object({ ok: z.boolean(), detail: z.string() });

/** SQLite's quick_check, run on a schedule and on demand (database.checkIntegrity), never on every status call. */
export const IntegrityCheck = z.object({ ok: z.boolean(), detail: z.string(), checkedAt: z.string(), ms: z.number() });

/** A configured provider as it is: which, where, and whether it answered the last time it was called. */
export const ProviderStatus = z.object({
  /** 'none' or the provider's id (openai, anthropic, openai-compatible, local-onnx, cohere). */
  id: z.string(),
  detail: z.string(),
  endpoint: z.string().nullable(),
  /** Null: not called since the engine started (or since its settings changed). */
  lastCall: z.object({ ok: z.boolean(), at: z.string(), detail: z.string() }).nullable(),
});

export const Status = z.object({
  healthy: z.boolean(),
  engine: z.object({ ok: z.boolean(), pid: z.number(), uptimeMs: z.number(), restarts: z.number(), detail: z.string() }),
  database: Check.extend({ path: z.string(), schemaVersion: z.number(), sizeBytes: z.number(), integrity: IntegrityCheck.nullable() }),
  vectorStore: Check.extend({
    mode: VectorStoreMode,
    state: z.enum(['ready', 'starting', 'stopped', 'crashed', 'unavailable']),
    version: z.string().nullable(),
    points: z.number().nullable(),
  }),
  providers: z.object({
    embeddings: ProviderStatus,
    chat: ProviderStatus,
    rerank: ProviderStatus,
  }),
  library: z.object({ documents: z.number(), chunks: z.number(), conversations: z.number() }),
  versions: z.object({ app: z.string(), node: z.string(), sqlite: z.string(), electron: z.string().nullable() }),
  dataDir: z.string(),
});
export type Status = z.infer<typeof Status>;

// ---------- library ----------

export const DocumentStatus = z.enum(['indexed', 'failed']);
export const LibraryDocument = z.object({
  id: z.string(),
  filename: z.string(),
  title: z.string().nullable(),
  mime: z.string(),
  bytes: z.number(),
  pageCount: z.number(),
  chunkCount: z.number(),
  lang: z.string().nullable(),
  status: DocumentStatus,
  error: z.string().nullable(),
  sha256: z.string(),
  createdAt: z.string(),
  indexedAt: z.string().nullable(),
});
export type LibraryDocument = z.infer<typeof LibraryDocument>;

export const DocumentPage = z.object({
  pageNo: z.number(),
  label: z.string(),
  text: z.string(),
  /** The page's text came from OCR (a scan or an image): show "p. 4, OCR". */
  ocr: z.boolean().optional(),
  /** Where each chunk starts and ends on this page, as character offsets into `text`. */
  chunks: z.array(z.object({ chunkId: z.number(), ord: z.number(), start: z.number(), end: z.number() })),
});
export type DocumentPage = z.infer<typeof DocumentPage>;

/** Where a file to import comes from: a path the engine can read, or an upload the server stored. */
export const ImportSource = z.union([
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  z.object({ uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/), filename: z.string().min(1).max(255) }).strict(),
]);
export type ImportSource = z.infer<typeof ImportSource>;

/** What happens to a document when its file leaves a watched folder: kept (the default, nothing is lost) or removed. */
export const WatchOnDelete = z.enum(['keep', 'remove']);
/** A folder kept in sync with the library, with its status. */
export const WatchedFolder = z.object({
  id: z.string(),
  path: z.string(),
  onDelete: WatchOnDelete,
  /** inactive: this engine does not watch (a CLI run); the app or server does when it runs. */
  state: z.enum(['scanning', 'watching', 'unavailable', 'inactive']),
  files: z.number(),
  indexed: z.number(),
  importing: z.number(),
  failed: z.number(),
  /** Files gone from the folder whose documents stayed (onDelete 'keep'). */
  missing: z.number(),
  lastScanAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Files that could not be imported (first 20), with why. */
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
  createdAt: z.string(),
});
export type WatchedFolder = z.infer<typeof WatchedFolder>;

export const ImportJobState = z.enum(['queued', 'running', 'needs-password', 'done', 'failed', 'cancelled']);
export const ImportStage = z.enum(['queued', 'reading', 'extracting', 'recognizing', 'chunking', 'contextualizing', 'embedding', 'writing', 'done']);
export const ImportJob = z.object({
  id: z.string(),
  filename: z.string(),
  state: ImportJobState,
  stage: ImportStage,
  page: z.number(),
  pages: z.number(),
  chunks: z.number(),
  /** Estimated milliseconds left for this file, when known. */
  etaMs: z.number().nullable(),
  documentId: z.string().nullable(),
  error: BscErrorShape.nullable(),
  /** e.g. "already in the library" for a duplicate. */
  note: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const SearchHit = z.object({
  chunkId: z.number(),
  documentId: z.string(),
  filename: z.string(),
  title: z.string().nullable(),
  pageStart: z.number(),
  pageEnd: z.number(),
  pageLabel: z.string(),
  /** The hit's first page was read by OCR. */
  ocr: z.boolean().optional(),
  /** 'toc' or 'index' for a table of contents or a back-of-book index: searchable, not evidence. */
  role: z.enum(['body', 'toc', 'index']).optional(),
  headingPath: z.array(z.string()),
  text: z.string(),
  /** A short extract around the matched terms. */
  snippet: z.string(),
  score: z.number(),
  store: z.enum(['embedded', 'qdrant']),
  mode: RetrievalMode,
});
export type SearchHit = z.infer<typeof SearchHit>;

// ---------- chat ----------

export const AnswerSource = z.object({
  /** The number the answer cites as [n]. */
  n: z.number().int().min(1),
  chunkId: z.number(),
  documentId: z.string(),
  filename: z.string(),
  title: z.string().nullable(),
  /** Physical 1-based pages holding the excerpt (the whole passage for answers stored before excerpts). */
  pageStart: z.number(),
  pageEnd: z.number(),
  /** Printed label of pageStart ("iii", "7"), or the section heading of a Markdown/DOCX passage. */
  pageLabel: z.string(),
  /** The passage's text as retrieved (what the judge reads). */
  quote: z.string(),
  /** The sentence(s) the answer quotes: a verbatim substring of `quote`, at [excerptStart, excerptEnd). */
  excerpt: z.string().optional(),
  excerptStart: z.number().int().min(0).optional(),
  excerptEnd: z.number().int().min(0).optional(),
  /** Printed labels of the page(s) holding the excerpt, in order: ['7'] or ['7', '8']. */
  pageLabels: z.array(z.string()).optional(),
  /** True when the page's text came from OCR (the excerpt may differ from the printed words). */
  ocr: z.boolean().optional(),
  score: z.number(),
  store: z.enum(['embedded', 'qdrant']),
  perspective: Perspective.nullable(),
});
export type AnswerSource = z.infer<typeof AnswerSource>;

export const JudgeClaim = z.object({
  sentence: z.string(),
  citations: z.array(z.number().int()),
  supported: z.boolean(),
  reason: z.string(),
  /** Does the sentence answer the question (not merely copy a passage)? Absent in reports from before. */
  relevant: z.boolean().optional(),
  /** Is the cited text on the cited page(s)? Absent when the claim cites nothing or in reports from before. */
  pageCorrect: z.boolean().optional(),
});

export const JudgeReport = z.object({
  method: z.enum(['model', 'lexical']),
  verdict: z.enum(['pass', 'fail']),
  completeness: z.number().min(0).max(1),
  grounding: z.number().min(0).max(1),
  citationQuality: z.number().min(0).max(1),
  threshold: z.number(),
  claims: z.array(JudgeClaim),
  feedback: z.string(),
  /** True when the answer shown is the refined one, written after this judge's feedback. */
  refined: z.boolean(),
});
export type JudgeReport = z.infer<typeof JudgeReport>;

export const RouterDecision = z.object({
  method: z.enum(['model', 'lexical']),
  perspectives: z.array(Perspective),
  reason: z.string(),
  needsClarification: z.boolean(),
  /** 'whole': the question is about the BSC as a management system, so all four perspectives answer it. */
  scope: z.enum(['whole', 'perspectives']).optional(),
  /** The lexical evidence for each perspective (0..1), for the "why these perspectives" tooltip. */
  scores: z.partialRecord(Perspective, z.number()).optional(),
});

export const AnswerSection = z.object({ perspective: Perspective, heading: z.string(), text: z.string() });

export const Answer = z.object({
  id: z.string(),
  conversationId: z.string(),
  question: z.string(),
  /** The question after condensing it with the conversation's history. */
  standaloneQuestion: z.string(),
  language: z.enum(['pt', 'en']),
  /** 'not-covered': the library does not support an answer; `sources` are then the nearest material, not evidence. */
  kind: z.enum(['generated', 'extractive', 'not-covered']),
  status: z.enum(['complete', 'partial', 'failed']),
  error: BscErrorShape.nullable(),
  /**
   * Set when a language model is configured but did not answer (unreachable, timed out, refused):
   * the answer shown is extractive instead. Null or absent: no model failed (none configured, or it answered).
   */
  modelFailure: z.object({ reason: z.string(), code: ErrorCode.optional() }).nullable().optional(),
  /** The abstention gate's evidence: how well the library covers the question (same gate with or without a model). */
  coverage: z.object({ covered: z.boolean(), score: z.number(), threshold: z.number(), termCoverage: z.number(), missingTerms: z.array(z.string()) }).optional(),
  text: z.string(),
  sections: z.array(AnswerSection),
  sources: z.array(AnswerSource),
  judge: JudgeReport.nullable(),
  router: RouterDecision,
  retrieval: z.object({ mode: RetrievalMode, reranked: z.boolean(), notes: z.array(z.string()) }),
  timings: z.record(z.string(), z.number()),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), calls: z.number(), costUsd: z.number().nullable() }),
  models: z.record(z.string(), z.string()),
  cached: z.object({ at: z.string() }).nullable(),
  createdAt: z.string(),
});
export type Answer = z.infer<typeof Answer>;

export const Conversation = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messageCount: z.number(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ChatMessage = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  answer: Answer.nullable(),
  status: z.enum(['complete', 'partial', 'failed']),
  createdAt: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const AnswerStage = z.enum(['cache', 'condense', 'route', 'retrieve', 'abstain', 'specialist', 'synthesize', 'judge', 'refine']);

/** The longest question chat.ask accepts; longer ones are refused with BAD_INPUT (never cut). */
export const QUESTION_MAX_CHARS = 4000;

/** Everything that happens while an answer is written, in order; `answerId` ties them together. */
export const AnswerEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stage'), answerId: z.string(), conversationId: z.string(), stage: AnswerStage, state: z.enum(['started', 'finished']), perspective: Perspective.optional(), detail: z.string().optional(), ms: z.number().optional() }),
  z.object({ type: z.literal('router'), answerId: z.string(), conversationId: z.string(), router: RouterDecision }),
  z.object({ type: z.literal('sources'), answerId: z.string(), conversationId: z.string(), sources: z.array(AnswerSource) }),
  z.object({ type: z.literal('token'), answerId: z.string(), conversationId: z.string(), text: z.string(), restart: z.boolean().optional() }),
  z.object({ type: z.literal('judge'), answerId: z.string(), conversationId: z.string(), judge: JudgeReport }),
  z.object({ type: z.literal('done'), answerId: z.string(), conversationId: z.string(), answer: Answer }),
  z.object({ type: z.literal('error'), answerId: z.string(), conversationId: z.string(), error: BscErrorShape, partial: Answer.nullable() }),
]);
export type AnswerEvent = z.infer<typeof AnswerEvent>;

// ---------- providers and secrets ----------

export const SecretName = z.enum(['openaiApiKey', 'anthropicApiKey', 'cohereApiKey', 'compatibleApiKey', 'qdrantApiKey']);
export type SecretName = z.infer<typeof SecretName>;
export const SecretsStatus = z.object({
  /** Where secrets are kept: the OS keychain via Electron's safeStorage, a 0600 file, or environment variables. */
  storage: z.enum(['safeStorage', 'file', 'env']),
  secrets: z.record(SecretName, z.object({ set: z.boolean(), masked: z.string().nullable(), fromEnv: z.boolean() })),
});
export const ProviderTarget = z.enum(['chat', 'embeddings', 'rerank', 'vectorStore']);
export const ProviderTest = z.object({ target: ProviderTarget, ok: z.boolean(), detail: z.string(), latencyMs: z.number().nullable() });

// ---------- long operations (backup, restore, verify, store moves) ----------

export const OperationKind = z.enum(['backup', 'verify', 'restore', 'move-store', 'rebuild-index']);
export const Operation = z.object({
  id: z.string(),
  kind: OperationKind,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  etaMs: z.number().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: BscErrorShape.nullable(),
  /** Kind-specific result: the backup's path, the verify report, the restore summary… */
  result: z.unknown().nullable(),
});
export type Operation = z.infer<typeof Operation>;

export const BackupCheck = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const VerifyReport = z.object({ ok: z.boolean(), problems: z.array(z.string()), checks: z.array(BackupCheck) });
export const BackupEntry = z.object({
  path: z.string(),
  filename: z.string(),
  bytes: z.number(),
  createdAt: z.string(),
  scheduled: z.boolean(),
  verification: z.enum(['ok', 'failed', 'unknown']),
  counts: z.object({ documents: z.number(), chunks: z.number(), conversations: z.number() }).nullable(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const StoreStatus = z.object({
  mode: VectorStoreMode,
  state: z.enum(['ready', 'starting', 'stopped', 'crashed', 'unavailable']),
  version: z.string().nullable(),
  collection: z.string().nullable(),
  points: z.number().nullable(),
  healthy: z.boolean(),
  detail: z.string(),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

// ---------- methods ----------

type MethodSpec<I extends z.ZodType, O extends z.ZodType> = { input: I; output: O; summary: string };
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodSpec<I, O> =>
  ({ input, output, summary });

const NoInput = z.object({}).strict().optional();

/** library.original sends the whole file as base64 through IPC or one HTTP reply: bounded. */
export const ORIGINAL_MAX_MB = 64;

export const methods = {
  status: method(NoInput, Status, 'Engine, database, vector store and provider health.'),
  'database.checkIntegrity': method(NoInput, IntegrityCheck, 'Run the database integrity check now (it also runs every few hours).'),
  'settings.get': method(NoInput, Settings, 'The current settings (no secrets).'),
  'settings.set': method(SettingsPatch, Settings, 'Change some settings; returns them all.'),

  'library.list': method(NoInput, z.object({ documents: z.array(LibraryDocument), corpusVersion: z.number() }), 'Every document in the library.'),
  'library.document': method(z.object({ documentId: z.string() }).strict(), z.object({ document: LibraryDocument, pages: z.array(DocumentPage) }), 'One document with its pages and chunk boundaries.'),
  'library.import': method(
    z.object({ sources: z.array(ImportSource).min(1).max(10_000), password: z.string().max(1024).optional() }).strict(),
    z.object({ jobs: z.array(ImportJob) }),
    'Queue files (folders are walked) for import; progress arrives as onImportProgress.',
  ),
  'library.jobs': method(NoInput, z.object({ jobs: z.array(ImportJob) }), 'Import jobs still queued or running, and the recent finished ones.'),
  'library.cancelImport': method(z.object({ jobId: z.string().optional() }).strict(), z.object({ cancelled: z.number() }), 'Cancel one import job, or all when no id is given.'),
  'library.providePassword': method(z.object({ jobId: z.string(), password: z.string().min(1).max(1024) }).strict(), z.object({ job: ImportJob }), 'Retry an encrypted PDF with its password.'),
  'library.delete': method(z.object({ documentId: z.string() }).strict(), z.object({ deleted: z.boolean() }), 'Remove a document, its chunks and vectors.'),
  'library.reindex': method(z.object({ documentId: z.string() }).strict(), z.object({ job: ImportJob }), 'Extract and index a document again from its stored original.'),
  'library.search': method(
    z.object({ query: z.string().min(1).max(2000), k: z.number().int().min(1).max(100).optional(), mode: RetrievalMode.optional(), documentIds: z.array(z.string()).max(1000).optional() }).strict(),
    z.object({ hits: z.array(SearchHit), mode: RetrievalMode, tookMs: z.number() }),
    'Search the library (BM25, dense or hybrid).',
  ),
  'library.loadSample': method(NoInput, z.object({ jobs: z.array(ImportJob) }), 'Import the bundled BSC primer.'),
  'watch.add': method(
    z.object({ path: z.string().min(1).max(4096), onDelete: WatchOnDelete.optional() }).strict(),
    z.object({ folder: WatchedFolder }),
    'Keep a folder in sync: its files are imported now and whenever they are added or changed (status as onWatchStatus).',
  ),
  'watch.list': method(NoInput, z.object({ folders: z.array(WatchedFolder) }), 'Watched folders with their status.'),
  'watch.remove': method(z.object({ folderId: z.string() }).strict(), z.object({ removed: z.boolean() }), 'Stop watching a folder; its documents stay in the library.'),
  'library.original': method(
    z.object({ documentId: z.string() }).strict(),
    z.object({ filename: z.string(), mime: z.string(), bytes: z.string().describe('the file, base64'), size: z.number() }),
    `The stored original file, for the page viewer and "Open the original" (TOO_LARGE beyond ${ORIGINAL_MAX_MB} MB).`,
  ),

  'chat.ask': method(
    z.object({ question: z.string().trim().min(1).max(QUESTION_MAX_CHARS, { message: `The question is longer than ${QUESTION_MAX_CHARS} characters: shorten it (nothing was cut).` }), conversationId: z.string().optional(), perspectives: z.array(Perspective).max(4).optional() }).strict(),
    z.object({ conversationId: z.string(), answerId: z.string(), userMessageId: z.string() }),
    'Ask a question; the answer streams as onAnswer events and is stored with the conversation.',
  ),
  'chat.cancel': method(z.object({ answerId: z.string() }).strict(), z.object({ cancelled: z.boolean() }), 'Stop an answer being written (provider requests included).'),
  'chat.conversations': method(z.object({ query: z.string().max(200).optional() }).strict().optional(), z.object({ conversations: z.array(Conversation) }), 'Conversations, newest first, optionally searched.'),
  'chat.conversation': method(z.object({ conversationId: z.string() }).strict(), z.object({ conversation: Conversation, messages: z.array(ChatMessage) }), 'One conversation with its messages and stored answers.'),
  'chat.rename': method(z.object({ conversationId: z.string(), title: z.string().trim().min(1).max(200) }).strict(), z.object({ conversation: Conversation }), 'Rename a conversation.'),
  'chat.delete': method(z.object({ conversationId: z.string() }).strict(), z.object({ deleted: z.boolean() }), 'Delete a conversation and its messages.'),
  'chat.export': method(
    z.object({ conversationId: z.string(), format: z.enum(['markdown', 'json']) }).strict(),
    z.object({ filename: z.string(), mime: z.string(), content: z.string() }),
    'A conversation as Markdown or JSON, ready to save.',
  ),
  'chat.source': method(
    // `page`: the physical page of the quoted excerpt (a passage can start a page earlier).
    z.object({ chunkId: z.number().int(), page: z.number().int().min(1).optional() }).strict(),
    z.object({ document: LibraryDocument, page: DocumentPage, chunkText: z.string() }),
    'The page a citation points to, with the cited passage, for the source panel.',
  ),

  'secrets.status': method(NoInput, SecretsStatus, 'Which provider keys are set (masked), never their values.'),
  'secrets.set': method(z.object({ name: SecretName, value: z.string().min(1).max(4096).nullable() }).strict(), SecretsStatus, 'Store (or, with null, remove) a provider key.'),
  'providers.test': method(z.object({ target: ProviderTarget }).strict(), ProviderTest, 'Try the configured provider once and say plainly what happened.'),

  'operations.list': method(NoInput, z.object({ operations: z.array(Operation) }), 'Running and recent long operations.'),
  'operations.cancel': method(z.object({ operationId: z.string() }).strict(), z.object({ cancelled: z.boolean() }), 'Cancel a running operation.'),

  'backup.create': method(
    z.object({ outPath: z.string().max(4096).optional(), includeDocuments: z.boolean().optional(), includeEmbeddingCache: z.boolean().optional() }).strict().optional(),
    z.object({ operation: Operation }),
    'Start a backup; progress arrives as onOperation.',
  ),
  'backup.list': method(NoInput, z.object({
    backups: z.array(BackupEntry),
    lastScheduled: z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable() }).nullable(),
    /** Set when a scheduled backup failed or is overdue (twice its period). */
    warning: z.string().nullable(),
  }), 'Backups in the backup folder and the schedule\'s health.'),
  'backup.verify': method(z.union([z.object({ path: z.string().max(4096) }).strict(), z.object({ uploadId: z.string() }).strict()]), z.object({ operation: Operation }), 'Verify a backup file.'),
  'backup.restore': method(z.union([z.object({ path: z.string().max(4096) }).strict(), z.object({ uploadId: z.string() }).strict()]), z.object({ operation: Operation }), 'Restore a backup (verified first; a safety backup is taken).'),

  'store.status': method(NoInput, StoreStatus, 'The vector store: mode, state, version, collection and points.'),
  'store.move': method(z.object({ mode: VectorStoreMode }).strict(), z.object({ operation: Operation }), 'Rebuild the index in another store, then switch to it.'),
  'store.rebuild': method(NoInput, z.object({ operation: Operation }), 'Rebuild the vector index from the database and the embedding cache.'),
  'store.control': method(z.object({ action: z.enum(['start', 'stop']) }).strict(), StoreStatus, 'Start or stop a bundled or Docker Qdrant.'),

  'embeddings.stats': method(NoInput, z.object({ entries: z.number(), bytes: z.number(), hits: z.number(), misses: z.number(), fingerprint: z.string().nullable(), missingForCurrentModel: z.number().nullable() }), 'The embedding cache, and how many chunks the current model would still embed.'),
  'metrics.prometheus': method(NoInput, z.object({ text: z.string() }), 'The engine\'s metrics in Prometheus text format (the server adds its HTTP metrics).'),
  'metrics.history': method(NoInput, z.object({ points: z.array(z.object({ at: z.string(), questions: z.number(), errors: z.number(), answerP95Ms: z.number().nullable(), importedPages: z.number(), cacheHits: z.number(), cacheMisses: z.number() })) }), 'Per-minute figures of the last 24 hours, for the Status charts.'),

  ...strategyMethods,
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
  onImportProgress: ImportJob,
  onLibraryChanged: z.object({ corpusVersion: z.number(), reason: z.enum(['added', 'deleted', 'replaced', 'restored']) }),
  onAnswer: AnswerEvent,
  onOperation: Operation,
  onWatchStatus: WatchedFolder,
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
