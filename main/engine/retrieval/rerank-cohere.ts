import { CohereClientV2, CohereError, CohereTimeoutError } from 'cohere-ai';
import { BscError } from '../errors';
import { backoffDelayMs, defaultRetryPolicy, retryAfterMs, scrubSecrets, sleep, type RetryPolicy } from '../embeddings/retry';

// TODO(lead): the Reranker port belongs in retrieval/rerank.ts (another helper is writing it with
// exactly this shape); once it lands, import it from there and delete this copy.
export interface Reranker {
  /** The new order, best first, as indexes into `passages`; at most `topN` of them. */
  rerank(query: string, passages: string[], opts: { topN: number; signal?: AbortSignal; timeoutMs: number }): Promise<number[]>;
}

/**
 * rerank-v3.5 is Cohere's current multilingual reranker (100+ languages, Portuguese included) and
 * supersedes rerank-multilingual-v3.0 at the same price; the SDK's examples already name
 * rerank-v4.0-pro, which the user can pick in settings once it suits their account.
 */
export const defaultCohereRerankModel = 'rerank-v3.5';
export const cohereDefaultBaseUrl = 'https://api.cohere.com';

export interface CohereRerankOptions {
  apiKey: string | undefined;
  /** Null: Cohere's own API. */
  baseUrl: string | null;
  model?: string;
  retry?: Partial<RetryPolicy>;
}

export function createCohereReranker(o: CohereRerankOptions): Reranker {
  if (!o.apiKey) throw new BscError('PROVIDER_AUTH', 'No Cohere API key is set. Add one in Settings, or turn reranking off.');
  const apiKey = o.apiKey;
  const model = o.model ?? defaultCohereRerankModel;
  const baseUrl = o.baseUrl ?? cohereDefaultBaseUrl;
  const policy: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: 3, ...o.retry };
  const client = new CohereClientV2({ token: apiKey, baseUrl, maxRetries: 0 });
  const details = { provider: 'cohere', model };

  return {
    async rerank(query, passages, opts) {
      if (opts.signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
      if (passages.length === 0 || opts.topN < 1) return [];
      const topN = Math.min(opts.topN, passages.length);

      // One budget for all tries: the answer pipeline is waiting on this.
      const budget = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        budget.abort();
      }, opts.timeoutMs);
      const onAbort = () => budget.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const stopped = (): BscError | null =>
        opts.signal?.aborted
          ? new BscError('CANCELLED', 'Cancelled.')
          : timedOut
            ? new BscError('PROVIDER_UNAVAILABLE', `Cohere did not rerank within ${opts.timeoutMs} ms.`, { ...details, timeoutMs: opts.timeoutMs })
            : null;

      try {
        for (let tryNo = 1; ; tryNo++) {
          let failure: { retry: boolean; afterMs: number | null; error: BscError };
          try {
            const res = await client.rerank(
              { model, query, documents: passages, topN },
              { abortSignal: budget.signal, maxRetries: 0, timeoutInSeconds: Math.ceil(opts.timeoutMs / 1000) + 1 },
            );
            return orderFrom(res.results, passages.length, topN, details);
          } catch (err) {
            const why = stopped();
            if (why) throw why;
            failure = classifyCohereFailure(err, apiKey, baseUrl, details);
          }
          if (!failure.retry || tryNo >= policy.maxAttempts) throw failure.error;
          const wait = failure.afterMs ?? backoffDelayMs(tryNo - 1, policy);
          if (wait > policy.maxRetryAfterMs) throw failure.error;
          try {
            await sleep(wait, budget.signal);
          } catch {
            throw stopped() ?? failure.error;
          }
        }
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

function orderFrom(results: { index: number; relevanceScore: number }[], count: number, topN: number, details: object): number[] {
  const seen = new Set<number>();
  const sorted = [...results].sort((a, b) => b.relevanceScore - a.relevanceScore);
  for (const r of sorted) {
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= count || seen.has(r.index)) {
      throw new BscError('PROVIDER_UNAVAILABLE', 'Cohere returned a malformed ranking.', details);
    }
    seen.add(r.index);
  }
  return sorted.slice(0, topN).map((r) => r.index);
}

function classifyCohereFailure(
  err: unknown,
  apiKey: string,
  baseUrl: string,
  details: object,
): { retry: boolean; afterMs: number | null; error: BscError } {
  if (err instanceof CohereTimeoutError) {
    return { retry: false, afterMs: null, error: new BscError('PROVIDER_UNAVAILABLE', 'Cohere did not answer in time.', details) };
  }
  if (err instanceof CohereError && err.statusCode !== undefined) {
    const status = err.statusCode;
    const said = scrubSecrets(bodyMessage(err.body) ?? `status ${status}`, apiKey);
    const withStatus = { ...details, status };
    const headers = err.rawResponse?.headers;
    if (status === 401 || status === 403 || status === 498) {
      return { retry: false, afterMs: null, error: new BscError('PROVIDER_AUTH', `Cohere rejected the API key (${status}). Check the key in Settings.`, withStatus) };
    }
    if (status === 429) {
      return { retry: true, afterMs: retryAfterMs(headers), error: new BscError('PROVIDER_RATE_LIMITED', `Cohere is rate-limiting requests: ${said}`, withStatus) };
    }
    if (status >= 500) {
      return { retry: true, afterMs: retryAfterMs(headers), error: new BscError('PROVIDER_UNAVAILABLE', `Cohere failed (${status}): ${said}`, withStatus) };
    }
    return { retry: false, afterMs: null, error: new BscError('BAD_INPUT', `Cohere rejected the rerank request (${status}): ${said}`, withStatus) };
  }
  // No status: the request never got an answer (refused connection, reset, DNS).
  return {
    retry: true,
    afterMs: null,
    error: new BscError('PROVIDER_UNAVAILABLE', `Cannot reach Cohere at ${baseUrl}. Check the address and your connection.`, details),
  };
}

function bodyMessage(body: unknown): string | null {
  const m = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m !== '' ? m : null;
}
