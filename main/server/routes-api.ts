// POST /api/<method>: the contract's methods over HTTP. Input is validated with the contract's
// zod schemas and the server's path policy before anything reaches the engine.
import type { Hono } from 'hono';
import { isMethodName } from '../../preload/contract';
import { parseInput } from '../engine/dispatch';
import { type BscEnv, refuseRate } from './middleware';
import { errorResponse, readBody, replyResponse, unreadableBody } from './replies';
import type { ServerState } from './server-state';

function methodNameOf(raw: string): string {
  try { return decodeURIComponent(raw); } catch { return ''; }
}

/** chat.ask is limited per client address and per session, on top of the general API limit. */
function chatLimit(state: ServerState, ip: string, sessionId: string | undefined): Response | null {
  const byClient = state.chatByClient.take(ip);
  if (!byClient.ok) return refuseRate(state, 'chat per client', byClient.retryAfterSeconds);
  if (state.auth.required && sessionId) {
    const bySession = state.chatBySession.take(sessionId);
    if (!bySession.ok) return refuseRate(state, 'chat per session', bySession.retryAfterSeconds);
  }
  return null;
}

export function apiRoutes(app: Hono<BscEnv>, state: ServerState): void {
  app.all('/api/:name{.+}', async (c) => {
    if (c.req.method !== 'POST') return errorResponse(405, 'BAD_INPUT', 'Use POST for API methods.', { Allow: 'POST' });
    const name = methodNameOf(c.req.param('name'));
    if (!isMethodName(name)) return errorResponse(404, 'UNKNOWN_METHOD', `Unknown method "${name.slice(0, 100)}".`);
    const { incoming, outgoing } = c.env;
    let raw: unknown;
    try {
      const text = await readBody(incoming, state.maxBody, state.timeouts.bodyMs);
      try { raw = text.trim() === '' ? undefined : JSON.parse(text); } catch { return errorResponse(400, 'BAD_INPUT', 'The request body is not valid JSON.'); }
    } catch (err) {
      return unreadableBody(err, outgoing, state.maxBody);
    }
    // Validate at the door: bad input never reaches the engine.
    const checked = parseInput(name, raw);
    if (!checked.ok) return replyResponse(checked);
    if (name === 'chat.ask') {
      const refused = chatLimit(state, c.get('client').ip, c.get('sessionId'));
      if (refused) return refused;
    }
    // Paths on the server: only under the folders the operator listed (issue 13.2).
    const placed = await state.pathPolicy.check(name, checked.value);
    if (!placed.ok) return replyResponse(placed);
    const abort = new AbortController();
    outgoing.once('close', () => { if (!outgoing.writableFinished) abort.abort(); });
    return replyResponse(await state.opts.engine.callRaw(name, placed.input === checked.value ? raw : placed.input, abort.signal));
  });
}
