import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupEntry, MethodOutput, Operation } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { desktopFiles, importSourceFor, pickRestoreFile, saveBackupAs } from '../../lib/files';
import { formatBytes, formatDuration } from '../../lib/format';
import { useSettings } from '../../lib/use-settings';

type Listing = MethodOutput<'backup.list'>;
type Check = { name: string; ok: boolean; detail: string };
type Report = { path: string; ok: boolean; problems: string[]; checks: Check[] };
type Notice = { tone: 'info' | 'error'; text: string };
/** What a restore will read: a file in the list, a path the desktop app resolved, or an upload. */
type RestoreSource = { label: string; input: { path: string } | { uploadId: string } };

const kindOf = (filename: string) => (filename.endsWith('-before-restore.bscbackup') ? 'safety' : filename.endsWith('-auto.bscbackup') ? 'scheduled' : 'manual');

/** A dropped or picked backup: its own path in the desktop app, an upload in browser mode (lib/files.ts). */
async function restoreSourceFor(file: File): Promise<RestoreSource> {
  const source = await importSourceFor(file);
  return { label: file.name, input: 'path' in source ? { path: source.path } : { uploadId: source.uploadId } };
}

export function BackupView() {
  const { t, i18n } = useTranslation('backup');
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const { settings } = useSettings();
  const [includeDocuments, setIncludeDocuments] = useState(true);
  const [includeCache, setIncludeCache] = useState(true);
  const [op, setOp] = useState<Operation | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [confirming, setConfirming] = useState<RestoreSource | null>(null);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const watching = useRef<string | null>(null);
  const date = useCallback((iso: string) => new Date(iso).toLocaleString(i18n.language), [i18n.language]);

  const refresh = useCallback(async () => {
    const r = await api.call('backup.list');
    if (r.ok) { setListing(r.value); setListError(null); } else setListError(r.error.message);
  }, []);

  useEffect(() => {
    void refresh();
    void api.call('settings.get').then((r) => {
      if (!r.ok) return;
      setIncludeDocuments(r.value.backup.includeDocuments);
      setIncludeCache(r.value.backup.includeEmbeddingCache);
    });
    // A backup already running (the schedule, another window) shows its progress here too.
    void api.call('operations.list').then((r) => {
      const running = r.ok ? r.value.operations.find((o) => o.state === 'running' && o.kind === 'backup') : undefined;
      if (running && !watching.current) { watching.current = running.id; setOp(running); }
    });
  }, [refresh]);

  const finish = useCallback((o: Operation) => {
    watching.current = null;
    setOp(null);
    void refresh();
    if (o.state === 'cancelled') return setNotice({ tone: 'info', text: t('done.cancelled') });
    if (o.state === 'failed') return setNotice({ tone: 'error', text: t(`failed.${o.kind === 'verify' ? 'verify' : o.kind === 'restore' ? 'restore' : 'backup'}`, { message: o.error?.message ?? '' }) });
    const result = o.result as Record<string, unknown>;
    if (o.kind === 'backup') setNotice({ tone: 'info', text: t('done.backup', { filename: result.filename as string, size: formatBytes(result.bytes as number) }) });
    if (o.kind === 'verify') setReport(result as unknown as Report);
    if (o.kind === 'restore') {
      const counts = result.counts as { documents: number; conversations: number };
      setNotice({
        tone: 'info',
        text: result.safetyBackup
          ? t('done.restore', { date: date(result.createdAt as string), documents: counts.documents, conversations: counts.conversations })
          : t('done.restoreKept', { date: date(result.createdAt as string), path: result.previousKeptAt as string }),
      });
    }
  }, [date, refresh, t]);

  useEffect(() => api.on('onOperation', (o) => {
    if (o.kind === 'backup' && o.state === 'running' && !watching.current) watching.current = o.id; // scheduled
    if (o.id !== watching.current) {
      if (o.kind === 'backup' && o.state !== 'running') void refresh();
      return;
    }
    if (o.state === 'running') setOp(o);
    else finish(o);
  }), [finish, refresh]);

  const start = async (call: () => Promise<{ ok: true; value: { operation: Operation } } | { ok: false; error: { message: string; code: string } }>, kind: 'backup' | 'verify' | 'restore') => {
    setNotice(null);
    setReport(null);
    const r = await call();
    if (!r.ok) return setNotice({ tone: 'error', text: t(`failed.${kind}`, { message: r.error.message }) });
    watching.current = r.value.operation.id;
    if (r.value.operation.state === 'running') setOp(r.value.operation);
    else finish(r.value.operation);
  };

  const backupNow = () => start(() => api.call('backup.create', { includeDocuments, includeEmbeddingCache: includeCache }), 'backup');
  // Desktop only: the native Save dialog picks where this one backup goes.
  const backupAs = async () => {
    const outPath = await saveBackupAs();
    if (outPath) await start(() => api.call('backup.create', { outPath, includeDocuments, includeEmbeddingCache: includeCache }), 'backup');
  };
  const verify = (b: BackupEntry) => start(() => api.call('backup.verify', { path: b.path }), 'verify');
  const restore = (source: RestoreSource) => {
    setConfirming(null);
    void start(() => api.call('backup.restore', source.input), 'restore');
  };

  // "Restore from file": the native Open dialog in the desktop app, the browser's file input otherwise.
  const pickRestore = async () => {
    if (!desktopFiles()) return picker.current?.click();
    const chosen = await pickRestoreFile();
    if (chosen) setConfirming({ label: chosen.split(/[\\/]/).pop() ?? chosen, input: { path: chosen } });
  };
  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    if (!file.name.toLowerCase().endsWith('.bscbackup')) return setNotice({ tone: 'error', text: t('fromFile.wrongType', { name: file.name }) });
    setNotice({ tone: 'info', text: t('fromFile.uploading', { name: file.name }) });
    try {
      setConfirming(await restoreSourceFor(file));
      setNotice(null);
    } catch (err) {
      setNotice({ tone: 'error', text: t('failed.restore', { message: (err as Error).message }) });
    }
  };

  // Dropping a backup anywhere on the view offers to restore it.
  const depth = useRef(0);
  const dropHandlers = {
    onDragEnter: (e: React.DragEvent) => { if (e.dataTransfer.types.includes('Files')) { depth.current++; setDragging(true); } },
    onDragLeave: () => { depth.current = Math.max(0, depth.current - 1); if (depth.current === 0) setDragging(false); },
    onDragOver: (e: React.DragEvent) => { if (e.dataTransfer.types.includes('Files')) e.preventDefault(); },
    onDrop: (e: React.DragEvent) => { e.preventDefault(); depth.current = 0; setDragging(false); void pickFile(e.dataTransfer.files[0]); },
  };

  const busy = op !== null;
  const last = listing?.lastScheduled ?? null;
  const scheduleOff = settings?.backup.schedule === 'off';

  return (
    <section className="view backup-view" aria-labelledby="backup-title" data-testid="backup-view" {...dropHandlers}>
      {dragging && (
        <div className="drop-overlay" data-testid="backup-drop-overlay"><div className="drop-overlay-box"><strong>{t('fromFile.drop')}</strong></div></div>
      )}
      <header className="view-header"><h1 id="backup-title">{t('title')}</h1></header>
      <p className="muted backup-intro">{t('intro')}</p>

      {listing?.warning && (
        <div role="alert" className="backup-warning" data-testid="backup-warning">
          <strong>{t('warningTitle')}</strong>
          <span>{last && !last.ok ? t('lastRun.failed', { date: date(last.at), error: last.error ?? '' }) : listing.warning}</span>
        </div>
      )}
      <p className="backup-last-run" data-testid="backup-last-run">
        {scheduleOff ? t('lastRun.off') : last ? (last.ok ? t('lastRun.ok', { date: date(last.at) }) : t('lastRun.failed', { date: date(last.at), error: last.error ?? '' })) : t('lastRun.none')}
      </p>

      <div className="backup-now">
        <button type="button" onClick={() => void backupNow()} disabled={busy} data-testid="backup-now">{t('backupNow')}</button>
        {desktopFiles() && <button type="button" className="secondary" onClick={() => void backupAs()} disabled={busy} data-testid="backup-save-as">{t('saveAs')}</button>}
        <label><input type="checkbox" checked={includeDocuments} onChange={(e) => setIncludeDocuments(e.target.checked)} disabled={busy} data-testid="include-documents" /> {t('includeDocuments')}</label>
        <label><input type="checkbox" checked={includeCache} onChange={(e) => setIncludeCache(e.target.checked)} disabled={busy} data-testid="include-cache" /> {t('includeCache')}</label>
      </div>

      {op && (
        <div className="backup-progress" data-testid="backup-progress" data-kind={op.kind} aria-live="polite">
          <div className="backup-progress-line">
            <strong>{t(`running.${op.kind === 'verify' ? 'verify' : op.kind === 'restore' ? 'restore' : 'backup'}`)}</strong>
            <span className="muted">{t(`stage.${op.stage.replace(/ /g, '_')}`, { defaultValue: op.stage })}</span>
            {op.etaMs !== null && <span className="muted">{t('eta', { time: formatDuration(op.etaMs) })}</span>}
            {op.kind !== 'restore' && <button type="button" className="secondary" onClick={() => void api.call('operations.cancel', { operationId: op.id })} data-testid="backup-cancel">{t('cancel')}</button>}
          </div>
          <progress max={op.total || 1} value={op.total ? op.done : 0} />
        </div>
      )}

      {notice && <p role={notice.tone === 'error' ? 'alert' : 'status'} className={notice.tone === 'error' ? 'alert' : 'notice'} data-testid="backup-notice">{notice.text}</p>}

      {confirming && (
        <div className="backup-confirm" role="dialog" aria-labelledby="restore-confirm-title" data-testid="restore-confirm">
          <strong id="restore-confirm-title">{t('confirm.title')}</strong>
          <p>{t('confirm.body', { name: confirming.label })}</p>
          <div className="backup-confirm-buttons">
            <button type="button" className="danger" onClick={() => restore(confirming)} data-testid="restore-confirm-yes">{t('confirm.yes')}</button>
            <button type="button" className="secondary" onClick={() => setConfirming(null)} data-testid="restore-confirm-no">{t('confirm.no')}</button>
          </div>
        </div>
      )}

      {report && (
        <div className={`backup-report ${report.ok ? 'backup-report-ok' : 'backup-report-bad'}`} data-testid="verify-report">
          <div className="backup-report-head">
            <strong>{t('report.title', { filename: report.path.split(/[\\/]/).pop() })}</strong>
            <button type="button" className="secondary" onClick={() => setReport(null)}>{t('report.close')}</button>
          </div>
          <p>{report.ok ? t('report.ok') : t('report.bad')}</p>
          <ul>
            {report.checks.map((c) => (
              <li key={c.name} data-ok={c.ok}><span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{c.name}</strong> — {c.detail}</li>
            ))}
          </ul>
        </div>
      )}

      <h2>{t('list.title')}</h2>
      {listError && <p role="alert" className="alert">{listError}</p>}
      {listing && listing.backups.length === 0 && <p className="muted" data-testid="backups-empty">{t('list.empty', { folder: settings?.backup.folder ?? 'backups' })}</p>}
      {listing && listing.backups.length > 0 && (
        <div className="library-table-wrap">
          <table className="library-table backup-table" data-testid="backups-table">
            <thead>
              <tr><th>{t('list.date')}</th><th>{t('list.kind')}</th><th>{t('list.size')}</th><th>{t('list.contents')}</th><th>{t('list.verification')}</th><th aria-label={t('list.actions')} /></tr>
            </thead>
            <tbody>
              {listing.backups.map((b) => (
                <tr key={b.path} data-testid="backup-row" data-filename={b.filename}>
                  <td><span className="backup-date">{date(b.createdAt)}</span><span className="backup-file muted">{b.filename}</span></td>
                  <td>{t(`list.${kindOf(b.filename)}`)}</td>
                  <td>{formatBytes(b.bytes)}</td>
                  <td>{b.counts ? t('list.counts', { documents: b.counts.documents, conversations: b.counts.conversations }) : '—'}</td>
                  <td><span className={`badge ${b.verification === 'ok' ? 'badge-ok' : b.verification === 'failed' ? 'badge-fail' : 'badge-warn'}`} data-testid="backup-verification">{t(`list.${b.verification}`)}</span></td>
                  <td className="backup-actions">
                    <button type="button" className="secondary" disabled={busy} onClick={() => void verify(b)} data-testid="backup-verify">{t('list.verify')}</button>
                    <button type="button" disabled={busy} onClick={() => setConfirming({ label: b.filename, input: { path: b.path } })} data-testid="backup-restore">{t('list.restore')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('fromFile.title')}</h2>
      <p className="muted">{t('fromFile.hint')}</p>
      <div>
        <button type="button" className="secondary" disabled={busy} onClick={() => void pickRestore()} data-testid="restore-pick">{t('fromFile.pick')}</button>
        <input ref={picker} type="file" accept=".bscbackup" hidden data-testid="restore-file-input" onChange={(e) => { void pickFile(e.target.files?.[0]); e.target.value = ''; }} />
      </div>
    </section>
  );
}
