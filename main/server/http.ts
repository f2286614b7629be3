// The HTTP host of the browser mode and headless deployments, on Hono (a maintained router small
// enough to read, web-standard Request/Response, and @hono/node-server hands us Node's own
// request and response where we stream). Each concern is a middleware or a route of its own:
// observe → host → origin → launch token → login → API limit, then the routes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type BscEnv, exchangeLaunchToken, guardHost, guardOrigin, limitApi, observe, requireLogin } from './middleware';
import { errorResponse } from './replies';
import { apiRoutes } from './routes-api';
import { authRoutes } from './routes-auth';
import { healthRoutes } from './routes-health';
import { broadcastEngineEvents, streamRoutes } from './routes-stream';
import { type ServerOptions, type ServerState, createServerState } from './server-state';

export { healthOf } from './routes-health';
export type { ServerAuthOptions, ServerOptions, ServerTimeouts } from './server-state';

function buildApp(state: ServerState): Hono<BscEnv> {
  const app = new Hono<BscEnv>();
  for (const step of [observe, guardHost, guardOrigin, exchangeLaunchToken, requireLogin, limitApi]) app.use('*', step(state));
  authRoutes(app, state);
  apiRoutes(app, state);
  streamRoutes(app, state);
  healthRoutes(app, state);
  app.notFound((c) => errorResponse(404, 'NOT_FOUND', `Nothing at ${new URL(c.req.url).pathname.slice(0, 200)}.`));
  app.onError((err, c) => {
    state.opts.log.error('request failed', { path: new URL(c.req.url).pathname, error: err });
    return errorResponse(500, 'INTERNAL', 'The server failed to handle this request.');
  });
  return app;
}

export function createBscServer(opts: ServerOptions): http.Server {
  // The port is known only once listening (port 0 in tests): looked up per request.
  const serverRef: { current?: http.Server } = {};
  const boundPort = () => (serverRef.current?.address() as AddressInfo | null)?.port ?? opts.port;
  const state = createServerState(opts, boundPort);
  broadcastEngineEvents(state);
  const app = buildApp(state);
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  // Checked every second so the header timeout is enforced promptly (Node's default looks every 30 s).
  const server = http.createServer({ connectionsCheckingInterval: 1000, headersTimeout: state.timeouts.headersMs, requestTimeout: 0 }, listener);
  // Bodies have their own deadlines (API, login) or idle timeout (uploads); event streams stay open.
  server.keepAliveTimeout = 10_000;
  server.maxConnections = opts.maxConnections ?? 1024;
  server.on('close', () => { for (const r of state.sseClients) r.end(); });
  serverRef.current = server;
  return server;
}

export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
