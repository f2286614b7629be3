import { Engine, type EngineOptions, engineHandlers } from './engine';
import type { MethodHandlers } from './dispatch';

export { dispatchCall } from './dispatch';

/** Builds the engine and its contract handlers; shared by the engine process and the CLI. */
export function engineHandlersFor(opts: EngineOptions): { engine: Engine; handlers: MethodHandlers } {
  const engine = new Engine(opts);
  return { engine, handlers: engineHandlers(engine) };
}
