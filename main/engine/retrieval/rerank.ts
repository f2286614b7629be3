import { BscError, isAbortError } from '../errors';

/**
 * Reorders passages by relevance to a query (Cohere's rerank later; `none` keeps the fused order).
 * Returns indices into `passages`, best first, at most `topN`.
 */
export interface Reranker {
  /** The new order, best first, as indexes into `passages`; at most `topN` of them. */
  rerank(query: string, passages: string[], opts: { topN: number; signal?: AbortSignal; timeoutMs: number }): Promise<number[]>;
}

export const noReranker: Reranker = {
  async rerank(_query, passages, { topN }) {
    return passages.slice(0, topN).map((_, i) => i);
  },
};

function checkOrder(order: unknown, n: number): number[] {
  if (!Array.isArray(order) || order.some((i) => !Number.isInteger(i) || i < 0 || i >= n) || new Set(order).size !== order.length) {
    throw new Error('the reranker returned an invalid order');
  }
  return order as number[];
}

/**
 * Reranks hits, never failing the search: on an error, a bad answer or a timeout it keeps the
 * fused order and says why in a note. Only the caller's own cancellation is rethrown.
 * Hits the reranker left out follow in fused order, up to topN.
 */
export async function applyRerank<T extends { text: string }>(
  reranker: Reranker,
  query: string,
  hits: T[],
  opts: { timeoutMs: number; topN?: number; signal?: AbortSignal },
): Promise<{ hits: T[]; reranked: boolean; notes: string[] }> {
  const topN = Math.min(opts.topN ?? hits.length, hits.length);
  if (hits.length === 0 || reranker === noReranker) return { hits: hits.slice(0, topN), reranked: false, notes: [] };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onCallerAbort: () => void = () => undefined;
  // Racing these means a reranker that ignores its signal still loses to the timeout or the caller.
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${opts.timeoutMs} ms`));
      controller.abort(new Error('rerank timeout'));
    }, opts.timeoutMs);
    onCallerAbort = () => {
      reject(new BscError('CANCELLED', 'Cancelled.'));
      controller.abort(opts.signal?.reason);
    };
    if (opts.signal?.aborted) onCallerAbort();
    else opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    const work = reranker.rerank(query, hits.map((h) => h.text), { topN, signal: controller.signal, timeoutMs: opts.timeoutMs });
    const order = checkOrder(await Promise.race([work, stopped]), hits.length);
    const chosen = new Set(order);
    const rest = hits.map((_, i) => i).filter((i) => !chosen.has(i));
    return { hits: [...order, ...rest].slice(0, topN).map((i) => hits[i]!), reranked: true, notes: [] };
  } catch (err) {
    if (opts.signal?.aborted) throw isAbortError(err) ? err : new BscError('CANCELLED', 'Cancelled.');
    const why = err instanceof Error ? err.message : String(err);
    return { hits: hits.slice(0, topN), reranked: false, notes: [`rerank failed: ${why}; kept the fused order`] };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}
