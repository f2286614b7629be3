import { resourcesDir } from '../resources';
import type { StoreStatus } from '../../../preload/contract';
import type { AppDatabase } from '../db/open';
import type { EmbeddingCache } from '../embeddings/cache';
import type { EmbeddingProvider } from '../embeddings/provider';
import { BscError } from '../errors';
import type { Logger } from '../observability/log';
import type { OperationContext } from '../operations';
import { type QdrantRuntime, startQdrantRuntime } from '../qdrant/runtime';
import type { Settings } from '../../../preload/contract';
import { createEmbeddedStore } from './embedded';
import { rebuildVectorIndex } from './rebuild-index';
import type { VectorStore } from './port';
import { type QdrantVectorStore, createQdrantStore } from './qdrant';

type Mode = Settings['vectorStore']['mode'];

export interface StoreRuntimeDeps {
  db: () => AppDatabase;
  settings: () => Settings;
  dataDir: string;
  log: Logger;
  embedder: () => { provider: EmbeddingProvider; cache: EmbeddingCache } | null;
  qdrantApiKey: () => string | undefined;
  /** Persist the new mode once a move is complete. */
  saveMode: (mode: Mode) => void;
}

/**
 * Which vector store the library uses, and moving between them. The database and the embedding
 * cache are the record: a move or rebuild re-creates the target from them, calling no provider
 * for text already embedded, and the old store stays in use until the new one is complete.
 */
export class StoreRuntime {
  private qdrant: { runtime: QdrantRuntime; store: QdrantVectorStore; mode: Mode } | null = null;
  private connecting: Promise<void> | null = null;
  private lastError: string | null = null;

  constructor(private readonly deps: StoreRuntimeDeps) {}

  private get mode(): Mode {
    return this.deps.settings().vectorStore.mode;
  }

  private embedded(): VectorStore {
    return createEmbeddedStore(this.deps.db(), { dimensions: this.deps.embedder()?.provider.dimensions ?? 0 });
  }

  /** The store searches use now; a Qdrant not yet connected falls back to the embedded store's BM25. */
  active(): VectorStore {
    if (this.mode === 'embedded') return this.embedded();
    if (this.qdrant && this.qdrant.mode === this.mode) return this.qdrant.store;
    void this.ensureConnected().catch(() => {});
    return this.embedded();
  }

  /** Where an import writes vectors: the embedded store (inside its transaction) or the connected Qdrant. */
  writeTarget(): VectorStore {
    if (this.mode === 'embedded') return this.embedded();
    const q = this.qdrant;
    if (!q || q.mode !== this.mode) {
      throw new BscError('PROVIDER_UNAVAILABLE', `The ${this.mode} Qdrant is not connected${this.lastError ? ` (${this.lastError})` : ''}; imports wait for it. Check Settings → Vector store.`);
    }
    return q.store;
  }

  async ensureConnected(signal?: AbortSignal): Promise<void> {
    if (this.mode === 'embedded' || (this.qdrant && this.qdrant.mode === this.mode)) return;
    this.connecting ??= this.connect(this.mode, signal).then(
      (q) => { this.qdrant = q; this.lastError = null; },
      (err: unknown) => { this.lastError = err instanceof Error ? err.message : String(err); throw err; },
    ).finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private async connect(mode: Mode, signal?: AbortSignal): Promise<{ runtime: QdrantRuntime; store: QdrantVectorStore; mode: Mode }> {
    if (mode === 'embedded') throw new BscError('INTERNAL', 'embedded needs no connection');
    const embedder = this.deps.embedder();
    if (!embedder) {
      throw new BscError('BAD_INPUT', 'Qdrant stores dense vectors: configure an embedding provider first (Settings → Providers). Without one, the embedded store searches with BM25.');
    }
    const dims = await embedder.provider.resolveDimensions({ signal });
    const s = this.deps.settings().vectorStore;
    const runtime = await startQdrantRuntime(mode, {
      dataDir: this.deps.dataDir,
      resourcesDir: resourcesDir(),
      external: { url: s.qdrantUrl, apiKey: this.deps.qdrantApiKey() ?? null },
    }, { log: this.deps.log, signal });
    const store = await createQdrantStore({ url: runtime.url, apiKey: runtime.apiKey ?? undefined, collection: s.collection, dimensions: dims, shardNumber: s.shardNumber, replicationFactor: s.replicationFactor });
    return { runtime, store, mode };
  }

  async status(): Promise<StoreStatus> {
    const mode = this.mode;
    if (mode === 'embedded') {
      const points = await this.embedded().count().catch(() => null);
      return { mode, state: 'ready', version: null, collection: null, points, healthy: true, detail: 'sqlite-vec and FTS5 inside the library database' };
    }
    const q = this.qdrant?.mode === mode ? this.qdrant : null;
    if (!q) {
      return { mode, state: this.connecting ? 'starting' : 'unavailable', version: null, collection: this.deps.settings().vectorStore.collection, points: null, healthy: false, detail: this.lastError ?? 'not connected yet' };
    }
    const d = q.runtime.describe();
    const points = await q.store.count().catch(() => null);
    const state = d.state === 'ready' ? 'ready' : d.state === 'stopped' ? 'stopped' : d.state === 'crashed' ? 'crashed' : d.state === 'unreachable' ? 'unavailable' : 'starting';
    return { mode, state, version: d.version ?? q.store.serverVersion, collection: this.deps.settings().vectorStore.collection, points, healthy: state === 'ready' && points !== null, detail: d.detail };
  }

  async control(action: 'start' | 'stop'): Promise<StoreStatus> {
    if (this.mode === 'embedded') throw new BscError('BAD_INPUT', 'The embedded store has nothing to start or stop.');
    if (action === 'stop') {
      await this.qdrant?.runtime.stop();
      this.qdrant = null;
    } else {
      await this.ensureConnected();
    }
    return this.status();
  }

  /** Re-creates the index of `target` from the database and the embedding cache, then switches to it. */
  async rebuildInto(target: Mode, ctx: OperationContext): Promise<{ mode: Mode; points: number; embeddedNow: number }> {
    const embedder = this.deps.embedder();
    let store: VectorStore;
    let q: { runtime: QdrantRuntime; store: QdrantVectorStore; mode: Mode } | null = null;
    ctx.progress('connecting', 0, 0);
    if (target === 'embedded') {
      store = this.embedded();
    } else {
      q = this.qdrant?.mode === target ? this.qdrant : await this.connect(target, ctx.signal);
      store = q.store;
    }
    // The one rebuild (also used by restore): empties the target, then streams the chunks into it.
    const { points: done, embeddedNow } = await rebuildVectorIndex({ db: this.deps.db(), store, embedder, signal: ctx.signal, progress: ctx.progress });
    if (q) this.qdrant = q;
    if (this.mode !== target) this.deps.saveMode(target);
    this.deps.log.info('vector index rebuilt', { mode: target, points: done, embeddedNow });
    return { mode: target, points: done, embeddedNow };
  }

  /**
   * A snapshot of our Qdrant collection, downloaded to `file`, for a backup. Null when the store is
   * embedded (its vectors are in the database) or the snapshot cannot be taken (the backup then
   * says the index will be rebuilt on restore).
   */
  async snapshotTo(file: string, signal?: AbortSignal): Promise<{ bytes: number; sha256: string } | null> {
    if (this.mode === 'embedded') return null;
    try {
      await this.ensureConnected(signal);
      const q = this.qdrant;
      if (!q) return null;
      const snap = await q.store.createSnapshot();
      return await q.store.downloadSnapshot(snap.name, file, { signal, checksum: snap.checksum });
    } catch (err) {
      if (err instanceof BscError && err.code === 'CANCELLED') throw err;
      this.deps.log.warn('Qdrant snapshot for the backup failed; the index will be rebuilt on restore', { error: err });
      return null;
    }
  }

  async close(): Promise<void> {
    await this.qdrant?.runtime.stop().catch(() => {});
    this.qdrant = null;
  }
}
