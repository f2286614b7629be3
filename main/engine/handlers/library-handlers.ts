import fs from 'node:fs';
import path from 'node:path';
import { ORIGINAL_MAX_MB } from '../../../preload/contract';
import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { BscError } from '../errors';
import { walkImportable } from '../ingest/import-queue';
import { originalPath } from '../ingest/index-document';

/** The primer's documents, without the folder's README (it describes the files; it is not BSC content). */
export function sampleLibraryFiles(dir: string): string[] {
  return walkImportable(dir).filter((p) => path.basename(p).toLowerCase() !== 'readme.md');
}

/** A document's stored original as base64, for the renderer's page viewer; bounded, since it travels in one reply. */
export function readOriginal(documentsDir: string, doc: { filename: string; mime: string; sha256: string }, maxBytes = ORIGINAL_MAX_MB * 1024 * 1024) {
  const file = originalPath(documentsDir, doc.sha256, doc.filename);
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw new BscError('NOT_FOUND', `The stored original of "${doc.filename}" is missing; import the file again.`);
  if (size > maxBytes) throw new BscError('TOO_LARGE', `"${doc.filename}" is ${Math.ceil(size / 1048576)} MB; the viewer opens originals up to ${Math.round(maxBytes / 1048576)} MB. Open it from the library folder instead.`);
  return { filename: doc.filename, mime: doc.mime, bytes: fs.readFileSync(file).toString('base64'), size };
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
    'library.original': ({ documentId }) => {
      const document = engine.lib().repo.get(documentId);
      if (!document) throw new BscError('NOT_FOUND', 'That document is not in the library.');
      return readOriginal(engine.paths.documents, document);
    },
    'library.loadSample': () => ({ jobs: engine.importFiles(sampleLibraryFiles(engine.sampleLibraryDir()).map((p) => ({ path: p }))) }),
  };
}
