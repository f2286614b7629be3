import { memo, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob, LibraryDocument } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes } from '../../lib/format';

const PAGE_SIZE = 100; // rows rendered at a time; a library of thousands stays quick to draw

type Props = {
  documents: LibraryDocument[];
  onOpen: (documentId: string) => void;
  onChanged: () => void;
  onJob: (job: ImportJob) => void;
};

export const DocumentsTable = memo(function DocumentsTable({ documents, onOpen, onChanged, onJob }: Props) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(PAGE_SIZE);
  const [error, setError] = useState<string | null>(null);
  const rows = documents.slice(0, shown);
  const rest = documents.length - rows.length;

  const remove = useCallback(async (doc: LibraryDocument) => {
    const r = await api.call('library.delete', { documentId: doc.id });
    if (r.ok) { setError(null); onChanged(); } else setError(`${r.error.code}: ${r.error.message}`);
  }, [onChanged]);
  const reindex = useCallback(async (doc: LibraryDocument) => {
    const r = await api.call('library.reindex', { documentId: doc.id });
    if (r.ok) { setError(null); onJob(r.value.job); } else setError(`${r.error.code}: ${r.error.message}`);
  }, [onJob]);

  return (
    <div className="library-table-wrap">
      {error && <p role="alert" className="alert">{error}</p>}
      <table className="library-table" data-testid="documents-table">
        <caption>{t('library.table.caption', { count: documents.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('library.table.name')}</th>
            <th scope="col" className="num">{t('library.table.pages')}</th>
            <th scope="col" className="num">{t('library.table.chunks')}</th>
            <th scope="col">{t('library.table.language')}</th>
            <th scope="col" className="num">{t('library.table.size')}</th>
            <th scope="col">{t('library.table.status')}</th>
            <th scope="col">{t('library.table.importedAt')}</th>
            <th scope="col"><span className="sr-only">{t('library.table.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((doc) => (
            <DocumentRow key={doc.id} doc={doc} onOpen={onOpen} onDelete={remove} onReindex={reindex} />
          ))}
        </tbody>
      </table>
      {rest > 0 && (
        <button type="button" className="secondary" onClick={() => setShown((n) => n + PAGE_SIZE)}>
          {t('library.table.showMore', { count: Math.min(rest, PAGE_SIZE), total: rest })}
        </button>
      )}
    </div>
  );
});

type RowProps = {
  doc: LibraryDocument;
  onOpen: (id: string) => void;
  onDelete: (doc: LibraryDocument) => Promise<void>;
  onReindex: (doc: LibraryDocument) => Promise<void>;
};

const DocumentRow = memo(function DocumentRow({ doc, onOpen, onDelete, onReindex }: RowProps) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const name = doc.title?.trim() || doc.filename;
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    try { await action(); } finally { setBusy(false); setConfirming(false); }
  };
  return (
    <tr className="library-row" data-testid="doc-row" data-filename={doc.filename} data-status={doc.status} onClick={() => onOpen(doc.id)}>
      <td className="doc-name">
        <button type="button" className="link-button" onClick={(e) => { e.stopPropagation(); onOpen(doc.id); }} title={t('library.table.open', { name })}>
          {name}
        </button>
        {name !== doc.filename && <span className="doc-filename">{doc.filename}</span>}
      </td>
      <td className="num">{doc.pageCount}</td>
      <td className="num">{doc.chunkCount}</td>
      <td>{doc.lang ?? '—'}</td>
      <td className="num">{formatBytes(doc.bytes)}</td>
      <td>
        {doc.status === 'indexed'
          ? <span className="badge badge-ok">{t('library.table.indexed')}</span>
          : <><span className="badge badge-fail">{t('library.table.failed')}</span>{doc.error && <span className="doc-error">{doc.error}</span>}</>}
      </td>
      <td className="nowrap">{new Date(doc.createdAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })}</td>
      <td className="row-actions" onClick={(e) => e.stopPropagation()}>
        {confirming ? (
          <span className="confirm" role="group" aria-label={t('library.table.confirmDelete', { name })}>
            <span className="confirm-text">{t('library.table.confirmDelete', { name })}</span>
            <button type="button" className="danger" disabled={busy} onClick={run(() => onDelete(doc))} data-testid="confirm-delete">{t('library.table.confirm')}</button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>{t('library.table.keep')}</button>
          </span>
        ) : (
          <>
            <button type="button" className="secondary" disabled={busy} onClick={run(() => onReindex(doc))} aria-label={t('library.table.reindexName', { name })}>{t('library.table.reindex')}</button>
            <button type="button" className="secondary danger-outline" disabled={busy} onClick={() => setConfirming(true)} aria-label={t('library.table.deleteName', { name })} data-testid="delete-doc">{t('library.table.delete')}</button>
          </>
        )}
      </td>
    </tr>
  );
});
