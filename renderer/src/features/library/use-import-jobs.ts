// Import jobs, live: the engine's list once, then onImportProgress events. A 300-page import sends
// an event per page per file, so events are buffered and applied at most once per animation frame:
// React renders the panel a few dozen times a second at most, whatever the event rate.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ImportJob } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { mergeJobs, newlyFinished } from './jobs';

export function useImportJobs(onFinished: () => void) {
  const [jobs, setJobs] = useState<ReadonlyMap<string, ImportJob>>(new Map());
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const pending = useRef(new Map<string, ImportJob>());
  const frame = useRef<number | null>(null);
  const onFinishedRef = useRef(onFinished);
  onFinishedRef.current = onFinished;

  const current = useRef<ReadonlyMap<string, ImportJob>>(jobs);

  const apply = useCallback((incoming: Iterable<ImportJob>) => {
    const before = current.current;
    const next = mergeJobs(before, incoming);
    current.current = next;
    setJobs(next);
    if (newlyFinished(before, next).length > 0) onFinishedRef.current();
  }, []);

  const flush = useCallback(() => {
    frame.current = null;
    const batch = [...pending.current.values()];
    pending.current.clear();
    if (batch.length > 0) apply(batch);
  }, [apply]);

  useEffect(() => {
    let live = true;
    void api.call('library.jobs').then((r) => { if (live && r.ok) apply(r.value.jobs); });
    const off = api.on('onImportProgress', (job) => {
      const known = pending.current.get(job.id);
      if (!known || known.updatedAt <= job.updatedAt) pending.current.set(job.id, job);
      frame.current ??= requestAnimationFrame(flush);
    });
    return () => {
      live = false;
      off();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [apply, flush]);

  /** Jobs the user cleared from the panel stay in the engine's recent list; hide them here. */
  const clearFinished = useCallback(() => {
    setHidden((prev) => {
      const next = new Set(prev);
      for (const [id, j] of jobs) if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') next.add(id);
      return next;
    });
  }, [jobs]);

  const visible = useMemo(() => new Map([...jobs].filter(([id]) => !hidden.has(id))), [jobs, hidden]);
  return { jobs: visible, apply, clearFinished };
}
