// The composition root: the one module that knows every service. It builds each capability from
// explicit dependencies, in order, and binds the contract's methods to them (engineHandlers).
// Nothing below it imports it (test/composition-root.test.ts proves it); a new capability is a
// `createXService(deps)` in its folder, one field in services.ts, one line here and one in
// engineHandlers.
import fs from 'node:fs';
import type { EngineEvent, ImportJob, ImportSource, Settings, SettingsPatch, Status } from '../../preload/contract';
import { type ChatRuntimeDeps, createChatRuntime } from './agents/chat-runtime';
import { recoverInterruptedRestore } from './backup/restore';
import { type BackupService, type RestoreFailpoints, type RestoreService, createBackupService, createRestoreService } from './backup/service';
import { createDatabaseService } from './db/database-service';
import type { AppDatabase } from './db/open';
import type { EmitEvent, MethodHandlers } from './dispatch';
import { type Embedder, createEmbeddingService } from './embeddings/embedding-service';
import type { ImportQueue } from './ingest/import-queue';
import { closeLibrary, createLibraryService } from './ingest/library-service';
import type { LibraryRepository } from './db/library';
import type { ChatModel } from './llm/chat-model';
import type { ContextCache } from './ingest/contextualize';
import { createEventBus } from './observability/event-bus';
import { createRotatingLog, type Logger } from './observability/log';
import { type ProviderHealth, createProviderHealth, describeProviders } from './observability/provider-health';
import { createStatusService } from './observability/status-service';
import { type OperationRunner, createOperationsService } from './operations';
import { sampleLibraryDir as bundledSampleLibraryDir, resourcesDir } from './resources';
import { createSearchService } from './retrieval/search-service';
import { createReaderPool, defaultReaderThreads } from './retrieval/reader-pool';
import type { EngineServices, Lifecycle } from './services';
import { type DataPaths, dataPaths } from './settings/data-dir';
import { createProviderKeys, keepCurrentEndpoints } from './settings/provider-keys';
import { type SecretStore, fileSecretStore, secretsFileIn } from './settings/secrets';
import { loadSettingsFile } from './settings/settings-file';
import { type SettingsService, createSettingsService } from './settings/settings-service';
import { StoreRuntime } from './vectorstore/store-runtime';
import type { VectorStore } from './vectorstore/port';
import { type BackupHandlerDeps, backupHandlers } from './handlers/backup-handlers';
import { chatHandlers } from './handlers/chat-handlers';
import { libraryHandlers } from './handlers/library-handlers';
import { metricsHandlers } from './handlers/metrics-handlers';
import { operationHandlers } from './handlers/operation-handlers';
import { providerHandlers } from './handlers/provider-handlers';
import { storeHandlers } from './handlers/store-handlers';
import { watchHandlers, watchServiceOf } from './handlers/watch-handlers';
import { strategyHandlers } from './handlers/strategy-handlers';
import { createChatModel } from './llm/models';
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
  /** Where keys come from; default: environment + <data>/secrets.json (the desktop shell sends its own). */
  secrets?: SecretStore;
  /** Cohere's address for key binding and tests (the settings have none: Cohere is a cloud API). */
  cohereBaseUrl?: string | null;
  /** Integrity check schedule (tests turn it off or speed it up). */
  integrityEveryMs?: number;
  /** Crash tests' hooks into the restore's swap; never set in production. */
  failpoints?: { restore?: RestoreFailpoints };
}

/** Everything the root builds beyond the contract's services: provider health for Status. */
export interface RootServices extends EngineServices {
  health: ProviderHealth;
  backups: BackupService;
  restores: RestoreService;
}

/**
 * Builds every service of one engine over a data folder, in dependency order. Plain Node: the
 * engine process, the CLI, tests and benches all start here.
 */
export function composeEngine(opts: EngineOptions): { services: RootServices; close(): void } {
  const paths = dataPaths(opts.dataDir);
  const startedAt = Date.now();
  const closeHooks: Array<() => void> = [];
  const lifecycle: Lifecycle = { primary: opts.primary !== false, restarts: opts.restarts ?? 0, startedAt, onClose: (hook) => { closeHooks.push(hook); } };

  let dirProblem: string | null = null;
  let recovered: ReturnType<typeof recoverInterruptedRestore> | null = null;
  let recoveryError: unknown = null;
  try {
    fs.mkdirSync(paths.root, { recursive: true });
    // A restore killed mid-swap is finished or rolled back before anything reads the files
    // (by any engine, CLI included: a half-swapped folder must never be opened).
    try { recovered = recoverInterruptedRestore(paths.root); } catch (err) { recoveryError = err; }
  } catch (err) {
    dirProblem = (err as Error).message;
  }
  const loaded = loadSettingsFile(paths.settings);
  // The engine process gets a log that forwards to its host; an engine built in-process (the CLI,
  // tests) writes its own file, apart from the host's bsc.log, so two writers never rotate one file.
  const log = opts.log ?? createRotatingLog({
    dir: paths.logs,
    name: 'bsc-cli',
    maxFileBytes: loaded.settings.logs.maxFileMb * 1024 * 1024,
    retentionDays: loaded.settings.logs.retentionDays,
  });
  if (dirProblem) log.error('data folder unavailable', { dir: paths.root, error: dirProblem });
  if (loaded.problem) log.warn('settings reset to defaults', { problem: loaded.problem });
  if (recovered && (recovered.rolledBack || recovered.removed.length)) log.warn('interrupted restore recovered', recovered);
  if (recoveryError) log.error('could not recover an interrupted restore', { error: recoveryError });

  const events = createEventBus(opts.emit ?? (() => {}), log);
  const settings = createSettingsService({ file: paths.settings, initial: loaded.settings, log, events });
  // Server and CLI keep keys in <data>/secrets.json (env vars win); the desktop shell replaces the store with its own.
  const keys = createProviderKeys({ dataDir: paths.root, initial: opts.secrets ?? fileSecretStore(secretsFileIn(paths.root)), settings: settings.current, log, cohereBaseUrl: opts.cohereBaseUrl ?? null });
  const health = createProviderHealth();
  const database = createDatabaseService({ file: paths.database, log });
  const embeddings = createEmbeddingService({
    cacheFile: paths.embeddingCache, settings: settings.current, keys, log, resourcesDir: () => resourcesDir(),
    onCall: (ok, detail) => health.record('embeddings', ok, detail),
  });
  events.onEvent((event) => observeAnswer(event, settings.current(), health));
  settings.onChange((_next, patch) => {
    if (patch.embeddings || patch.embeddingCache) { embeddings.reset(); health.forget('embeddings'); }
    if (patch.chat) health.forget('chat');
    if (patch.rerank) health.forget('rerank');
  });
  keys.onChange(() => embeddings.reset());
  database.beforeClose(() => embeddings.close());
  const stores = new StoreRuntime({
    db: () => database.get(),
    settings: settings.current,
    dataDir: paths.root,
    log,
    embedder: () => embeddings.current(),
    qdrantApiKey: () => keys.keyFor('qdrantApiKey', settings.current().vectorStore.qdrantUrl),
    saveMode: (mode) => { settings.update({ vectorStore: { mode } }); },
  });
  const library = createLibraryService({
    database, paths, settings: settings.current, embeddings, vectors: () => stores.writeTarget(), events, log,
    sampleLibraryDir: () => bundledSampleLibraryDir(), primary: lifecycle.primary,
  });
  database.onOpen(() => {
    if (settings.current().vectorStore.mode !== 'embedded') void stores.ensureConnected().catch((err: unknown) => log.warn('vector store not connected', { error: err }));
  });
  const operations = createOperationsService({ database, emit: (op) => events.send({ name: 'onOperation', payload: op }), log, primary: lifecycle.primary });
  // Searches and the retrieval step of answers run in reader threads over the WAL (retrieval/reader-pool.ts).
  const readers = createReaderPool({ size: settings.current().retrieval.readerThreads ?? defaultReaderThreads(), log });
  lifecycle.onClose(() => void readers.close());
  const search = createSearchService({ database, settings: settings.current, embeddings, store: () => stores.active(), libraryLangs: () => library.languages(), executor: readers.execute });
  const chat = createChatRuntime(chatDepsOf({ database, settings, keys, search, library, events, log }));
  lifecycle.onClose(() => chat.close());
  const status = createStatusService({
    database, settings: settings.current, stores, log, dataDir: paths.root, startedAt, restarts: lifecycle.restarts,
    providers: () => providerStatus(settings.current(), health),
    integrityEveryMs: opts.integrityEveryMs,
  });
  lifecycle.onClose(() => status.close());
  const { backups, restores } = backupServicesOf({ paths, database, settings, embeddings, stores, library, events, log }, opts.failpoints?.restore);

  database.open();
  const services: RootServices = { paths, log, events, settings, keys, database, embeddings, stores, library, search, operations, chat, status, lifecycle, health, backups, restores };
  return {
    services,
    close() {
      for (const hook of closeHooks.splice(0).reverse()) {
        try { hook(); } catch (err) { log.error('close hook failed', { error: err }); }
      }
      operations.ifOpen()?.cancelAll();
      void stores.close();
      closeLibrary(library);
      embeddings.close();
      database.close();
    },
  };
}

/** What answering needs, from the root's services (tests build a chat runtime the same way). */
export function chatDepsOf(s: Pick<EngineServices, 'database' | 'settings' | 'keys' | 'search' | 'library' | 'events' | 'log'>): ChatRuntimeDeps {
  return {
    database: s.database, settings: s.settings.current, keys: s.keys, search: s.search,
    libraryLangs: () => s.library.open().repo.languages(), corpusVersion: () => s.library.corpusVersion(),
    events: s.events, log: s.log,
  };
}

/** Backups and restores over the library's services. */
function backupServicesOf(
  s: Pick<EngineServices, 'paths' | 'database' | 'settings' | 'embeddings' | 'stores' | 'library' | 'events' | 'log'>,
  failpoints: RestoreFailpoints | undefined,
): { backups: BackupService; restores: RestoreService } {
  const deps = { paths: s.paths, database: () => s.database.get(), settings: s.settings.current, embedder: () => s.embeddings.current(), stores: () => s.stores, log: s.log };
  const backups = createBackupService(deps);
  const restores = createRestoreService({
    ...deps,
    backups,
    quiesce: async () => {
      const reopen = await s.database.quiesce();
      return () => { reopen(); s.library.open(); };
    },
    // A backup never moves the keys to other addresses: the current endpoints stay, the difference is reported.
    applySettings: (restored) => applyRestoredSettings(s.settings, restored, s.log),
    events: { restored: () => s.events.send({ name: 'onLibraryChanged', payload: { corpusVersion: s.library.corpusVersion(), reason: 'restored' } }) },
    ...(failpoints ? { failpoints } : {}),
  });
  return { backups, restores };
}

/** The restored settings in force, with today's provider endpoints kept; returns the differences as notes for the restore's result. */
function applyRestoredSettings(settings: SettingsService, restored: Settings, log: Logger): string[] {
  const { settings: kept, differences } = keepCurrentEndpoints(settings.current(), restored);
  settings.update(kept);
  if (differences.length) log.warn('restore kept the current provider endpoints', { differences });
  return differences.map((d) => `The backup's ${d.setting} (${d.restored ?? 'none'}) was not applied; it stays ${d.current ?? 'none'}. Change it in Settings if you want it (keys must then be entered again).`);
}

/** Whether the chat provider answered: from each finished answer (cached ones called nobody). */
function observeAnswer(event: EngineEvent, s: Settings, health: ProviderHealth): void {
  if (event.name !== 'onAnswer' || s.chat.provider === 'none') return;
  const p = event.payload;
  if (p.type === 'done') {
    if (p.answer.cached) return;
    if (p.answer.modelFailure) health.record('chat', false, p.answer.modelFailure.reason);
    else if (p.answer.usage.calls > 0) health.record('chat', true, `answered in ${p.answer.timings.total} ms`);
  } else if (p.type === 'error' && p.error.code.startsWith('PROVIDER_')) {
    health.record('chat', false, p.error.message);
  }
}

/** Each provider as configured, and whether it answered the last time it was called. */
function providerStatus(s: Settings, health: ProviderHealth): Status['providers'] {
  const described = describeProviders(s);
  const one = (target: 'chat' | 'embeddings' | 'rerank') => ({ ...described[target], lastCall: described[target].id === 'none' ? null : health.last(target) });
  return { embeddings: one('embeddings'), chat: one('chat'), rerank: one('rerank') };
}

/**
 * The engine as one object: its services, plus the calls tests, the CLI and benches make
 * directly. Services never receive it; they receive the services they use.
 */
export class Engine {
  readonly services: RootServices;
  readonly paths: DataPaths;
  readonly log: Logger;
  private readonly closeAll: () => void;

  constructor(opts: EngineOptions) {
    const root = composeEngine(opts);
    this.services = root.services;
    this.paths = root.services.paths;
    this.log = root.services.log;
    this.closeAll = root.close;
  }

  get isPrimary(): boolean { return this.services.lifecycle.primary; }
  embedder(): Embedder | null { return this.services.embeddings.current(); }
  contextualizer(): { model: ChatModel; cache: ContextCache } | null { return this.services.embeddings.contextualizer(); }
  operations(): OperationRunner { return this.services.operations.runner(); }
  lib(): { repo: LibraryRepository; queue: ImportQueue } { return this.services.library.open(); }
  importFiles(sources: ImportSource[], password?: string): ImportJob[] { return this.services.library.importFiles(sources, password); }
  reindexDocument(documentId: string): ImportJob { return this.services.library.reindexDocument(documentId); }
  deleteDocument(documentId: string): boolean { return this.services.library.deleteDocument(documentId); }
  vectorStore(): VectorStore { this.database(); return this.services.stores.active(); }
  stores(): StoreRuntime { return this.services.stores; }
  search(input: { query: string; k?: number; mode?: 'hybrid' | 'bm25' | 'dense'; documentIds?: string[] }, signal?: AbortSignal) { return this.services.search.librarySearch(input, signal); }
  sampleLibraryDir(): string { return bundledSampleLibraryDir(); }
  database(): AppDatabase { return this.services.database.get(); }
  currentSettings(): Settings { return this.services.settings.current(); }
  status(): Promise<Status> { return this.services.status.status(); }
  updateSettings(patch: SettingsPatch): Settings { return this.services.settings.update(patch); }
  send(event: EngineEvent): void { this.services.events.send(event); }
  onEvent(listener: (event: EngineEvent) => void): () => void { return this.services.events.onEvent(listener); }
  secrets(): SecretStore { return this.services.keys.store(); }
  /** Replace the secret store (the desktop shell feeds keys decrypted with safeStorage). */
  useSecretStore(store: SecretStore, entered?: Parameters<RootServices['keys']['replace']>[1]): void { this.services.keys.replace(store, entered); }
  quiesce(): Promise<() => void> { return this.services.database.quiesce(); }
  onClose(hook: () => void): void { this.services.lifecycle.onClose(hook); }
  close(): void { this.closeAll(); }
}

/** What the backup handlers use: the services, the backup and restore services built on them. */
export function backupDepsOf(s: RootServices): BackupHandlerDeps {
  return { ...s, backups: s.backups, restores: s.restores };
}

/** The contract's methods, bound to the services each area uses: each area's handlers in handlers/. */
export function engineHandlers(engine: Engine): MethodHandlers {
  const s = engine.services;
  return {
    status: () => s.status.status(),
    'database.checkIntegrity': () => s.status.checkIntegrity(),
    'settings.get': () => s.settings.current(),
    'settings.set': (patch) => s.settings.update(patch),
    ...libraryHandlers(s),
    ...chatHandlers(s),
    ...providerHandlers(s),
    ...backupHandlers(backupDepsOf(s)),
    ...operationHandlers(s),
    ...storeHandlers(s),
    ...metricsHandlers(s),
    ...strategyHandlers(strategyServiceOf(s)),
    ...watchHandlers(watchServiceOf(s)),
  };
}

/** The configured chat model (specialist role) for map suggestions; null offline or when its key is missing. */
function strategyModel(s: Pick<EngineServices, 'settings' | 'keys'>): ChatModel | null {
  const chat = s.settings.current().chat;
  if (chat.provider === 'none') return null;
  try {
    return createChatModel({ provider: chat.provider, baseUrl: chat.baseUrl, models: chat.models, timeoutMs: chat.timeoutMs, maxRetries: 1 }, s.keys.chatKeys(chat), 'specialist');
  } catch {
    return null;
  }
}

/** The strategy-map service over the database and the one search (repository per database handle). */
function strategyServiceOf(s: Pick<EngineServices, 'database' | 'search' | 'library' | 'settings' | 'keys' | 'log'>): () => StrategyService {
  const repos = new WeakMap<AppDatabase, EngagementRepository>();
  const service = createStrategyService({
    engagements: () => {
      const db = s.database.get();
      if (!repos.has(db)) repos.set(db, new EngagementRepository(db));
      return repos.get(db)!;
    },
    library: {
      search: async (query, k, documentIds) => (await s.search.librarySearch({ query, k, documentIds: documentIds ?? undefined })).hits,
      pages: (documentId, from, to) => s.library.open().repo.pagesWithChunks(documentId).filter((p) => p.pageNo >= from && p.pageNo <= to),
    },
    model: () => strategyModel(s),
    log: s.log,
  });
  return () => service;
}
