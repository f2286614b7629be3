import path from 'node:path';
import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { BscError } from '../errors';
import { walkImportable } from '../ingest/import-queue';

/** The primer's documents, without the folder's README (it describes the files; it is not BSC content). */
export function sampleLibraryFiles(dir: string): string[] {
  return walkImportable(dir).filter((p) => path.basename(p).toLowerCase() !== 'readme.md');
}

type LibraryMethods = Extract<keyof MethodHandlers, `library.${string}`>;

export function libraryHandlers(engine: Engine): Pick<MethodHandlers, LibraryMethods> {
  return {
    'library.list': () => {
      const { repo } = engine.lib();
      return { documents: repo.list(), corpusVersion: repo.corpusVersion() };
    },
    'library.document': ({ documentId }) => {
      const { repo } = engine.lib();
      const document = repo.get(documentId);
      if (!document) throw new BscError('NOT_FOUND', 'That document is not in the library.');
      return { document, pages: repo.pagesWithChunks(documentId) };
    },
    'library.import': ({ sources, password }) => ({ jobs: engine.importFiles(sources, password) }),
    'library.jobs': () => ({ jobs: engine.lib().queue.jobs() }),
    'library.cancelImport': ({ jobId }) => ({ cancelled: engine.lib().queue.cancel(jobId) }),
    'library.providePassword': ({ jobId, password }) => ({ job: engine.lib().queue.providePassword(jobId, password) }),
    'library.delete': ({ documentId }) => ({ deleted: engine.deleteDocument(documentId) }),
    'library.reindex': ({ documentId }) => ({ job: engine.reindexDocument(documentId) }),
    'library.search': (input, ctx) => engine.search(input, ctx.signal),
    'library.loadSample': () => ({ jobs: engine.importFiles(sampleLibraryFiles(engine.sampleLibraryDir()).map((p) => ({ path: p }))) }),
  };
}
