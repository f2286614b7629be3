import type { EngineEvent } from '../../../preload/contract';
import type { Logger } from './log';

/** Where every engine event goes: the host's channel, plus in-process observers (metrics, schedulers, caches). */
export interface EventBus {
  send(event: EngineEvent): void;
  /** Observe every event without touching the code that sends it; returns the unsubscribe. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

export function createEventBus(emit: (event: EngineEvent) => void, log: Logger): EventBus {
  const listeners = new Set<(event: EngineEvent) => void>();
  return {
    send(event) {
      emit(event);
      for (const l of listeners) {
        try { l(event); } catch (err) { log.error('event listener failed', { error: err }); }
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
