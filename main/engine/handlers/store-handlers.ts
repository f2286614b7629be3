import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';

type StoreMethods = Extract<keyof MethodHandlers, `store.${string}`>;

export function storeHandlers(engine: Engine): Pick<MethodHandlers, StoreMethods> {
  return {
    'store.status': () => engine.stores().status(),
    'store.move': ({ mode }) => ({
      operation: engine.operations().start('move-store', (ctx) => engine.stores().rebuildInto(mode, ctx), { exclusiveWith: ['rebuild-index', 'restore'] }),
    }),
    'store.rebuild': () => ({
      operation: engine.operations().start('rebuild-index', (ctx) => engine.stores().rebuildInto(engine.currentSettings().vectorStore.mode, ctx), { exclusiveWith: ['move-store', 'restore'] }),
    }),
    'store.control': ({ action }) => engine.stores().control(action),
  };
}
