import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAISdk from 'openai';
import { BscError } from '../errors';
import { backoffDelayMs, defaultRetryPolicy, retryAfterMs, scrubSecrets, sleep, type RetryPolicy } from '../embeddings/retry';
import type { ChatChunk, ChatProvider } from './chat-model';

export interface ChatFailureContext {
  provider: ChatProvider;
  model: string;
  baseUrl: string;
  /** Scrubbed from every message: a provider may echo the key it was given. */
  apiKey: string | undefined;
}

export interface StreamLimits {
  policy: RetryPolicy;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
}

/** One HTTP request's events, as chunks. `done` only when the provider said the answer is complete. */
export type OpenAttempt = (signal: AbortSignal) => AsyncIterable<ChatChunk>;

type Verdict = { retry: true; afterMs: number | null; finalError: BscError } | { retry: false; error: BscError };

export function providerLabel(ctx: Pick<ChatFailureContext, 'provider' | 'baseUrl'>): string {
  if (ctx.provider === 'anthropic') return 'Anthropic';
  if (ctx.provider === 'openai') return 'OpenAI';
  return `The server at ${ctx.baseUrl}`;
}

/**
 * What a failed chat request means: retry (after how long) or give up with this error. Works on
 * both SDKs' errors. `classifyProviderFailure` in embeddings/retry.ts knows only OpenAI's classes
 * and speaks of "the embedding provider", hence this sibling; the backoff pieces are shared.
 */
export function classifyChatFailure(err: unknown, ctx: ChatFailureContext): Verdict {
  const label = providerLabel(ctx);
  const details = { provider: ctx.provider, model: ctx.model };
  if (err instanceof BscError) return { retry: false, error: err };
  if (err instanceof AnthropicSdk.APIConnectionError || err instanceof OpenAISdk.APIConnectionError) {
    const timedOut = err instanceof AnthropicSdk.APIConnectionTimeoutError || err instanceof OpenAISdk.APIConnectionTimeoutError;
    return {
      retry: true,
      afterMs: null,
      finalError: new BscError(
        'PROVIDER_UNAVAILABLE',
        timedOut ? `${label} did not answer in time (${ctx.baseUrl}).` : `Cannot reach ${ctx.baseUrl}. Check the address and your connection.`,
        details,
      ),
    };
  }
  if (err instanceof AnthropicSdk.APIError || err instanceof OpenAISdk.APIError) {
    const said = scrubSecrets(apiMessage(err), ctx.apiKey);
    const status = err.status;
    if (status === undefined) {
      // An error event inside a stream (Anthropic's overloaded_error, OpenAI's server_error).
      return {
        retry: true,
        afterMs: null,
        finalError: new BscError('PROVIDER_UNAVAILABLE', `${label} failed while answering: ${said}`, details),
      };
    }
    const withStatus = { ...details, status };
    if (status === 401 || status === 403) {
      return {
        retry: false,
        error: new BscError('PROVIDER_AUTH', `${label} rejected the API key (${status}). Check the key in Settings.`, withStatus),
      };
    }
    if (status === 429) {
      const error = new BscError('PROVIDER_RATE_LIMITED', `${label} is rate-limiting requests: ${said}`, withStatus);
      // OpenAI answers 429 for an exhausted quota too; waiting does not fix that.
      if ((err as { code?: unknown }).code === 'insufficient_quota') return { retry: false, error };
      return { retry: true, afterMs: retryAfterMs(err.headers), finalError: error };
    }
    if (status >= 500 || status === 408 || status === 409) {
      return {
        retry: true,
        afterMs: retryAfterMs(err.headers),
        finalError: new BscError('PROVIDER_UNAVAILABLE', `${label} failed (${status}): ${said}`, withStatus),
      };
    }
    if (status === 404) {
      return { retry: false, error: new BscError('BAD_INPUT', `${label} does not know the model "${ctx.model}" (404): ${said}`, withStatus) };
    }
    return { retry: false, error: new BscError('BAD_INPUT', `${label} rejected the request (${status}): ${said}`, withStatus) };
  }
  if (isDroppedConnection(err)) {
    return {
      retry: true,
      afterMs: null,
      finalError: new BscError('PROVIDER_UNAVAILABLE', `${label} closed the connection before the answer was complete.`, details),
    };
  }
  // Not a provider failure (a bug of ours, say): surface it, scrubbed.
  const message = err instanceof Error ? err.message : String(err);
  return { retry: false, error: new BscError('INTERNAL', scrubSecrets(message, ctx.apiKey)) };
}

function apiMessage(err: AnthropicSdk.APIError | OpenAISdk.APIError): string {
  const fromBody = (err.error as { error?: { message?: unknown }; message?: unknown } | undefined) ?? undefined;
  const m = fromBody?.error?.message ?? fromBody?.message;
  return typeof m === 'string' && m !== '' ? m : err.message;
}

/** undici's "terminated" (socket closed mid-body) and resets: the request may be retried when nothing was shown yet. */
function isDroppedConnection(err: unknown): boolean {
  if (err instanceof IncompleteAnswer) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code;
  return err.message === 'terminated' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/** The stream ended without the provider's end marker. */
class IncompleteAnswer extends Error {
  constructor() {
    super('the stream ended before the answer was complete');
  }
}

/**
 * Streams an answer through `open`, retrying only while no text has been shown: a failure after the
 * first token ends the stream with "The model stopped mid-answer…", never a silent restart that
 * would show the user the same words twice. Applies the first-token and total timeouts and the
 * caller's signal to the HTTP request itself, so giving up closes the connection.
 */
export async function* streamWithRetries(
  open: OpenAttempt,
  ctx: ChatFailureContext,
  limits: StreamLimits,
  signal: AbortSignal | undefined,
): AsyncGenerator<ChatChunk> {
  if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
  const label = providerLabel(ctx);
  const details = { provider: ctx.provider, model: ctx.model };
  const whole = new AbortController();
  let totalTimedOut = false;
  const totalTimer = setTimeout(() => {
    totalTimedOut = true;
    whole.abort();
  }, limits.totalTimeoutMs);
  const onCallerAbort = () => whole.abort();
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  const abortReason = (firstTokenTimedOut: boolean) => whyAborted({ signal, label, details, limits, totalTimedOut, firstTokenTimedOut });

  try {
    for (let tryNo = 1; ; tryNo++) {
      const attempt = new AbortController();
      const onWholeAbort = () => attempt.abort();
      whole.signal.addEventListener('abort', onWholeAbort, { once: true });
      let firstTokenTimedOut = false;
      const firstTokenTimer = setTimeout(() => {
        firstTokenTimedOut = true;
        attempt.abort();
      }, limits.firstTokenTimeoutMs);
      let started = false;
      const heldBack: ChatChunk[] = [];
      let verdict: Verdict;
      try {
        let complete = false;
        for await (const chunk of open(attempt.signal)) {
          if (chunk.type === 'done') complete = true;
          if (!started && chunk.type !== 'text') {
            heldBack.push(chunk); // usage before any text: only worth showing if this try succeeds
            continue;
          }
          if (!started) {
            started = true;
            clearTimeout(firstTokenTimer);
            yield* heldBack;
          }
          yield chunk;
        }
        // The SDKs end iteration quietly when their request is aborted: find out why.
        const aborted = abortReason(firstTokenTimedOut);
        if (aborted) throw aborted;
        if (!complete) throw new IncompleteAnswer();
        if (!started) yield* heldBack; // a complete answer with no text at all
        return;
      } catch (err) {
        const aborted = abortReason(firstTokenTimedOut);
        if (aborted) throw aborted;
        if (started) {
          const why = classifyChatFailure(err, ctx);
          const cause = why.retry ? why.finalError.message : why.error.message;
          throw new BscError('PROVIDER_UNAVAILABLE', `The model stopped mid-answer (${label}, ${ctx.model}): ${cause} The answer is incomplete; ask again.`, {
            ...details,
            midAnswer: true,
          });
        }
        verdict = classifyChatFailure(err, ctx);
      } finally {
        clearTimeout(firstTokenTimer);
        whole.signal.removeEventListener('abort', onWholeAbort);
        attempt.abort(); // closes the connection if the consumer stopped reading early
      }
      if (!verdict.retry) throw verdict.error;
      const giveUp = withAttempts(verdict.finalError, tryNo);
      if (tryNo >= limits.policy.maxAttempts) throw giveUp;
      const wait = verdict.afterMs ?? backoffDelayMs(tryNo - 1, limits.policy);
      if (wait > limits.policy.maxRetryAfterMs) throw giveUp;
      try {
        await sleep(wait, whole.signal);
      } catch {
        throw abortReason(false) ?? giveUp;
      }
    }
  } finally {
    clearTimeout(totalTimer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Why the request was aborted, when it was: the caller, the total timeout, or the first-token timeout. */
function whyAborted(a: {
  signal: AbortSignal | undefined; label: string; details: Record<string, unknown>; limits: StreamLimits; totalTimedOut: boolean; firstTokenTimedOut: boolean;
}): BscError | null {
  if (a.signal?.aborted) return new BscError('CANCELLED', 'Cancelled.');
  if (a.totalTimedOut) {
    return new BscError('PROVIDER_UNAVAILABLE', `${a.label} did not finish answering within ${seconds(a.limits.totalTimeoutMs)}.`, { ...a.details, timeoutMs: a.limits.totalTimeoutMs });
  }
  if (a.firstTokenTimedOut) {
    return new BscError('PROVIDER_UNAVAILABLE', `${a.label} did not start answering within ${seconds(a.limits.firstTokenTimeoutMs)}.`, { ...a.details, timeoutMs: a.limits.firstTokenTimeoutMs });
  }
  return null;
}

function withAttempts(err: BscError, attempts: number): BscError {
  const details = typeof err.details === 'object' && err.details !== null ? err.details : {};
  return new BscError(err.code, err.message, { ...details, attempts });
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Knobs that are not per-call options: the settings give them, tests shorten them. */
export interface ChatTuning {
  retry?: Partial<RetryPolicy>;
  /** Default first-token timeout (the settings' `timeoutMs`). */
  firstTokenTimeoutMs?: number;
  /** Default time allowed for a whole answer. */
  totalTimeoutMs?: number;
}

export const defaultChatLimits = { firstTokenTimeoutMs: 60_000, totalTimeoutMs: 10 * 60_000 };

/** The limits for one call: the call's options over the model's tuning over the defaults. */
export function limitsFor(
  tuning: ChatTuning | undefined,
  opts: { timeoutMs?: number; firstTokenTimeoutMs?: number; maxAttempts?: number },
): StreamLimits {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...tuning?.retry };
  if (opts.maxAttempts !== undefined) policy.maxAttempts = Math.max(1, opts.maxAttempts);
  const totalTimeoutMs = opts.timeoutMs ?? tuning?.totalTimeoutMs ?? defaultChatLimits.totalTimeoutMs;
  const firstTokenTimeoutMs = Math.min(totalTimeoutMs, opts.firstTokenTimeoutMs ?? tuning?.firstTokenTimeoutMs ?? defaultChatLimits.firstTokenTimeoutMs);
  return { policy, firstTokenTimeoutMs, totalTimeoutMs };
}
