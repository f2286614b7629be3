import type { ChatRuntime } from './agents/chat-runtime';
import type { DatabaseService } from './db/database-service';
import type { EmbeddingService } from './embeddings/embedding-service';
import type { LibraryService } from './ingest/library-service';
import type { EventBus } from './observability/event-bus';
import type { Logger } from './observability/log';
import type { StatusService } from './observability/status-service';
import type { OperationsService } from './operations';
import type { SearchService } from './retrieval/search-service';
import type { DataPaths } from './settings/data-dir';
import type { ProviderKeys } from './settings/provider-keys';
import type { SettingsService } from './settings/settings-service';
import type { StoreRuntime } from './vectorstore/store-runtime';

/**
 * Every capability of the engine, as the composition root (engine.ts) builds them. Handlers and
 * services take a `Pick` of this — exactly what they use — so a test builds one with fakes for
 * just those. Types only: importing this file never imports the root.
 */
export interface EngineServices {
  paths: DataPaths;
  log: Logger;
  events: EventBus;
  settings: SettingsService;
  keys: ProviderKeys;
  database: DatabaseService;
  embeddings: EmbeddingService;
  stores: StoreRuntime;
  library: LibraryService;
  search: SearchService;
  operations: OperationsService;
  chat: ChatRuntime;
  status: StatusService;
  lifecycle: Lifecycle;
}

/** Whether this engine owns the data folder's background work, and where services register their cleanup. */
export interface Lifecycle {
  /** The app's or server's engine (schedulers, crash recovery); false for a CLI run beside it. */
  readonly primary: boolean;
  /** How many times the host restarted this engine. */
  readonly restarts: number;
  readonly startedAt: number;
  onClose(hook: () => void): void;
}
