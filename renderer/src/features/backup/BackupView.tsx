import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupEntry } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { desktopFiles, saveBackupAs } from '../../lib/files';
import { useSettings } from '../../lib/use-settings';
import { BackupTable, OperationProgress, RestoreConfirm, ScheduleState, VerifyReport } from './BackupPanels';
import { useBackupOperations } from './use-backup-operations';
import { type RestoreSource, useRestorePicking } from './use-restore-picking';

export function BackupView() {
  const { t } = useTranslation('backup');
  const { settings } = useSettings();
  const { listing, listError, op, notice, setNotice, report, setReport, start, date } = useBackupOperations();
  const { confirming, setConfirming, dragging, picker, pickFile, pickRestore, dropHandlers } = useRestorePicking(setNotice);
  const [includeDocuments, setIncludeDocuments] = useState(true);
  const [includeCache, setIncludeCache] = useState(true);

  useEffect(() => {
    void api.call('settings.get').then((r) => {
      if (!r.ok) return;
      setIncludeDocuments(r.value.backup.includeDocuments);
      setIncludeCache(r.value.backup.includeEmbeddingCache);
    });
  }, []);

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

  const busy = op !== null;
  return (
    <section className="view backup-view" aria-labelledby="backup-title" data-testid="backup-view" {...dropHandlers}>
      {dragging && (
        <div className="drop-overlay" data-testid="backup-drop-overlay"><div className="drop-overlay-box"><strong>{t('fromFile.drop')}</strong></div></div>
      )}
      <header className="view-header"><h1 id="backup-title">{t('title')}</h1></header>
      <p className="muted backup-intro">{t('intro')}</p>
      <ScheduleState listing={listing} scheduleOff={settings?.backup.schedule === 'off'} date={date} />

      <div className="backup-now">
        <button type="button" onClick={() => void backupNow()} disabled={busy} data-testid="backup-now">{t('backupNow')}</button>
        {desktopFiles() && <button type="button" className="secondary" onClick={() => void backupAs()} disabled={busy} data-testid="backup-save-as">{t('saveAs')}</button>}
        <label><input type="checkbox" checked={includeDocuments} onChange={(e) => setIncludeDocuments(e.target.checked)} disabled={busy} data-testid="include-documents" /> {t('includeDocuments')}</label>
        <label><input type="checkbox" checked={includeCache} onChange={(e) => setIncludeCache(e.target.checked)} disabled={busy} data-testid="include-cache" /> {t('includeCache')}</label>
      </div>

      {op && <OperationProgress op={op} />}
      {notice && <p role={notice.tone === 'error' ? 'alert' : 'status'} className={notice.tone === 'error' ? 'alert' : 'notice'} data-testid="backup-notice">{notice.text}</p>}
      {confirming && <RestoreConfirm label={confirming.label} onYes={() => restore(confirming)} onNo={() => setConfirming(null)} />}
      {report && <VerifyReport report={report} onClose={() => setReport(null)} />}

      <h2>{t('list.title')}</h2>
      {listError && <p role="alert" className="alert">{listError}</p>}
      {listing && listing.backups.length === 0 && <p className="muted" data-testid="backups-empty">{t('list.empty', { folder: settings?.backup.folder ?? 'backups' })}</p>}
      {listing && listing.backups.length > 0 && (
        <BackupTable backups={listing.backups} busy={busy} date={date} onVerify={(b) => void verify(b)} onRestore={(b) => setConfirming({ label: b.filename, input: { path: b.path } })} />
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
