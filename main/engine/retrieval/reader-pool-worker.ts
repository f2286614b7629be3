// A reader thread of the search pool (reader-pool.ts): its own read-only connection to the library
// over SQLite's WAL, running retrieve() on the embedded store. The question's vector comes from the
// engine thread (which owns the embedding provider and its cache).
import { statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createEmbeddedStore } from '../vectorstore/embedded';
import { retrieve } from './retrieve';
import type { ReaderRequest, ReaderReply } from './reader-pool';

let open: { file: string; inode: number; db: Database.Database } | null = null;

/** The connection for `file`, reopened when the file was replaced (a restore renames a new one in). */
function connection(file: string): Database.Database {
  const inode = statSync(file).ino;
  if (open && open.file === file && open.inode === inode) return open.db;
  open?.db.close();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  open = { file, inode, db };
  return db;
}

async function answer(req: ReaderRequest): Promise<ReaderReply> {
  try {
    const db = connection(req.dbFile);
    const store = createEmbeddedStore(db, { dimensions: req.vector?.length ?? 0 });
    const { vector, embedError } = req;
    // The same outcomes as embedding here: the vector, the provider's failure, or no provider.
    const embed = req.hasEmbedder
      ? async () => {
          if (vector) return [vector];
          throw new Error(embedError ?? 'the question was not embedded');
        }
      : null;
    const result = await retrieve({ db, store, embed, libraryLangs: req.libraryLangs }, req.query);
    return { id: req.id, ok: true, result };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; details?: unknown };
    return { id: req.id, ok: false, error: { code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: String(e.message ?? err), details: e.details } };
  }
}

parentPort?.on('message', (req: ReaderRequest | { type: 'close' }) => {
  if ('type' in req) {
    open?.db.close();
    open = null;
    parentPort?.close();
    return;
  }
  void answer(req).then((reply) => parentPort?.postMessage(reply));
});
