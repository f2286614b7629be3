import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentPage, LibraryDocument } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes } from '../../lib/format';
import { mentionsQuery } from './highlight';
import { Highlighted } from './Highlighted';
import { segmentPageByChunks } from './page-chunks';
import { pageLabelText } from './page-label';
import { documentFormat } from '../viewer/document-format';
import { FormattedText } from '../viewer/FormattedText';
import { PdfViewer } from '../viewer/PdfViewer';

type Props = {
  documentId: string;
  initialPage: number | null;
  /** A search hit's chunk may run over several pages: open the first of them that shows the words. */
  lastPage: number | null;
  /** The search hit's chunk, outlined so the eye finds it. */
  targetChunk: number | null;
  query: string;
  onBack: () => void;
};

type Loaded = { document: LibraryDocument; pages: DocumentPage[] };

export function DocumentViewer({ documentId, initialPage, lastPage, targetChunk, query, onBack }: Props) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const pageInputId = useId();

  useEffect(() => {
    let live = true;
    setLoaded(null);
    void api.call('library.document', { documentId }).then((r) => {
      if (!live) return;
      if (!r.ok) { setError(`${r.error.code}: ${r.error.message}`); return; }
      setLoaded(r.value);
      setIndex(openingPage(r.value.pages, initialPage, lastPage, query));
    });
    return () => { live = false; };
  }, [documentId, initialPage, lastPage, query]);

  const doc = loaded?.document;
  const pages = loaded?.pages ?? [];
  const page = pages[index];
  const name = doc ? doc.title?.trim() || doc.filename : '';

  return (
    <div className="doc-viewer" data-testid="document-viewer">
      <header className="view-header doc-viewer-header">
        <div>
          <button type="button" className="secondary back-button" onClick={onBack} data-testid="viewer-back">← {t('library.viewer.back')}</button>
          <h1 id="library-title" data-testid="viewer-title">{name || t('common.loading')}</h1>
          {doc && (
            <p className="muted doc-meta">
              {doc.filename} · {t('library.viewer.meta', { pages: doc.pageCount, chunks: doc.chunkCount, size: formatBytes(doc.bytes) })}
              {doc.lang && <> · {doc.lang}</>}
            </p>
          )}
        </div>
      </header>
      {error && <p role="alert" className="alert">{error}</p>}
      {doc?.status === 'failed' && <p role="alert" className="alert">{t('library.viewer.failed', { error: doc.error ?? '' })}</p>}
      {loaded && pages.length === 0 && <p className="muted">{t('library.viewer.noPages')}</p>}
      {loaded && page && (
        <div className="doc-viewer-body">
          <nav className="page-list" aria-label={t('library.viewer.pages')}>
            <ol>
              {pages.map((p, i) => (
                <li key={p.pageNo}>
                  <button type="button" className={i === index ? 'page-link current' : 'page-link'} aria-current={i === index ? 'page' : undefined} onClick={() => setIndex(i)}>
                    {pageLabelText(t, p.label, p.pageNo)}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
          <article className="page-panel" aria-labelledby="page-heading">
            <div className="pager">
              <button type="button" className="secondary" disabled={index === 0} onClick={() => setIndex(index - 1)} aria-label={t('library.viewer.prev')}>‹</button>
              <label htmlFor={pageInputId} className="pager-label">
                {t('library.viewer.page')}
                <input
                  id={pageInputId}
                  type="number"
                  min={1}
                  max={pages.length}
                  value={index + 1}
                  onChange={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isInteger(n) && n >= 1 && n <= pages.length) setIndex(n - 1);
                  }}
                />
                {t('library.viewer.ofTotal', { total: pages.length })}
              </label>
              <button type="button" className="secondary" disabled={index >= pages.length - 1} onClick={() => setIndex(index + 1)} aria-label={t('library.viewer.next')}>›</button>
            </div>
            <h2 id="page-heading" className="page-heading" data-testid="page-label">{pageLabelText(t, page.label, page.pageNo)}</h2>
            <PageBody document={doc as LibraryDocument} page={page} query={query} targetChunk={targetChunk} />
          </article>
        </div>
      )}
    </div>
  );
}

function openingPage(pages: DocumentPage[], first: number | null, last: number | null, query: string): number {
  if (first === null) return 0;
  const start = pages.findIndex((p) => p.pageNo === first);
  if (start < 0) return 0;
  if (query.trim()) {
    for (let i = start; i < pages.length && (pages[i] as DocumentPage).pageNo <= (last ?? first); i++) {
      if (mentionsQuery((pages[i] as DocumentPage).text, query)) return i;
    }
  }
  return start;
}

/**
 * A page to read (Markdown and Word formatted; a PDF page as printed, drawn by pdf.js) or as its
 * indexed passages; Markdown opens formatted, PDFs and text open on their passages.
 */
function PageBody({ document, page, query, targetChunk }: { document: LibraryDocument; page: DocumentPage; query: string; targetChunk: number | null }) {
  const { t } = useTranslation();
  const format = documentFormat(document);
  const [reading, setReading] = useState(format === 'markdown');
  const [pdfProblem, setPdfProblem] = useState<string | null>(null);
  const canRead = format === 'markdown' || (format === 'pdf' && pdfProblem === null);
  const showing = reading && canRead ? format : 'passages';
  const toggleLabel = reading ? t('library.viewer.showPassages') : format === 'pdf' ? t('showPage', { ns: 'viewer' }) : t('library.viewer.showFormatted');
  return (
    <>
      <p className="muted chunk-legend">
        {showing === 'markdown' ? t('library.viewer.formatted') : showing === 'pdf' ? t('pageAsPrinted', { ns: 'viewer' }) : t('library.viewer.legend', { count: page.chunks.length })}
        {canRead && (
          <button type="button" className="secondary small chunk-toggle" onClick={() => setReading(!reading)} data-testid="toggle-passages">{toggleLabel}</button>
        )}
      </p>
      {pdfProblem && <p className="notice">{t('failed', { ns: 'viewer', message: pdfProblem })}</p>}
      {showing === 'markdown' && <FormattedText text={page.text} query={query} className="page-text formatted-page" testId="page-text" />}
      {showing === 'pdf' && <PdfViewer key={page.pageNo} documentId={document.id} initialPage={page.pageNo} excerpt={null} showPager={false} onUnavailable={setPdfProblem} />}
      {showing === 'passages' && <PageText page={page} query={query} targetChunk={targetChunk} />}
    </>
  );
}

function PageText({ page, query, targetChunk }: { page: DocumentPage; query: string; targetChunk: number | null }) {
  const { t } = useTranslation();
  // PDF extraction ends every printed line with a newline; shown as is, a page reads as ragged
  // fragments. Single newlines become spaces (same length, so chunk offsets still hold); blank lines stay.
  const segments = useMemo(() => segmentPageByChunks({ text: page.text.replace(/(?<!\n)\n(?!\n)/g, ' '), chunks: page.chunks }), [page]);
  const target = useRef<HTMLElement>(null);
  const targetOrd = page.chunks.find((c) => c.chunkId === targetChunk)?.ord ?? null;
  useEffect(() => { target.current?.scrollIntoView({ block: 'center' }); }, [page, targetOrd]);
  if (!page.text.trim()) return <p className="muted">{t('library.viewer.noText')}</p>;
  return (
    <div className="page-text" data-testid="page-text">
      {segments.map((s, i) => {
        const ord = s.chunks[s.chunks.length - 1];
        const cls = s.chunks.length === 0 ? 'seg' : s.chunks.length > 1 ? 'seg chunk-overlap' : `seg ${ord !== undefined && ord % 2 === 1 ? 'chunk-odd' : 'chunk-even'}`;
        const isTarget = targetOrd !== null && s.chunks.includes(targetOrd);
        return (
          <span key={i} className={isTarget ? `${cls} chunk-target` : cls}>
            {s.startsChunk !== null && (
              <span className="chunk-marker" ref={s.startsChunk === targetOrd ? target : undefined} title={t('library.viewer.chunk', { n: s.startsChunk + 1 })}>
                #{s.startsChunk + 1}
              </span>
            )}
            <Highlighted text={s.text} query={query} />
          </span>
        );
      })}
    </div>
  );
}
