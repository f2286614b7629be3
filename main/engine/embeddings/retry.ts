import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { BscError } from '../errors';

export interface RetryPolicy {
  /** Total tries, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is raised instead. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** What one failed request means for the caller: try again (after how long), or give up with this error. */
export type FailureVerdict =
  | { retry: true; afterMs: number | null; finalError: BscError }
  | { retry: false; error: BscError };

export interface FailureContext {
  provider: string;
  model: string;
  /** Scrubbed from every message: a provider may echo the key it was given. */
  apiKey: string | undefined;
}

/** Removes the API key, and anything shaped like an OpenAI key, from text that may reach logs or the UI. */
export function scrubSecrets(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('***');
  return out.replace(/\b(sk-[A-Za-z0-9_-]{0,8})[A-Za-z0-9_*-]{8,}/g, '$1***');
}

export function classifyProviderFailure(err: unknown, ctx: FailureContext, signal?: AbortSignal): FailureVerdict {
  const details = { provider: ctx.provider, model: ctx.model };
  if (signal?.aborted || err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return { retry: false, error: new BscError('CANCELLED', 'Cancelled.') };
  }
  if (err instanceof BscError) return { retry: false, error: err };
  if (err instanceof APIConnectionTimeoutError || err instanceof APIConnectionError) {
    const what = err instanceof APIConnectionTimeoutError ? 'did not answer in time' : 'could not be reached';
    return {
      retry: true,
      afterMs: null,
      finalError: new BscError('PROVIDER_UNAVAILABLE', `The embedding provider (${ctx.provider}) ${what}.`, details),
    };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const said = scrubSecrets(err.message, ctx.apiKey);
    const withStatus = { ...details, status };
    if (status === 401 || status === 403) {
      return {
        retry: false,
        error: new BscError('PROVIDER_AUTH', `The embedding provider (${ctx.provider}) refused the API key (${status}). Check the key in Settings.`, withStatus),
      };
    }
    if (status === 429) {
      const rateLimited = new BscError('PROVIDER_RATE_LIMITED', `The embedding provider (${ctx.provider}) is rate-limiting requests: ${said}`, withStatus);
      // OpenAI answers 429 for an exhausted quota too; waiting does not fix that.
      if ((err as APIError).code === 'insufficient_quota') return { retry: false, error: rateLimited };
      return { retry: true, afterMs: retryAfterMs(err.headers), finalError: rateLimited };
    }
    if (status >= 500 || status === 408 || status === 409) {
      return {
        retry: true,
        afterMs: retryAfterMs(err.headers),
        finalError: new BscError('PROVIDER_UNAVAILABLE', `The embedding provider (${ctx.provider}) failed (${status}): ${said}`, withStatus),
      };
    }
    return {
      retry: false,
      error: new BscError('BAD_INPUT', `The embedding provider (${ctx.provider}) rejected the request (${status}): ${said}`, withStatus),
    };
  }
  // Not a provider failure (a bug of ours, say): let it surface as it is.
  return { retry: false, error: err instanceof Error ? toBare(err, ctx.apiKey) : new BscError('INTERNAL', String(err)) };
}

function toBare(err: Error, apiKey: string | undefined): BscError {
  return new BscError('INTERNAL', scrubSecrets(err.message, apiKey));
}

/** Reads `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return null;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with jitter in [50%, 100%] of the step, so parallel batches do not retry in lockstep. */
export function backoffDelayMs(retryNo: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNo);
  return Math.round(step * (0.5 + random() * 0.5));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BscError('CANCELLED', 'Cancelled.'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BscError('CANCELLED', 'Cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs one provider request, retrying what `classifyProviderFailure` calls transient. */
export async function requestWithRetries<T>(
  attempt: () => Promise<T>,
  ctx: FailureContext,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let tryNo = 1; ; tryNo++) {
    try {
      return await attempt();
    } catch (err) {
      const verdict = classifyProviderFailure(err, ctx, signal);
      if (!verdict.retry) throw verdict.error;
      if (tryNo >= policy.maxAttempts) throw withAttempts(verdict.finalError, tryNo);
      const wait = verdict.afterMs ?? backoffDelayMs(tryNo - 1, policy);
      if (wait > policy.maxRetryAfterMs) throw withAttempts(verdict.finalError, tryNo);
      await sleep(wait, signal);
    }
  }
}

function withAttempts(err: BscError, attempts: number): BscError {
  const details = typeof err.details === 'object' && err.details !== null ? err.details : {};
  return new BscError(err.code, err.message, { ...details, attempts });
}
