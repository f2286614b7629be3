import fs from 'node:fs';
import { ORIGINAL_MAX_MB } from '../../../preload/contract';
import type { MethodHandlers } from '../dispatch';
import { BscError } from '../errors';
import { originalPath } from '../ingest/index-document';
import type { EngineServices } from '../services';

/** A document's stored original as base64, for the renderer's page viewer; bounded, since it travels in one reply. */
export function readOriginal(documentsDir: string, doc: { filename: string; mime: string; sha256: string }, maxBytes = ORIGINAL_MAX_MB * 1024 * 1024) {
  const file = originalPath(documentsDir, doc.sha256, doc.filename);
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw new BscError('NOT_FOUND', `The stored original of "${doc.filename}" is missing; import the file again.`);
  if (size > maxBytes) throw new BscError('TOO_LARGE', `"${doc.filename}" is ${Math.ceil(size / 1048576)} MB; the viewer opens originals up to ${Math.round(maxBytes / 1048576)} MB. Open it from the library folder instead.`);
  return { filename: doc.filename, mime: doc.mime, bytes: fs.readFileSync(file).toString('base64'), size };
}

type LibraryMethods = Extract<keyof MethodHandlers, `library.${string}`>;

export function libraryHandlers({ library, search, paths }: Pick<EngineServices, 'library' | 'search' | 'paths'>): Pick<MethodHandlers, LibraryMethods> {
  return {
    'library.list': () => {
      const { repo } = library.open();
      return { documents: repo.list(), corpusVersion: repo.corpusVersion() };
    },
    'library.document': ({ documentId }) => {
      const { repo } = library.open();
      const document = repo.get(documentId);
      if (!document) throw new BscError('NOT_FOUND', 'That document is not in the library.');
      return { document, pages: repo.pagesWithChunks(documentId) };
    },
    'library.import': ({ sources, password }) => ({ jobs: library.importFiles(sources, password) }),
    'library.jobs': () => ({ jobs: library.open().queue.jobs() }),
    'library.cancelImport': ({ jobId }) => ({ cancelled: library.open().queue.cancel(jobId) }),
    'library.providePassword': ({ jobId, password }) => ({ job: library.open().queue.providePassword(jobId, password) }),
    'library.delete': ({ documentId }) => ({ deleted: library.deleteDocument(documentId) }),
    'library.reindex': ({ documentId }) => ({ job: library.reindexDocument(documentId) }),
    'library.search': (input, ctx) => search.librarySearch(input, ctx.signal),
    'library.original': ({ documentId }) => {
      const document = library.open().repo.get(documentId);
      if (!document) throw new BscError('NOT_FOUND', 'That document is not in the library.');
      return readOriginal(paths.documents, document);
    },
    'library.loadSample': () => ({ jobs: library.loadSample() }),
  };
}
