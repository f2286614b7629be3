import fs from 'node:fs';
import path from 'node:path';
import type { ImportJob, ImportSource, LibraryDocument, Settings } from '../../../preload/contract';
import type { DatabaseService } from '../db/database-service';
import { LibraryRepository } from '../db/library';
import type { EmbeddingService } from '../embeddings/embedding-service';
import { BscError } from '../errors';
import type { EventBus } from '../observability/event-bus';
import type { Logger } from '../observability/log';
import { type IndexLanguage, queryLanguagesOf } from '../retrieval/analyze';
import type { DataPaths } from '../settings/data-dir';
import { ImportQueue, walkImportable } from './import-queue';
import type { VectorStore } from '../vectorstore/port';
import { originalPath } from './index-document';

/** The library: its documents (repository) and the import queue that adds to it. */
export interface LibraryService {
  /** The repository and queue of the open database; throws the database's classified error. */
  open(): { repo: LibraryRepository; queue: ImportQueue };
  importFiles(sources: ImportSource[], password?: string): ImportJob[];
  reindexDocument(documentId: string): ImportJob;
  deleteDocument(documentId: string): boolean;
  loadSample(): ImportJob[];
  /** The languages a query is analysed in: those the library's chunks were indexed in. */
  languages(): IndexLanguage[];
  corpusVersion(): number;
}

export interface LibraryServiceDeps {
  database: DatabaseService;
  paths: DataPaths;
  settings: () => Settings;
  embeddings: EmbeddingService;
  /** Where an import writes vectors (read per job: the store may change between jobs). */
  vectors: () => VectorStore;
  events: EventBus;
  log: Logger;
  sampleLibraryDir: () => string;
  /** False for a CLI run beside the app: it leaves resuming imports and sweeping uploads to the app. */
  primary: boolean;
}

/** The primer's documents, without the folder's README (it describes the files; it is not BSC content). */
export function sampleLibraryFiles(dir: string): string[] {
  return walkImportable(dir).filter((p) => path.basename(p).toLowerCase() !== 'readme.md');
}

export function createLibraryService(deps: LibraryServiceDeps): LibraryService {
  let opened: { repo: LibraryRepository; queue: ImportQueue } | null = null;
  let nextChunkId = 0;
  const send = deps.events.send;

  deps.database.onOpen((db) => {
    const repo = new LibraryRepository(db);
    nextChunkId = repo.nextChunkId();
    const queue = new ImportQueue({
      db,
      repo,
      documentsDir: deps.paths.documents,
      incomingDir: deps.paths.incoming,
      settings: deps.settings,
      embedder: () => deps.embeddings.current(),
      contextualizer: () => deps.embeddings.contextualizer(),
      // Read per job: the embedded store writes inside the document's transaction, Qdrant before it.
      get vectors() { return deps.vectors(); },
      allocateChunkIds: (n) => {
        const first = nextChunkId;
        nextChunkId += n;
        return first;
      },
      log: deps.log,
      onJob: (job) => send({ name: 'onImportProgress', payload: job }),
      onLibraryChanged: (reason) => send({ name: 'onLibraryChanged', payload: { corpusVersion: repo.corpusVersion(), reason } }),
    });
    opened = { repo, queue };
    if (deps.primary) {
      queue.resumeAfterRestart();
      const swept = queue.sweepOrphanUploads();
      if (swept.length) deps.log.info('old uploads no import asked for were deleted', { files: swept.length });
    }
  });

  // Running imports are cancelled before a restore swaps the files; they resume after the reopen.
  deps.database.beforeClose(async () => {
    const lib = opened;
    opened = null;
    if (!lib) return;
    lib.queue.close();
    lib.queue.cancel();
    const until = Date.now() + 30_000;
    while (!lib.queue.drained && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  });

  function open() {
    deps.database.get();
    if (!opened) throw deps.database.lastError() ?? new BscError('DB_UNAVAILABLE', 'The library database is not open.');
    return opened;
  }

  const importFiles = (sources: ImportSource[], password?: string) => open().queue.enqueue(sources, { password });

  return {
    open,
    importFiles,
    reindexDocument(documentId) {
      const { repo, queue } = open();
      const doc = repo.get(documentId);
      if (!doc) throw new BscError('NOT_FOUND', 'That document is no longer in the library.');
      const original = originalPath(deps.paths.documents, doc.sha256, doc.filename);
      if (!fs.existsSync(original)) throw new BscError('NOT_FOUND', `The stored original of "${doc.filename}" is missing; import the file again.`);
      const [job] = queue.enqueue([{ path: original }], { reindexAs: doc.filename });
      if (!job) throw new BscError('INTERNAL', 'Could not queue the re-index.');
      return job;
    },
    deleteDocument(documentId) {
      const { repo } = open();
      const doc: LibraryDocument | null = repo.get(documentId);
      if (!doc) return false;
      // A Qdrant that is not connected yet keeps stale points; their chunks are gone, so no search returns them.
      let store: VectorStore | null = null;
      try { store = deps.vectors(); } catch { store = null; }
      const out = repo.delete(documentId, (ids) => store?.transactional?.deleteWithin(ids));
      if (out.deleted && store && !store.transactional) void store.delete({ chunkIds: out.chunkIds }).catch((err: unknown) => deps.log.warn('vectors of a deleted document not removed', { error: err }));
      if (out.deleted && !repo.isShaInUse(doc.sha256)) fs.rmSync(originalPath(deps.paths.documents, doc.sha256, doc.filename), { force: true });
      deps.log.info('document deleted', { documentId, chunks: out.chunkIds.length });
      send({ name: 'onLibraryChanged', payload: { corpusVersion: out.corpusVersion, reason: 'deleted' } });
      return out.deleted;
    },
    loadSample: () => importFiles(sampleLibraryFiles(deps.sampleLibraryDir()).map((p) => ({ path: p }))),
    languages: () => queryLanguagesOf(open().repo.languages()),
    corpusVersion: () => open().repo.corpusVersion(),
  };
}

/** Closes the queue for good (shutdown). */
export function closeLibrary(library: LibraryService): void {
  try { library.open().queue.close(); } catch { /* not open */ }
}
