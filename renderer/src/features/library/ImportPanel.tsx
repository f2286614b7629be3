import { type FormEvent, memo, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BscErrorShape, ImportJob } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatDuration } from '../../lib/format';
import { countJobs, isActive, orderJobsForDisplay, wantsPassword } from './jobs';

const summaryOrder = ['needs-password', 'running', 'queued', 'done', 'failed', 'cancelled'] as const;
const ROWS_SHOWN = 100; // a folder of thousands of files lists its first hundred; the summary counts the rest

type Props = {
  jobs: ReadonlyMap<string, ImportJob>;
  onJobs: (jobs: ImportJob[]) => void;
  onClearFinished: () => void;
};

export const ImportPanel = memo(function ImportPanel({ jobs, onJobs, onClearFinished }: Props) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const ordered = useMemo(() => orderJobsForDisplay(jobs.values()), [jobs]);
  const counts = useMemo(() => countJobs(jobs.values()), [jobs]);
  if (jobs.size === 0) return null;
  const active = counts.queued + counts.running + counts['needs-password'];
  const finished = jobs.size - active;
  const shown = ordered.slice(0, ROWS_SHOWN);

  const cancel = async (jobId?: string) => {
    const r = await api.call('library.cancelImport', jobId ? { jobId } : {});
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
  };

  return (
    <section className="import-panel" aria-labelledby="import-title" data-testid="import-panel">
      <header className="import-header">
        <h2 id="import-title">{t('library.jobs.title')}</h2>
        <span className="muted import-summary" data-testid="import-summary">
          {summaryOrder.filter((s) => counts[s] > 0).map((s) => t(`library.jobs.count.${s}`, { count: counts[s] })).join(' · ')}
        </span>
        <span className="import-header-actions">
          {active > 0 && <button type="button" className="secondary" onClick={() => void cancel()} data-testid="cancel-all">{t('library.jobs.cancelAll')}</button>}
          {finished > 0 && <button type="button" className="secondary" onClick={onClearFinished}>{t('library.jobs.clearFinished')}</button>}
        </span>
      </header>
      {error && <p role="alert" className="alert">{error}</p>}
      <ul className="import-jobs">
        {shown.map((job) => <JobRow key={job.id} job={job} onCancel={cancel} onJobs={onJobs} />)}
      </ul>
      {ordered.length > shown.length && <p className="muted">{t('library.jobs.more', { count: ordered.length - shown.length })}</p>}
    </section>
  );
});

function useErrorText() {
  const { t, i18n } = useTranslation();
  return (error: BscErrorShape): { text: string; detail: string | null } => {
    const key = `library.errors.${error.code}`;
    if (!i18n.exists(key)) return { text: error.message, detail: null };
    return { text: t(key), detail: error.message };
  };
}

const JobRow = memo(function JobRow({ job, onCancel, onJobs }: { job: ImportJob; onCancel: (id: string) => Promise<void>; onJobs: (jobs: ImportJob[]) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const progressId = useId();
  const running = job.state === 'running';
  const knowsPages = job.pages > 0;
  const err = job.error ? errorText(job.error) : null;
  return (
    <li className={`import-job job-${job.state}`} data-testid="import-job" data-filename={job.filename} data-state={job.state}>
      <div className="job-line">
        <span className="job-name" title={job.filename}>{job.filename}</span>
        <span className={`badge job-badge job-badge-${job.state}`}>{t(`library.states.${job.state}`)}</span>
        {isActive(job) && (
          <button type="button" className="secondary small" onClick={() => void onCancel(job.id)} aria-label={t('library.jobs.cancelName', { name: job.filename })}>
            {t('library.jobs.cancel')}
          </button>
        )}
      </div>
      {running && (
        <div className="job-progress">
          <progress
            id={progressId}
            aria-label={t('library.jobs.progressLabel', { name: job.filename })}
            {...(knowsPages ? { max: job.pages, value: Math.min(job.page, job.pages) } : {})}
          />
          <span className="job-detail" data-testid="job-detail">
            {t(`library.stages.${job.stage}`)}
            {knowsPages && <> · {t('library.jobs.pageOf', { page: job.page, pages: job.pages })}</>}
            {job.chunks > 0 && <> · {t('library.jobs.chunks', { count: job.chunks })}</>}
            {job.etaMs !== null && job.etaMs > 0 && <> · {t('library.jobs.eta', { time: formatDuration(job.etaMs) })}</>}
          </span>
        </div>
      )}
      {job.state === 'queued' && <p className="job-detail">{t('library.jobs.waiting')}</p>}
      {job.state === 'done' && (
        <p className="job-detail job-ok" data-testid="job-result">
          {job.note ?? t('library.jobs.indexed', { count: job.pages })}
          {job.note === null && job.chunks > 0 && <> · {t('library.jobs.chunks', { count: job.chunks })}</>}
        </p>
      )}
      {job.state === 'cancelled' && <p className="job-detail muted">{t('library.jobs.cancelled')}</p>}
      {job.state === 'failed' && err && !wantsPassword(job) && (
        <p className="job-detail job-error" data-testid="job-result">
          {err.text}
          {err.detail && err.detail !== err.text && <span className="job-error-detail">{t('library.jobs.details', { detail: err.detail })}</span>}
        </p>
      )}
      {job.note && job.state !== 'done' && <p className="job-detail muted">{job.note}</p>}
      {wantsPassword(job) && <PasswordForm job={job} onJobs={onJobs} />}
    </li>
  );
});

function PasswordForm({ job, onJobs }: { job: ImportJob; onJobs: (jobs: ImportJob[]) => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [replyError, setReplyError] = useState<BscErrorShape | null>(null);
  const wrong = replyError?.code === 'WRONG_PASSWORD' || job.error?.code === 'WRONG_PASSWORD';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return;
    setBusy(true);
    const r = await api.call('library.providePassword', { jobId: job.id, password });
    setBusy(false);
    if (r.ok) {
      setReplyError(null);
      setPassword('');
      onJobs([r.value.job]);
    } else setReplyError(r.error);
  };
  return (
    <form className="password-form" onSubmit={(e) => void submit(e)} data-testid="password-form">
      <p className="job-detail">{t('library.jobs.passwordPrompt')}</p>
      <label htmlFor={inputId} className="password-label">{t('library.jobs.passwordLabel', { name: job.filename })}</label>
      <div className="password-row">
        <input
          id={inputId}
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={wrong || undefined}
          data-testid="password-input"
        />
        <button type="submit" disabled={busy || !password} data-testid="password-submit">{t('library.jobs.unlock')}</button>
      </div>
      {wrong && <p role="alert" className="job-error">{t('library.errors.WRONG_PASSWORD')}</p>}
      {replyError && !wrong && <p role="alert" className="job-error">{replyError.message}</p>}
    </form>
  );
}
