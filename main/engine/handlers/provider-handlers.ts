import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { notBuiltYet } from './not-built';

type ProviderMethods = Extract<keyof MethodHandlers, `secrets.${string}` | `providers.${string}` | `embeddings.${string}`>;

export function providerHandlers(_engine: Engine): Pick<MethodHandlers, ProviderMethods> {
  return {
    'secrets.status': () => notBuiltYet('secrets.status'),
    'secrets.set': () => notBuiltYet('secrets.set'),
    'providers.test': () => notBuiltYet('providers.test'),
    'embeddings.stats': () => notBuiltYet('embeddings.stats'),
  };
}
