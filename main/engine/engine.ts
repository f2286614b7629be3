import fs from 'node:fs';
import path from 'node:path';
import type { EngineEvent, ImportSource, LibraryDocument, Settings, Status } from '../../preload/contract';
import { LibraryRepository } from './db/library';
import { type EmbeddingCache, openEmbeddingCache } from './embeddings/cache';
import { createEmbeddingProvider } from './embeddings/create-embedding-provider';
import { defaultLocalModelDir } from './embeddings/onnx-embeddings';
import type { EmbeddingProvider } from './embeddings/provider';
import { ImportQueue } from './ingest/import-queue';
import { OperationRunner } from './operations';
import { recoverInterruptedRestore } from './backup/restore';
import { type ContextCache, openContextCache } from './ingest/contextualize';
import type { ChatModel } from './llm/chat-model';
import { createChatModel } from './llm/models';
import { type SecretStore, envSecretStore } from './settings/secrets';
import { originalPath } from './ingest/index-document';
import { embedWithCache } from './embeddings/embed-with-cache';
import { retrieve } from './retrieval/retrieve';
import { queryLanguagesOf } from './retrieval/analyze';
import { deleteChunkVectorsSync } from './vectorstore/embedded';
import { StoreRuntime } from './vectorstore/store-runtime';
import type { VectorStore } from './vectorstore/port';
import { type AppDatabase, openAppDatabase } from './db/open';
import { schemaVersion } from './db/migrate';
import type { EmitEvent, MethodHandlers } from './dispatch';
import { BscError } from './errors';
import { createRotatingLog, type Logger } from './observability/log';
import { type DataPaths, dataPaths } from './settings/data-dir';
import { loadSettingsFile, mergeSettings, saveSettingsFile } from './settings/settings-file';
import { APP_VERSION } from './version';
import { sampleLibraryDir as bundledSampleLibraryDir } from './resources';
import { backupHandlers } from './handlers/backup-handlers';
import { chatHandlers } from './handlers/chat-handlers';
import { libraryHandlers } from './handlers/library-handlers';
import { metricsHandlers } from './handlers/metrics-handlers';
import { operationHandlers } from './handlers/operation-handlers';
import { providerHandlers } from './handlers/provider-handlers';
import { storeHandlers } from './handlers/store-handlers';
import { strategyHandlers } from './handlers/strategy-handlers';
import { EngagementRepository } from './strategy/engagement-repository';
import { createStrategyService, type StrategyService } from './strategy/strategy-service';

export interface EngineOptions {
  dataDir: string;
  emit?: EmitEvent;
  log?: Logger;
  /** How many times the host has restarted this engine (shown in Status). */
  restarts?: number;
  /**
   * False for a CLI run that may share the data folder with a running app or server: it then
   * leaves crash recovery (resuming imports, failing interrupted operations, restores) to the app.
   */
  primary?: boolean;
}

const DB_RETRY_MS = 5_000;

/**
 * The engine: owns the data folder, the database and all heavy work. Plain Node: the server,
 * the CLI, tests and the Electron shell's engine process all construct it the same way.
 */
export class Engine {
  readonly paths: DataPaths;
  readonly log: Logger;
  private settings: Settings;
  private db: AppDatabase | null = null;
  private dbError: BscError | null = null;
  private dbTriedAt = 0;
  private quiesced = false;
  private readonly startedAt = Date.now();
  private readonly emit: EmitEvent;
  private library: { repo: LibraryRepository; queue: ImportQueue } | null = null;
  private embedding: { provider: EmbeddingProvider; cache: EmbeddingCache } | null | undefined;
  private embeddingCache: EmbeddingCache | null = null;
  private nextChunkId = 0;
  private storeRuntime: StoreRuntime | null = null;
  private readonly closeHooks: Array<() => void> = [];
  private ops: OperationRunner | null = null;
  private contextCache: ContextCache | null = null;
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();
  private secretStore: SecretStore = envSecretStore();

  constructor(private readonly opts: EngineOptions) {
    this.paths = dataPaths(opts.dataDir);
    this.emit = opts.emit ?? (() => {});
    let dirProblem: string | null = null;
    let recovered: ReturnType<typeof recoverInterruptedRestore> | null = null;
    let recoveryError: unknown = null;
    try {
      fs.mkdirSync(this.paths.root, { recursive: true });
      // A restore killed mid-swap is finished or rolled back before anything reads the files
      // (by any engine, CLI included: a half-swapped folder must never be opened).
      try { recovered = recoverInterruptedRestore(this.paths.root); } catch (err) { recoveryError = err; }
    } catch (err) {
      dirProblem = (err as Error).message;
    }
    const loaded = loadSettingsFile(this.paths.settings);
    this.settings = loaded.settings;
    this.log = opts.log ?? createRotatingLog({
      dir: this.paths.logs,
      maxFileBytes: this.settings.logs.maxFileMb * 1024 * 1024,
      retentionDays: this.settings.logs.retentionDays,
    });
    if (dirProblem) this.log.error('data folder unavailable', { dir: this.paths.root, error: dirProblem });
    if (loaded.problem) this.log.warn('settings reset to defaults', { problem: loaded.problem });
    if (recovered && (recovered.rolledBack || recovered.removed.length)) this.log.warn('interrupted restore recovered', recovered);
    if (recoveryError) this.log.error('could not recover an interrupted restore', { error: recoveryError });
    this.tryOpenDatabase();
  }

  /** The engine that owns the data folder's background work (server/desktop), not a CLI run beside it. */
  get isPrimary(): boolean {
    return this.opts.primary !== false;
  }

  private tryOpenDatabase(): void {
    this.dbTriedAt = Date.now();
    try {
      this.db = openAppDatabase(this.paths.database);
      this.dbError = null;
      this.openLibrary(this.db);
    } catch (err) {
      this.db = null;
      this.dbError = err instanceof BscError ? err : new BscError('DB_UNAVAILABLE', String(err));
      this.log.error('database unavailable', { code: this.dbError.code, error: this.dbError.message });
    }
  }

  private openLibrary(db: AppDatabase): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the queue's deps read the live sink through a getter
    const engine = this;
    const repo = new LibraryRepository(db);
    this.nextChunkId = repo.nextChunkId();
    const queue = new ImportQueue({
      db,
      repo,
      documentsDir: this.paths.documents,
      incomingDir: this.paths.incoming,
      settings: () => this.settings,
      embedder: () => this.embedder(),
      contextualizer: () => this.contextualizer(),
      // Read per job: the embedded store writes inside the document's transaction, Qdrant before it.
      get vectors() { return engine.stores().sink(); },
      allocateChunkIds: (n) => {
        const first = this.nextChunkId;
        this.nextChunkId += n;
        return first;
      },
      log: this.log,
      onJob: (job) => this.send({ name: 'onImportProgress', payload: job }),
      onLibraryChanged: (reason) => this.send({ name: 'onLibraryChanged', payload: { corpusVersion: repo.corpusVersion(), reason } }),
    });
    this.library = { repo, queue };
    if (this.settings.vectorStore.mode !== 'embedded') void this.stores().ensureConnected().catch((err: unknown) => this.log.warn('vector store not connected', { error: err }));
    this.ops = new OperationRunner(db, (op) => this.send({ name: 'onOperation', payload: op }), this.log, { markInterrupted: this.isPrimary });
    if (this.isPrimary) {
      queue.resumeAfterRestart();
      const swept = queue.sweepOrphanUploads();
      if (swept.length) this.log.info('old uploads no import asked for were deleted', { files: swept.length });
    }
  }

  /** The configured embedding provider with its cache, or null (BM25 only). Built on first use. */
  embedder(): { provider: EmbeddingProvider; cache: EmbeddingCache } | null {
    if (this.embedding !== undefined) return this.embedding;
    const e = this.settings.embeddings;
    const provider = createEmbeddingProvider(
      {
        provider: e.provider, model: e.model, dimensions: e.dimensions ?? undefined, baseUrl: e.baseUrl ?? undefined, batchSize: e.batchSize, concurrency: e.concurrency,
        // null: the model scripts/fetch-model put beside the sample library (resources/models/).
        modelDir: e.modelDir ?? defaultLocalModelDir(path.dirname(this.sampleLibraryDir())),
      },
      { openaiApiKey: this.secretStore.get('openaiApiKey'), compatibleApiKey: this.secretStore.get('compatibleApiKey') },
    );
    if (provider && !this.embeddingCache) {
      const c = this.settings.embeddingCache;
      const cache = openEmbeddingCache(this.paths.embeddingCache, { ttlDays: c.ttlDays, maxBytes: Math.round(c.maxGb * 1e9) });
      this.embeddingCache = cache;
      // TTL and size cap: applied now and once a day while the app runs.
      const evict = () => { try { const r = cache.evict(); if (r.expired || r.evicted) this.log.info('embedding cache evicted', r); } catch (err) { this.log.warn('embedding cache eviction failed', { error: err }); } };
      evict();
      const timer = setInterval(evict, 86_400_000);
      timer.unref();
      this.onClose(() => clearInterval(timer));
    }
    this.embedding = provider && this.embeddingCache ? { provider, cache: this.embeddingCache } : null;
    return this.embedding;
  }

  /** Long operations (backup, restore, store moves): progress events, cancel, crash-safe records. */
  operations(): OperationRunner {
    this.database();
    if (!this.ops) throw this.dbError ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
    return this.ops;
  }

  /** The contextual-retrieval model, when turned on in Settings and a chat provider is configured. */
  contextualizer(): { model: ChatModel; cache: ContextCache } | null {
    const chat = this.settings.chat;
    if (!chat.contextualRetrieval || chat.provider === 'none') return null;
    const model = createChatModel(
      { ...chat, maxRetries: 2 },
      { anthropicApiKey: this.secretStore.get('anthropicApiKey'), openaiApiKey: this.secretStore.get('openaiApiKey'), compatibleApiKey: this.secretStore.get('compatibleApiKey') },
      'contextualizer',
    );
    if (!model) return null;
    if (!this.contextCache) {
      const cache = openContextCache(this.paths.embeddingCache);
      this.contextCache = cache;
      this.onClose(() => { cache.close(); this.contextCache = null; });
    }
    return { model, cache: this.contextCache };
  }

  lib(): { repo: LibraryRepository; queue: ImportQueue } {
    this.database();
    if (!this.library) throw this.dbError ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
    return this.library;
  }

  importFiles(sources: ImportSource[], password?: string) {
    return this.lib().queue.enqueue(sources, { password });
  }

  reindexDocument(documentId: string) {
    const { repo, queue } = this.lib();
    const doc = repo.get(documentId);
    if (!doc) throw new BscError('NOT_FOUND', 'That document is no longer in the library.');
    const original = originalPath(this.paths.documents, doc.sha256, doc.filename);
    if (!fs.existsSync(original)) throw new BscError('NOT_FOUND', `The stored original of "${doc.filename}" is missing; import the file again.`);
    const [job] = queue.enqueue([{ path: original }], { reindexAs: doc.filename });
    if (!job) throw new BscError('INTERNAL', 'Could not queue the re-index.');
    return job;
  }

  deleteDocument(documentId: string): boolean {
    const { repo } = this.lib();
    const doc: LibraryDocument | null = repo.get(documentId);
    if (!doc) return false;
    const out = repo.delete(documentId, (ids) => deleteChunkVectorsSync(this.database(), ids));
    if (out.deleted && !repo.isShaInUse(doc.sha256)) fs.rmSync(originalPath(this.paths.documents, doc.sha256, doc.filename), { force: true });
    this.log.info('document deleted', { documentId, chunks: out.chunkIds.length });
    this.send({ name: 'onLibraryChanged', payload: { corpusVersion: out.corpusVersion, reason: 'deleted' } });
    return out.deleted;
  }

  /** The vector store in use: embedded (in the library database) or a Qdrant once connected. */
  vectorStore(): VectorStore {
    this.database();
    return this.stores().active();
  }

  stores(): StoreRuntime {
    this.storeRuntime ??= new StoreRuntime({
      db: () => this.database(),
      settings: () => this.settings,
      dataDir: this.paths.root,
      log: this.log,
      embedder: () => this.embedder(),
      qdrantApiKey: () => this.secretStore.get('qdrantApiKey'),
      saveMode: (mode) => { this.updateSettings({ vectorStore: { mode } }); },
    });
    return this.storeRuntime;
  }

  async search(input: { query: string; k?: number; mode?: 'hybrid' | 'bm25' | 'dense'; documentIds?: string[] }, signal?: AbortSignal) {
    const { repo } = this.lib();
    const started = performance.now();
    const embedder = this.embedder();
    const r = this.settings.retrieval;
    const mode = input.mode ?? (embedder ? r.mode : 'bm25');
    const activeStore = this.vectorStore();
    const out = await retrieve(
      {
        db: this.database(),
        store: activeStore,
        embed: embedder ? (texts, sig) => embedWithCache(embedder.provider, embedder.cache, texts, { signal: sig }) : null,
        libraryLangs: queryLanguagesOf(repo.languages()),
      },
      {
        query: input.query, k: input.k ?? r.k, mode, rrfK: r.rrfK, weights: { dense: r.denseWeight, bm25: r.bm25Weight },
        filter: input.documentIds ? { documentIds: input.documentIds } : undefined, signal,
      },
    );
    const store = activeStore.kind;
    return {
      hits: out.hits.map((h) => ({ ...h, store, mode: out.mode })),
      mode: out.mode,
      tookMs: Math.round(performance.now() - started),
    };
  }

  sampleLibraryDir(): string {
    return bundledSampleLibraryDir();
  }

  /** The database, reopened lazily after a failure (the user may have fixed the folder). */
  database(): AppDatabase {
    if (this.quiesced) throw new BscError('DB_BUSY', 'The library is being restored; try again in a moment.');
    if (!this.db && Date.now() - this.dbTriedAt > DB_RETRY_MS) this.tryOpenDatabase();
    if (!this.db) throw this.dbError ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
    return this.db;
  }

  currentSettings(): Settings {
    return this.settings;
  }

  status(): Status {
    let database: Status['database'];
    let library = { documents: 0, chunks: 0, conversations: 0 };
    try {
      const db = this.database();
      const quick = db.pragma('quick_check', { simple: true }) as string;
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      library = { documents: count("documents WHERE status = 'indexed'"), chunks: count('chunks'), conversations: count('conversations') };
      database = {
        ok: quick === 'ok',
        detail: quick === 'ok' ? 'open' : `quick_check: ${quick}`,
        path: this.paths.database,
        schemaVersion: schemaVersion(db),
        sizeBytes: fileSize(this.paths.database),
      };
    } catch (err) {
      database = { ok: false, detail: err instanceof Error ? err.message : String(err), path: this.paths.database, schemaVersion: 0, sizeBytes: fileSize(this.paths.database) };
    }
    const vectorStore = { ok: database.ok, detail: database.ok ? 'SQLite FTS5 in the library database' : 'unavailable: database not open', mode: this.settings.vectorStore.mode };
    const engine = { ok: true, pid: process.pid, uptimeMs: Date.now() - this.startedAt, restarts: this.opts.restarts ?? 0, detail: 'running' };
    return {
      healthy: engine.ok && database.ok && vectorStore.ok,
      engine,
      database,
      vectorStore,
      providers: { embeddings: 'none (BM25 only)', chat: 'offline (extractive answers)', rerank: 'none' },
      library,
      versions: { app: APP_VERSION, node: process.versions.node, sqlite: sqliteVersion(this.db), electron: process.versions.electron ?? null },
      dataDir: this.paths.root,
    };
  }

  updateSettings(patch: Parameters<typeof mergeSettings>[1]): Settings {
    const next = mergeSettings(this.settings, patch);
    if (patch.embeddings || patch.embeddingCache) this.embedding = undefined;
    // A changed TTL or size cap applies when the cache is next opened (an import may be using it now).
    saveSettingsFile(this.paths.settings, next);
    this.settings = next;
    this.log.info('settings changed', { sections: Object.keys(patch) });
    this.send({ name: 'onSettingsChanged', payload: next });
    return next;
  }

  send(event: EngineEvent): void {
    this.emit(event);
    for (const l of this.eventListeners) {
      try { l(event); } catch (err) { this.log.error('event listener failed', { error: err }); }
    }
  }

  /** Observe every event the engine sends (metrics, schedulers) without touching the code that sends it. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  secrets(): SecretStore {
    return this.secretStore;
  }

  /** Replace the secret store (Electron feeds keys decrypted with safeStorage; the server reads env + file). */
  useSecretStore(store: SecretStore): void {
    this.secretStore = store;
    this.embedding = undefined;
  }

  /**
   * Stops every writer and closes the databases so their files can be replaced (restore).
   * Running imports are cancelled (they resume after `reopen`). Returns the function that reopens.
   */
  async quiesce(): Promise<() => void> {
    const lib = this.library;
    if (lib) {
      lib.queue.close();
      lib.queue.cancel();
      const until = Date.now() + 30_000;
      while (!lib.queue.drained && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    }
    this.embeddingCache?.close();
    this.embeddingCache = null;
    this.contextCache?.close();
    this.contextCache = null;
    this.embedding = undefined;
    this.library = null;
    this.db?.close();
    this.db = null;
    this.quiesced = true;
    return () => {
      this.quiesced = false;
      this.tryOpenDatabase();
      if (this.dbError) throw this.dbError;
    };
  }

  /** Area runtimes (chat, backups, operations) register their cleanup here. */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  close(): void {
    for (const hook of this.closeHooks.splice(0).reverse()) {
      try { hook(); } catch (err) { this.log.error('close hook failed', { error: err }); }
    }
    this.ops?.cancelAll();
    void this.storeRuntime?.close();
    this.library?.queue.close();
    this.embeddingCache?.close();
    this.db?.close();
    this.db = null;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function sqliteVersion(db: AppDatabase | null): string {
  if (!db) return 'unknown';
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}

/** The contract's methods, implemented over one engine: each area's handlers in handlers/. */
export function engineHandlers(engine: Engine): MethodHandlers {
  return {
    status: () => engine.status(),
    'settings.get': () => engine.currentSettings(),
    'settings.set': (patch) => engine.updateSettings(patch),
    ...libraryHandlers(engine),
    ...chatHandlers(engine),
    ...providerHandlers(engine),
    ...backupHandlers(engine),
    ...operationHandlers(engine),
    ...storeHandlers(engine),
    ...metricsHandlers(engine),
    ...strategyHandlers(strategyServiceOf(engine)),
  };
}

/** The strategy-map service over this engine's database and search (one per engine, repository per database handle). */
function strategyServiceOf(engine: Engine): () => StrategyService {
  const repos = new WeakMap<AppDatabase, EngagementRepository>();
  const service = createStrategyService({
    engagements: () => {
      const db = engine.database();
      if (!repos.has(db)) repos.set(db, new EngagementRepository(db));
      return repos.get(db)!;
    },
    library: {
      search: async (query, k, documentIds) => (await engine.search({ query, k, documentIds: documentIds ?? undefined })).hits,
      pages: (documentId, from, to) => engine.lib().repo.pagesWithChunks(documentId).filter((p) => p.pageNo >= from && p.pageNo <= to),
    },
  });
  return () => service;
}
