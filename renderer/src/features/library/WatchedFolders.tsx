import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WatchedFolder } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { desktopFiles, pickImportSources } from '../../lib/files';

type OnDelete = WatchedFolder['onDelete'];

/** Library → "Keep a folder in sync": add (folder dialog on the desktop, a path in the browser), status, remove. */
export function WatchedFolders() {
  const { t } = useTranslation('watch');
  const [folders, setFolders] = useState<WatchedFolder[]>([]);
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);

  const upsert = useCallback((f: WatchedFolder) => setFolders((all) => (all.some((x) => x.id === f.id) ? all.map((x) => (x.id === f.id ? f : x)) : [...all, f])), []);

  useEffect(() => {
    void api.call('watch.list').then((r) => { if (r.ok) setFolders(r.value.folders); });
    return api.on('onWatchStatus', upsert);
  }, [upsert]);

  const add = async (path: string, onDelete: OnDelete) => {
    const r = await api.call('watch.add', { path, onDelete });
    if (!r.ok) return setMessage({ tone: 'error', text: r.error.message });
    upsert(r.value.folder);
    setAdding(false);
    setMessage(null);
  };

  const remove = async (f: WatchedFolder) => {
    const r = await api.call('watch.remove', { folderId: f.id });
    if (!r.ok) return setMessage({ tone: 'error', text: r.error.message });
    setFolders((all) => all.filter((x) => x.id !== f.id));
    setMessage({ tone: 'info', text: t('removed', { path: f.path }) });
  };

  return (
    <section className="import-panel watch-panel" aria-labelledby="watch-title" data-testid="watched-folders">
      <header className="import-header">
        <h2 id="watch-title">{t('title')}</h2>
        {!adding && <button type="button" className="secondary" onClick={() => setAdding(true)} data-testid="watch-add">{t('add')}</button>}
      </header>
      {(folders.length > 0 || adding) && <p className="muted">{t('intro')}</p>}
      {message && <p role={message.tone === 'error' ? 'alert' : 'status'} className={message.tone === 'error' ? 'alert' : 'notice'} data-testid="watch-message">{message.text}</p>}
      {adding && <AddFolderForm onAdd={add} onCancel={() => setAdding(false)} />}
      <ul className="import-jobs watch-folders">
        {folders.map((f) => <FolderRow key={f.id} folder={f} onRemove={() => void remove(f)} onDeleteChange={(v) => void add(f.path, v)} />)}
      </ul>
    </section>
  );
}

function AddFolderForm({ onAdd, onCancel }: { onAdd: (path: string, onDelete: OnDelete) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation('watch');
  const pathId = useId();
  const [path, setPath] = useState('');
  const [onDelete, setOnDelete] = useState<OnDelete>('keep');
  const [busy, setBusy] = useState(false);
  const desktop = desktopFiles() !== null;

  const choose = async () => {
    const [picked] = await pickImportSources(true);
    if (picked && 'path' in picked) setPath(picked.path);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) return;
    setBusy(true);
    await onAdd(path.trim(), onDelete);
    setBusy(false);
  };
  return (
    <form className="watch-form" onSubmit={(e) => void submit(e)} data-testid="watch-form">
      <label htmlFor={pathId}>{t('pathLabel')}</label>
      <div className="password-row">
        <input id={pathId} value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('pathPlaceholder')} data-testid="watch-path" />
        {desktop && <button type="button" className="secondary" onClick={() => void choose()}>{t('choose')}</button>}
      </div>
      <fieldset className="watch-ondelete">
        <legend>{t('onDeleteLabel')}</legend>
        {(['keep', 'remove'] as const).map((v) => (
          <label key={v}>
            <input type="radio" name="watch-ondelete" value={v} checked={onDelete === v} onChange={() => setOnDelete(v)} data-testid={`watch-ondelete-${v}`} />
            {' '}{t(`onDelete.${v}`)}
          </label>
        ))}
      </fieldset>
      <div className="password-row">
        <button type="submit" disabled={busy || !path.trim()} data-testid="watch-submit">{t('submit')}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}

function FolderRow({ folder: f, onRemove, onDeleteChange }: { folder: WatchedFolder; onRemove: () => void; onDeleteChange: (v: OnDelete) => void }) {
  const { t } = useTranslation('watch');
  const selectId = useId();
  return (
    <li className={`import-job watch-folder watch-${f.state}`} data-testid="watched-folder" data-state={f.state} data-path={f.path}>
      <div className="job-line">
        <span className="job-name" title={f.path}>{f.path}</span>
        <span className="badge" data-testid="watch-state">{t(`state.${f.state}`)}</span>
        <button type="button" className="secondary small" onClick={onRemove} aria-label={t('removeName', { path: f.path })}>{t('remove')}</button>
      </div>
      <p className="job-detail" data-testid="watch-counts">
        {t('counts', { indexed: f.indexed, importing: f.importing, failed: f.failed })}
        {f.missing > 0 && <> · {t('missing', { count: f.missing })}</>}
        {f.lastScanAt && <> · {t('lastScan', { time: new Date(f.lastScanAt).toLocaleString() })}</>}
      </p>
      <p className="job-detail">
        <label htmlFor={selectId}>{t('onDeleteLabel')}: </label>
        <select id={selectId} value={f.onDelete} onChange={(e) => onDeleteChange(e.target.value as OnDelete)} data-testid="watch-ondelete">
          <option value="keep">{t('onDelete.keep')}</option>
          <option value="remove">{t('onDelete.remove')}</option>
        </select>
      </p>
      {f.lastError && <p className="job-detail job-error">{f.lastError}</p>}
      {f.errors.length > 0 && (
        <details className="job-detail">
          <summary>{t('errorsTitle')} ({f.errors.length})</summary>
          <ul>{f.errors.map((e) => <li key={e.file}><code>{e.file}</code>: {e.message}</li>)}</ul>
        </details>
      )}
    </li>
  );
}
