// The two streaming routes: GET /events (server-sent events from the engine) and POST /upload
// (a browser file streamed to the engine's incoming folder). Both write to Node's response directly.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import type { EngineEvent } from '../../preload/contract';
import { type BscEnv, isMetricsScraper } from './middleware';
import { closeAfterResponse, errorResponse, jsonResponse } from './replies';
import { MAX_SSE_CLIENTS, type ServerState } from './server-state';

/** Fans engine events out to every open stream. */
export function broadcastEngineEvents(state: ServerState): void {
  state.opts.engine.onEvent((event: EngineEvent) => {
    const frame = `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    for (const res of state.sseClients) res.write(frame);
  });
}

function openEventStream(state: ServerState, incoming: http.IncomingMessage, res: http.ServerResponse, sessionId: string | undefined): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': connected\n\n');
  state.sseClients.add(res);
  state.metrics.sseClients(state.sseClients.size);
  const ping = setInterval(() => {
    // A stream whose session expired or was logged out ends; the browser then asks again and gets 401.
    // An open stream is not activity: it must not keep an idle session alive.
    if (state.auth.required && !state.sessions.isAlive(sessionId) && !isMetricsScraper(state, incoming.headers.authorization)) return res.end();
    if (state.launch && !state.launch.admits(incoming.headers)) return res.end();
    res.write(': ping\n\n');
  }, 15_000);
  incoming.socket.setTimeout(0);
  res.once('close', () => { clearInterval(ping); state.sseClients.delete(res); state.metrics.sseClients(state.sseClients.size); });
}

/** Streams the body to incoming/<id>, cut when over the limit or idle too long; the id goes into library.import. */
async function receiveUpload(state: ServerState, req: http.IncomingMessage, res: http.ServerResponse): Promise<Response> {
  const limit = state.opts.maxUploadBytes ?? 2 * 1024 * 1024 * 1024;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    closeAfterResponse(res);
    return errorResponse(413, 'PAYLOAD_TOO_LARGE', `Files over ${Math.round(limit / 1048576)} MB cannot be uploaded.`);
  }
  fs.mkdirSync(state.opts.incomingDir, { recursive: true, mode: 0o700 });
  const uploadId = randomUUID();
  const target = path.join(state.opts.incomingDir, uploadId);
  let received = 0;
  const idle = setTimeout(() => req.destroy(new Error('upload idle')), state.timeouts.uploadIdleMs);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      idle.refresh();
      cb(received > limit ? new Error('too large') : null, chunk);
    },
  });
  try {
    await pipeline(req, counter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch {
    fs.rmSync(target, { force: true });
    closeAfterResponse(res);
    return errorResponse(received > limit ? 413 : 400, received > limit ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT', 'The upload did not complete.');
  } finally {
    clearTimeout(idle);
  }
  return jsonResponse(200, { ok: true, value: { uploadId, bytes: received } });
}

export function streamRoutes(app: Hono<BscEnv>, state: ServerState): void {
  app.get('/events', (c) => {
    if (state.sseClients.size >= MAX_SSE_CLIENTS) return errorResponse(503, 'ENGINE_UNAVAILABLE', 'Too many open event streams.');
    openEventStream(state, c.env.incoming, c.env.outgoing, c.get('sessionId'));
    return RESPONSE_ALREADY_SENT;
  });
  app.post('/upload', (c) => receiveUpload(state, c.env.incoming, c.env.outgoing));
}
