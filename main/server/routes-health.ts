// GET /health (status only without a login; details with one or the metrics token), GET /metrics,
// and the built renderer's static files.
import fs from 'node:fs';
import type { Hono } from 'hono';
import type { Status } from '../../preload/contract';
import type { EngineHost } from '../engine/host';
import { CONTENT_SECURITY_POLICY } from '../engine/security';
import { type BscEnv, isMetricsScraper } from './middleware';
import { errorResponse, jsonResponse } from './replies';
import type { ServerState } from './server-state';
import { resolveStaticFile } from './static-files';

/** Health for load balancers and people: 200 when engine, database and store are fine, else 503. */
export async function healthOf(engine: EngineHost): Promise<{ status: number; body: unknown }> {
  const reply = await engine.call('status');
  if (!reply.ok) {
    return { status: 503, body: { healthy: false, engine: { ok: false, detail: reply.error.message }, restarts: engine.restartCount } };
  }
  const s: Status = reply.value;
  return {
    status: s.healthy ? 200 : 503,
    body: {
      healthy: s.healthy,
      engine: s.engine,
      database: { ok: s.database.ok, detail: s.database.detail, schemaVersion: s.database.schemaVersion },
      vectorStore: s.vectorStore,
      providers: s.providers,
      version: s.versions.app,
    },
  };
}

/** Whether this request may see the details (pid, version, providers): logged in, launch cookie, or scraper. */
function maySeeDetails(state: ServerState, headers: Record<string, string | string[] | undefined>, sessionId: string | undefined): boolean {
  if (!state.loginRequired) return true;
  if (isMetricsScraper(state, headers.authorization as string | undefined)) return true;
  return state.launch ? state.launch.admits(headers as { cookie?: string; authorization?: string }) : state.sessions.isAlive(sessionId);
}

export function healthRoutes(app: Hono<BscEnv>, state: ServerState): void {
  app.on(['GET', 'HEAD'], '/health', async (c) => {
    const h = await healthOf(state.opts.engine);
    if (maySeeDetails(state, c.env.incoming.headers, c.get('sessionId'))) return jsonResponse(h.status, h.body);
    // Without a login: the status only, never pid, version or provider setup.
    return jsonResponse(h.status, { healthy: h.status === 200 });
  });

  app.get('/metrics', async () => {
    const engineText = await state.opts.engine.call('metrics.prometheus');
    const serverText = await state.metrics.registry.metrics();
    const enginePart = engineText.ok ? engineText.value.text : `# engine metrics unavailable: ${engineText.error.code}\n`;
    const body = `${enginePart.trimEnd()}\n\n# HELP bsc_engine_up Whether the engine answered the metrics call.\n# TYPE bsc_engine_up gauge\nbsc_engine_up ${engineText.ok ? 1 : 0}\n\n${serverText}`;
    return new Response(body, { status: 200, headers: { 'Content-Type': state.metrics.registry.contentType, 'Cache-Control': 'no-store' } });
  });

  app.on(['GET', 'HEAD'], '*', (c) => {
    const pathname = new URL(c.req.url).pathname;
    const found = state.opts.rendererDir ? resolveStaticFile(state.opts.rendererDir, pathname) : null;
    if (!found) return errorResponse(404, 'NOT_FOUND', `Nothing at ${pathname.slice(0, 200)}.`);
    const isHtml = found.type.startsWith('text/html');
    const headers = { 'Content-Type': found.type, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable' };
    return new Response(c.req.method === 'HEAD' ? null : fs.readFileSync(found.file), { status: 200, headers });
  });
}
