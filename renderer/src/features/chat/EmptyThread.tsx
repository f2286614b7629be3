import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '../../../../preload/contract';
import { api } from '../../lib/api';

type Props = {
  /** Indexed documents, null while unknown. */
  libraryCount: number | null;
  onLibraryChanged: () => void;
  onAsk: (question: string) => void;
  disabled: boolean;
};

/** A new conversation: what the assistant does, the sample library when there is nothing to ask, and example questions. */
export function EmptyThread({ libraryCount, onLibraryChanged, onAsk, disabled }: Props) {
  const { t } = useTranslation('chat');
  const [jobs, setJobs] = useState<ReadonlyMap<string, ImportJob>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => api.on('onImportProgress', (job) => {
    setJobs((prev) => (prev.has(job.id) ? new Map(prev).set(job.id, job) : prev));
  }), []);

  const all = [...jobs.values()];
  const finished = all.filter((j) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled').length;
  const loading = busy || (all.length > 0 && finished < all.length);

  useEffect(() => { if (all.length > 0 && finished === all.length) onLibraryChanged(); }, [finished, all.length, onLibraryChanged]);

  const loadSample = async () => {
    setBusy(true);
    setError(null);
    const r = await api.call('library.loadSample');
    setBusy(false);
    if (!r.ok) { setError(`${r.error.code}: ${r.error.message}`); return; }
    setJobs((prev) => {
      const next = new Map(prev);
      for (const j of r.value.jobs) if (!next.has(j.id) || next.get(j.id)!.updatedAt <= j.updatedAt) next.set(j.id, j);
      return next;
    });
  };

  const examples = [t('empty.example1'), t('empty.example2'), t('empty.example3')];
  const empty = libraryCount === 0;

  return (
    <div className="chat-empty" data-testid="chat-empty">
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.body')}</p>
      {(empty || loading) && (
        <div className="chat-sample" data-testid="sample-offer">
          <p>{t('empty.noLibrary')}</p>
          <button type="button" onClick={() => void loadSample()} disabled={loading} data-testid="chat-load-sample">{t('empty.loadSample')}</button>
          {loading && all.length > 0 && (
            <p role="status" className="muted" data-testid="sample-progress">
              {t('empty.loadingSample', { done: finished, total: all.length })}
              <progress max={all.length} value={finished} aria-hidden="true" />
            </p>
          )}
          {error && <p role="alert" className="alert">{error}</p>}
        </div>
      )}
      {!empty && !loading && all.length > 0 && libraryCount !== null && (
        <p role="status" className="notice" data-testid="sample-ready">{t('empty.sampleReady', { count: libraryCount })}</p>
      )}
      <div className="chat-examples">
        <p className="muted">{t('empty.examples')}</p>
        <ul>
          {examples.map((q) => (
            <li key={q}>
              <button type="button" className="example-question" disabled={disabled || loading} onClick={() => onAsk(q)} data-testid="example-question">{q}</button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
