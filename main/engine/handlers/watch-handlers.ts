import type { MethodHandlers } from '../dispatch';
import type { EngineServices } from '../services';
import { importRootsFromEnv } from '../watch/folder-files';
import { type WatchService, createWatchService } from '../watch/watch-service';

type WatchMethods = Extract<keyof MethodHandlers, `watch.${string}`>;

const services = new WeakMap<object, WatchService>();

/**
 * The watch service over the root's services, built once per engine: the app's or server's
 * engine watches (and starts again after a restore reopens the database); a CLI run beside it
 * only registers folders and scans on request.
 */
export function watchServiceOf(s: Pick<EngineServices, 'database' | 'library' | 'events' | 'log' | 'lifecycle'>): WatchService {
  const known = services.get(s);
  if (known) return known;
  const watch = createWatchService({
    db: () => s.database.get(),
    enqueueImport: (file, filename) => s.library.open().queue.enqueue([{ path: file }], { filename })[0],
    deleteDocument: (documentId) => s.library.deleteDocument(documentId),
    onImportJob: (listener) => s.events.onEvent((e) => { if (e.name === 'onImportProgress') listener(e.payload); }),
    emit: (folder) => s.events.send({ name: 'onWatchStatus', payload: folder }),
    log: s.log,
    importRoots: () => importRootsFromEnv(),
    active: s.lifecycle.primary,
  });
  services.set(s, watch);
  if (s.lifecycle.primary) {
    const start = () => void watch.start().catch((err: unknown) => s.log.warn('watched folders not started', { error: err }));
    s.database.onOpen(start);
    s.database.beforeClose(() => watch.stop());
    s.lifecycle.onClose(() => void watch.stop());
    if (s.database.ifOpen()) start();
  }
  return watch;
}

export function watchHandlers(watch: WatchService): Pick<MethodHandlers, WatchMethods> {
  return {
    'watch.add': async ({ path, onDelete }) => ({ folder: await watch.add(path, onDelete) }),
    'watch.list': () => ({ folders: watch.list() }),
    'watch.remove': async ({ folderId }) => ({ removed: await watch.remove(folderId) }),
  };
}
