import type { BscErrorShape, ErrorCode } from '../../preload/contract';

/** An error that knows its contract code, so it crosses IPC/HTTP as data rather than a bare message. */
export class BscError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'BscError';
  }

  toShape(): BscErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err instanceof BscError && err.code === 'CANCELLED'));
}

/** Throws CANCELLED when the signal has fired; call between steps of long work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
}
