/**
 * Progress reports for long work (imports, backups, restores, store moves): a new stage always
 * goes out, ticks within a stage at most every `everyMs`, with the time left estimated from the
 * pace so far. The one place that throttling and the ETA are computed.
 */
export interface ProgressPace {
  /** Whether this report should be sent, and the estimated time left (null when unknown). */
  tick(stage: string, done: number, total: number): { emit: boolean; etaMs: number | null };
}

export function paceProgress(opts: { everyMs: number; now?: () => number; startedMs?: number }): ProgressPace {
  const now = opts.now ?? Date.now;
  const started = opts.startedMs ?? now();
  let lastEmit = Number.NEGATIVE_INFINITY;
  let lastStage: string | null = null;
  return {
    tick(stage, done, total) {
      const t = now();
      const etaMs = estimateRemainingMs(t - started, done, total);
      const newStage = stage !== lastStage;
      lastStage = stage;
      if (!newStage && t - lastEmit < opts.everyMs) return { emit: false, etaMs };
      lastEmit = t;
      return { emit: true, etaMs };
    },
  };
}

/** Time left at the pace so far; null before the first unit or once done. */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  return done > 0 && total > done ? Math.round((elapsedMs / done) * (total - done)) : null;
}
