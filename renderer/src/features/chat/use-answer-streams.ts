// The app-wide record of answers being written. It lives outside the view so an answer keeps
// streaming (and is shown again) when the user visits the Library and comes back.
import { useSyncExternalStore } from 'react';
import { api } from '../../lib/api';
import { type AnswerStreamStore, createAnswerStreamStore } from './answer-stream';

/** One redraw per frame; hidden windows get no frames, so fall back to a timer there. */
function nextFrame(flush: () => void): void {
  if (typeof document !== 'undefined' && document.hidden) setTimeout(flush, 200);
  else requestAnimationFrame(flush);
}

let store: AnswerStreamStore | null = null;

export function answerStreams(): AnswerStreamStore {
  if (!store) {
    const created = createAnswerStreamStore(nextFrame);
    api.on('onAnswer', (e) => created.push(e));
    // An engine that stops mid-answer sends no more events about it: end those answers here, or
    // their Stop buttons would wait forever. The engine keeps their placeholders as partial.
    api.on('onEngineState', (e) => {
      if (e.state !== 'crashed' && e.state !== 'restarting') return;
      for (const s of created.getSnapshot().values()) {
        if (s.phase !== 'running') continue;
        created.push({ type: 'error', answerId: s.answerId, conversationId: s.conversationId, partial: null, error: { code: 'ENGINE_UNAVAILABLE', message: e.reason ?? 'The engine stopped while writing this answer.' } });
      }
    });
    store = created;
  }
  return store;
}

export function useAnswerStreams() {
  const s = answerStreams();
  return useSyncExternalStore(s.subscribe, s.getSnapshot);
}
