import { useTranslation } from 'react-i18next';
import type { BackupEntry, Operation } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes, formatDuration } from '../../lib/format';
import type { Listing, Report } from './use-backup-operations';

const kindOf = (filename: string) => (filename.endsWith('-before-restore.bscbackup') ? 'safety' : filename.endsWith('-auto.bscbackup') ? 'scheduled' : 'manual');

/** The running operation: its stage, ETA, a cancel button (a restore cannot be cancelled) and a bar. */
export function OperationProgress({ op }: { op: Operation }) {
  const { t } = useTranslation('backup');
  return (
    <div className="backup-progress" data-testid="backup-progress" data-kind={op.kind} aria-live="polite">
      <div className="backup-progress-line">
        <strong>{t(`running.${op.kind === 'verify' ? 'verify' : op.kind === 'restore' ? 'restore' : 'backup'}`)}</strong>
        <span className="muted">{t(`stage.${op.stage.replace(/ /g, '_')}`, { defaultValue: op.stage })}</span>
        {op.etaMs !== null && <span className="muted">{t('eta', { time: formatDuration(op.etaMs) })}</span>}
        {op.kind !== 'restore' && <button type="button" className="secondary" onClick={() => void api.call('operations.cancel', { operationId: op.id })} data-testid="backup-cancel">{t('cancel')}</button>}
      </div>
      <progress max={op.total || 1} value={op.total ? op.done : 0} />
    </div>
  );
}

export function RestoreConfirm({ label, onYes, onNo }: { label: string; onYes(): void; onNo(): void }) {
  const { t } = useTranslation('backup');
  return (
    <div className="backup-confirm" role="dialog" aria-labelledby="restore-confirm-title" data-testid="restore-confirm">
      <strong id="restore-confirm-title">{t('confirm.title')}</strong>
      <p>{t('confirm.body', { name: label })}</p>
      <div className="backup-confirm-buttons">
        <button type="button" className="danger" onClick={onYes} data-testid="restore-confirm-yes">{t('confirm.yes')}</button>
        <button type="button" className="secondary" onClick={onNo} data-testid="restore-confirm-no">{t('confirm.no')}</button>
      </div>
    </div>
  );
}

/** What verification found, check by check. */
export function VerifyReport({ report, onClose }: { report: Report; onClose(): void }) {
  const { t } = useTranslation('backup');
  return (
    <div className={`backup-report ${report.ok ? 'backup-report-ok' : 'backup-report-bad'}`} data-testid="verify-report">
      <div className="backup-report-head">
        <strong>{t('report.title', { filename: report.path.split(/[\\/]/).pop() })}</strong>
        <button type="button" className="secondary" onClick={onClose}>{t('report.close')}</button>
      </div>
      <p>{report.ok ? t('report.ok') : t('report.bad')}</p>
      <ul>
        {report.checks.map((c) => (
          <li key={c.name} data-ok={c.ok}><span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{c.name}</strong> — {c.detail}</li>
        ))}
      </ul>
    </div>
  );
}

/** The schedule's warning (overdue, last run failed) and the last run line. */
export function ScheduleState({ listing, scheduleOff, date }: { listing: Listing | null; scheduleOff: boolean; date(iso: string): string }) {
  const { t } = useTranslation('backup');
  const last = listing?.lastScheduled ?? null;
  return (
    <>
      {listing?.warning && (
        <div role="alert" className="backup-warning" data-testid="backup-warning">
          <strong>{t('warningTitle')}</strong>
          <span>{last && !last.ok ? t('lastRun.failed', { date: date(last.at), error: last.error ?? '' }) : listing.warning}</span>
        </div>
      )}
      <p className="backup-last-run" data-testid="backup-last-run">
        {scheduleOff ? t('lastRun.off') : last ? (last.ok ? t('lastRun.ok', { date: date(last.at) }) : t('lastRun.failed', { date: date(last.at), error: last.error ?? '' })) : t('lastRun.none')}
      </p>
    </>
  );
}

/** The backups in the folder, newest first, each with verify and restore. */
export function BackupTable({ backups, busy, date, onVerify, onRestore }: {
  backups: BackupEntry[]; busy: boolean; date(iso: string): string; onVerify(b: BackupEntry): void; onRestore(b: BackupEntry): void;
}) {
  const { t } = useTranslation('backup');
  return (
    <div className="library-table-wrap">
      <table className="library-table backup-table" data-testid="backups-table">
        <thead>
          <tr><th>{t('list.date')}</th><th>{t('list.kind')}</th><th>{t('list.size')}</th><th>{t('list.contents')}</th><th>{t('list.verification')}</th><th aria-label={t('list.actions')} /></tr>
        </thead>
        <tbody>
          {backups.map((b) => (
            <tr key={b.path} data-testid="backup-row" data-filename={b.filename}>
              <td><span className="backup-date">{date(b.createdAt)}</span><span className="backup-file muted">{b.filename}</span></td>
              <td>{t(`list.${kindOf(b.filename)}`)}</td>
              <td>{formatBytes(b.bytes)}</td>
              <td>{b.counts ? t('list.counts', { documents: b.counts.documents, conversations: b.counts.conversations }) : '—'}</td>
              <td><span className={`badge ${b.verification === 'ok' ? 'badge-ok' : b.verification === 'failed' ? 'badge-fail' : 'badge-warn'}`} data-testid="backup-verification">{t(`list.${b.verification}`)}</span></td>
              <td className="backup-actions">
                <button type="button" className="secondary" disabled={busy} onClick={() => onVerify(b)} data-testid="backup-verify">{t('list.verify')}</button>
                <button type="button" disabled={busy} onClick={() => onRestore(b)} data-testid="backup-restore">{t('list.restore')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
