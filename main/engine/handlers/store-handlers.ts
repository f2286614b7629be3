import type { MethodHandlers } from '../dispatch';
import type { EngineServices } from '../services';

type StoreMethods = Extract<keyof MethodHandlers, `store.${string}`>;

export function storeHandlers({ stores, operations, settings }: Pick<EngineServices, 'stores' | 'operations' | 'settings'>): Pick<MethodHandlers, StoreMethods> {
  return {
    'store.status': () => stores.status(),
    'store.move': ({ mode }) => ({
      operation: operations.runner().start('move-store', (ctx) => stores.rebuildInto(mode, ctx), { exclusiveWith: ['rebuild-index', 'restore'] }),
    }),
    'store.rebuild': () => ({
      operation: operations.runner().start('rebuild-index', (ctx) => stores.rebuildInto(settings.current().vectorStore.mode, ctx), { exclusiveWith: ['move-store', 'restore'] }),
    }),
    'store.control': ({ action }) => stores.control(action),
  };
}
