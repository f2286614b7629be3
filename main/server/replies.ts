// Responses and request bodies for the HTTP routes: JSON replies in the contract's shape, and
// bodies read with a size limit and a deadline (a slow body must not hold a socket forever).
import type http from 'node:http';
import type { Reply } from '../../preload/contract';
import { httpStatusFor } from './http-status';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { ok: false, error: { code, message } }, headers);
}

export function replyResponse(reply: Reply<unknown>): Response {
  return jsonResponse(reply.ok ? 200 : httpStatusFor(reply.error.code), reply);
}

export class BodyTooLarge extends Error {}
export class BodyTooSlow extends Error {}

/** The whole body as text, refused past `limit` bytes or when it has not all arrived within `deadlineMs`. */
export function readBody(req: http.IncomingMessage, limit: number, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.removeAllListeners('data');
      reject(new BodyTooSlow());
    }, deadlineMs);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        clearTimeout(timer);
        // Keep reading into nothing so the client gets our 413 rather than a reset connection.
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

/** After this response the connection closes: used when a body was refused half-read. */
export function closeAfterResponse(res: http.ServerResponse): void {
  res.shouldKeepAlive = false;
  res.setHeader('Connection', 'close');
}

/** The 408/413/400 answer for a body that could not be read. */
export function unreadableBody(err: unknown, res: http.ServerResponse, limit: number): Response {
  closeAfterResponse(res);
  if (err instanceof BodyTooLarge) return errorResponse(413, 'PAYLOAD_TOO_LARGE', `Request body over ${limit} bytes.`);
  if (err instanceof BodyTooSlow) {
    // The client is still trickling bytes: stop listening once our answer is out.
    res.once('finish', () => res.socket?.destroy());
    return errorResponse(408, 'BAD_INPUT', 'The request body took too long to arrive.');
  }
  return errorResponse(400, 'BAD_INPUT', 'The request body could not be read.');
}
