import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { notBuiltYet } from './not-built';

type StoreMethods = Extract<keyof MethodHandlers, `store.${string}`>;

export function storeHandlers(_engine: Engine): Pick<MethodHandlers, StoreMethods> {
  return {
    'store.status': () => notBuiltYet('store.status'),
    'store.move': () => notBuiltYet('store.move'),
    'store.rebuild': () => notBuiltYet('store.rebuild'),
    'store.control': () => notBuiltYet('store.control'),
  };
}
