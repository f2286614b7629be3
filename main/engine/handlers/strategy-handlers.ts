import type { MethodHandlers } from '../dispatch';
import type { StrategyService } from '../strategy/strategy-service';

type StrategyMethods = Extract<keyof MethodHandlers, `strategy.${string}`>;

/** Binds the strategy-map methods of the contract to the strategy service. */
export function strategyHandlers(strategy: () => StrategyService): Pick<MethodHandlers, StrategyMethods> {
  return {
    'strategy.list': () => ({ engagements: strategy().list() }),
    'strategy.get': ({ engagementId }) => strategy().get(engagementId),
    'strategy.create': (input) => strategy().create(input),
    'strategy.save': ({ engagement }) => strategy().save(engagement),
    'strategy.rename': ({ engagementId, name }) => strategy().rename(engagementId, name),
    'strategy.duplicate': ({ engagementId, name }) => strategy().duplicate(engagementId, name),
    'strategy.delete': ({ engagementId }) => ({ deleted: strategy().delete(engagementId) }),
    'strategy.suggest': (input) => strategy().suggest(input),
    'strategy.export': async ({ engagementId, format, paper }) => {
      const file = await strategy().export(engagementId, format, paper);
      return { filename: file.filename, mime: file.mime, base64: Buffer.from(file.bytes).toString('base64') };
    },
    'strategy.import': ({ json }) => strategy().import(json),
  };
}
