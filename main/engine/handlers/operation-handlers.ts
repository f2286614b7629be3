import type { MethodHandlers } from '../dispatch';
import type { EngineServices } from '../services';

type OperationMethods = Extract<keyof MethodHandlers, `operations.${string}`>;

export function operationHandlers({ operations }: Pick<EngineServices, 'operations'>): Pick<MethodHandlers, OperationMethods> {
  return {
    'operations.list': () => ({ operations: operations.runner().list() }),
    'operations.cancel': ({ operationId }) => ({ cancelled: operations.runner().cancel(operationId) }),
  };
}
