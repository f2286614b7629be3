import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob, LibraryDocument, SearchHit } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { DocumentsTable } from './DocumentsTable';
import { DocumentViewer } from './DocumentViewer';
import { ImportPanel } from './ImportPanel';
import { importFiles } from './import-files';
import { importAccept } from './jobs';
import { SearchPanel } from './SearchPanel';
import { useFileDrop } from './use-file-drop';
import { useImportJobs } from './use-import-jobs';
import { WatchedFolders } from './WatchedFolders';

type Route = { kind: 'list' } | { kind: 'viewer'; documentId: string; pageNo: number | null; lastPage: number | null; chunkId: number | null; query: string };
type Notice = { tone: 'info' | 'error'; text: string };

export function LibraryView() {
  const { t } = useTranslation();
  const [documents, setDocuments] = useState<LibraryDocument[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>({ kind: 'list' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [sampleBusy, setSampleBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  // One list request at a time; changes during it are covered by one more request afterwards.
  const asked = useRef(0);
  const busy = useRef(false);
  const refresh = useCallback(async () => {
    asked.current++;
    if (busy.current) return;
    busy.current = true;
    try {
      for (let served = 0; served !== asked.current;) {
        served = asked.current;
        const r = await api.call('library.list');
        if (r.ok) { setDocuments(r.value.documents); setListError(null); } else setListError(`${r.error.code}: ${r.error.message}`);
      }
    } finally {
      busy.current = false;
    }
  }, []);

  const { jobs, apply, clearFinished } = useImportJobs(() => void refresh());

  useEffect(() => {
    void refresh();
    return api.on('onLibraryChanged', () => void refresh());
  }, [refresh]);

  const startImport = useCallback(async (files: File[]) => {
    if (files.length === 0) return;
    setNotice({ tone: 'info', text: t('library.sending', { count: files.length }) });
    const outcome = await importFiles(files);
    apply(outcome.jobs);
    const parts: string[] = [];
    if (outcome.jobs.length > 0) parts.push(t('library.queued', { count: outcome.jobs.length }));
    if (outcome.skipped.length > 0) parts.push(t('library.skipped', { count: outcome.skipped.length, names: outcome.skipped.slice(0, 3).join(', ') }));
    for (const f of outcome.failures) parts.push(f.filename === '*' ? t('library.importRefused', { message: f.message }) : t('library.uploadFailed', { name: f.filename, message: f.message }));
    setNotice({ tone: outcome.failures.length > 0 || outcome.jobs.length === 0 ? 'error' : 'info', text: parts.join(' ') });
  }, [apply, t]);

  // Good news fades after a while; errors stay until dismissed.
  useEffect(() => {
    if (notice?.tone !== 'info') return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  const { dragging } = useFileDrop((files) => void startImport(files));

  const loadSample = async () => {
    setSampleBusy(true);
    const r = await api.call('library.loadSample');
    setSampleBusy(false);
    if (r.ok) apply(r.value.jobs);
    else setNotice({ tone: 'error', text: `${r.error.code}: ${r.error.message}` });
  };

  // Stable callbacks: the table and search panel are memoised, so progress updates do not redraw them.
  const openDocument = useCallback((documentId: string) => setRoute({ kind: 'viewer', documentId, pageNo: null, lastPage: null, chunkId: null, query: '' }), []);
  const openHit = useCallback((hit: SearchHit, query: string) =>
    setRoute({ kind: 'viewer', documentId: hit.documentId, pageNo: hit.pageStart, lastPage: hit.pageEnd, chunkId: hit.chunkId, query }), []);
  const onChanged = useCallback(() => void refresh(), [refresh]);
  const onJob = useCallback((job: ImportJob) => apply([job]), [apply]);

  const hasActiveJobs = [...jobs.values()].some((j) => j.state === 'queued' || j.state === 'running' || j.state === 'needs-password');

  return (
    <section className="view library-view" aria-labelledby="library-title" data-testid="library-view">
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-overlay-box">
            <strong>{t('library.dropOverlay')}</strong>
            <span>{t('library.dropOverlaySub')}</span>
          </div>
        </div>
      )}
      <p className="sr-only" aria-live="assertive">{dragging ? t('library.dropActive') : ''}</p>

      {route.kind === 'viewer' ? (
        <DocumentViewer
          documentId={route.documentId}
          initialPage={route.pageNo}
          lastPage={route.lastPage}
          targetChunk={route.chunkId}
          query={route.query}
          onBack={() => setRoute({ kind: 'list' })}
        />
      ) : (
        <>
          <header className="view-header">
            <h1 id="library-title">{t('library.title')}</h1>
            <div className="library-actions">
              <button type="button" onClick={() => picker.current?.click()} data-testid="add-files">{t('library.addFiles')}</button>
              <input
                ref={picker}
                type="file"
                multiple
                accept={importAccept}
                hidden
                aria-label={t('library.pickerLabel')}
                data-testid="file-picker"
                onChange={(e) => {
                  const files = [...(e.target.files ?? [])];
                  e.target.value = ''; // picking the same file again must fire change again
                  void startImport(files);
                }}
              />
            </div>
          </header>
          <p className="muted library-hint">{t('library.dropHint')}</p>
          {notice && (
            <p role={notice.tone === 'error' ? 'alert' : 'status'} className={notice.tone === 'error' ? 'alert' : 'notice'} data-testid="library-notice">
              <span>{notice.text}</span>
              <button type="button" className="notice-dismiss" onClick={() => setNotice(null)} aria-label={t('library.dismiss')}>×</button>
            </p>
          )}
          {listError && <p role="alert" className="alert">{listError}</p>}

          <ImportPanel jobs={jobs} onJobs={apply} onClearFinished={clearFinished} />
          <WatchedFolders />

          {documents === null && !listError && <p>{t('common.loading')}</p>}
          {documents !== null && documents.length === 0 && !hasActiveJobs && (
            <div className="library-empty" data-testid="library-empty">
              <h2>{t('library.empty.title')}</h2>
              <p>{t('library.empty.body')}</p>
              <p className="muted">{t('library.empty.sampleHint')}</p>
              <button type="button" onClick={() => void loadSample()} disabled={sampleBusy} data-testid="load-sample">
                {t('library.empty.sample')}
              </button>
            </div>
          )}
          {documents !== null && documents.length > 0 && (
            <>
              <SearchPanel onOpen={openHit} />
              <DocumentsTable documents={documents} onOpen={openDocument} onChanged={onChanged} onJob={onJob} />
            </>
          )}
        </>
      )}
    </section>
  );
}
