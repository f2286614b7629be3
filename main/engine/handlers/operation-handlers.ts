import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';

type OperationMethods = Extract<keyof MethodHandlers, `operations.${string}`>;

export function operationHandlers(engine: Engine): Pick<MethodHandlers, OperationMethods> {
  return {
    'operations.list': () => ({ operations: engine.operations().list() }),
    'operations.cancel': ({ operationId }) => ({ cancelled: engine.operations().cancel(operationId) }),
  };
}
