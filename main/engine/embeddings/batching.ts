import { BscError } from '../errors';

/** A request's slice of the input: texts[start, end). */
export interface BatchRange {
  start: number;
  end: number;
}

/**
 * A cheap, deliberately high token estimate (about 3 UTF-16 units per token, Portuguese runs
 * denser than English), so a request planned under the budget stays under the provider's limit.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 1;
}

/** Splits texts into consecutive requests of at most `maxBatch` texts and about `maxTokens` tokens each. */
export function planBatches(texts: readonly string[], maxBatch: number, maxTokens: number): BatchRange[] {
  const batches: BatchRange[] = [];
  let start = 0;
  let tokens = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = estimateTokens(texts[i] ?? '');
    const full = i - start >= maxBatch || (i > start && tokens + t > maxTokens);
    if (full) {
      batches.push({ start, end: i });
      start = i;
      tokens = 0;
    }
    tokens += t;
  }
  if (start < texts.length) batches.push({ start, end: texts.length });
  return batches;
}

/**
 * Runs `task(0..count-1)` with at most `limit` in flight. On the first failure the others are
 * told to stop (through the signal handed to each task) and that first failure is thrown, not
 * the cancellations it caused.
 */
export async function runLimited(
  count: number,
  limit: number,
  task: (index: number, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  let next = 0;
  let firstError: unknown = null;
  const worker = async () => {
    while (!stop.signal.aborted && next < count) {
      const index = next++;
      try {
        await task(index, stop.signal);
      } catch (err) {
        if (firstError === null) firstError = err;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
  if (firstError !== null) throw firstError;
}
