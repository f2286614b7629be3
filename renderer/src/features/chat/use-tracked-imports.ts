import { useCallback, useEffect, useState } from 'react';
import type { ImportJob } from '../../../../preload/contract';
import { api } from '../../lib/api';

const FINISHED = new Set(['done', 'failed', 'cancelled', 'needs-password']);

/** Import jobs started from this view (sample library or picked files), followed to the end through onImportProgress. */
export function useTrackedImports(onAllFinished: () => void) {
  const [jobs, setJobs] = useState<ReadonlyMap<string, ImportJob>>(new Map());

  useEffect(() => api.on('onImportProgress', (job) => {
    setJobs((prev) => (prev.has(job.id) ? new Map(prev).set(job.id, job) : prev));
  }), []);

  const track = useCallback((started: readonly ImportJob[]) => {
    setJobs((prev) => {
      const next = new Map(prev);
      for (const j of started) if (!next.has(j.id) || next.get(j.id)!.updatedAt <= j.updatedAt) next.set(j.id, j);
      return next;
    });
  }, []);

  const all = [...jobs.values()];
  const finished = all.filter((j) => FINISHED.has(j.state)).length;
  const failed = all.filter((j) => j.state === 'failed');
  useEffect(() => { if (all.length > 0 && finished === all.length) onAllFinished(); }, [finished, all.length, onAllFinished]);

  return { track, total: all.length, finished, failed, running: all.length > 0 && finished < all.length };
}
