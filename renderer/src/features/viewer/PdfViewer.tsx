import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openOriginal, originalOpenMode } from './open-original';
import { type OpenPdf, openPdf } from './pdf-loader';
import { type PageRendered, PdfPage } from './PdfPage';
import { ViewerToolbar } from './ViewerToolbar';
import './viewer.css';

type Props = {
  documentId: string;
  /** Physical 1-based page to open at. */
  initialPage: number;
  /** The text to mark on the page (the cited excerpt). */
  excerpt: string | null;
  /** The last physical page the excerpt runs onto (a sentence over a page break). */
  excerptEndPage?: number;
  /** False where the surrounding view has its own page navigation. */
  showPager?: boolean;
  /** The PDF cannot be shown (missing, too large, damaged): the caller shows the extracted text instead. */
  onUnavailable: (message: string) => void;
};

/** CSS pixels per PDF point at "100%" (pdf.js's own viewer uses the same). */
const ACTUAL_SIZE = 96 / 72;
const MIN_SCALE = 0.3;
const MAX_SCALE = 4;

/** The cited PDF page rendered by pdf.js, with the excerpt marked, page navigation, zoom and "Open the original". */
export function PdfViewer({ documentId, initialPage, excerpt, excerptEndPage = initialPage, showPager = true, onUnavailable }: Props) {
  const { t } = useTranslation('viewer');
  const [doc, setDoc] = useState<OpenPdf | null>(null);
  const [pageNo, setPageNo] = useState(initialPage);
  const [zoom, setZoom] = useState<'fit' | number>('fit');
  const [width, setWidth] = useState(0);
  const [baseWidth, setBaseWidth] = useState<number | null>(null);
  const [rendered, setRendered] = useState<PageRendered | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const unavailable = useRef(onUnavailable);
  unavailable.current = onUnavailable;

  useEffect(() => {
    let live = true;
    setDoc(null);
    openPdf(documentId).then((d) => { if (live) setDoc(d); }, (err: Error) => { if (live) unavailable.current(err.message); });
    return () => { live = false; };
  }, [documentId]);
  useEffect(() => { setPageNo(initialPage); }, [initialPage, documentId]);

  // "Fit width" follows the panel's width.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, [doc]);

  const pageCount = doc?.pdf.numPages ?? 0;
  const page = Math.min(Math.max(1, pageNo), Math.max(1, pageCount));
  useEffect(() => {
    let live = true;
    void doc?.pdf.getPage(page).then((p) => { if (live) setBaseWidth(p.getViewport({ scale: 1 }).width); });
    return () => { live = false; };
  }, [doc, page]);

  const fitScale = baseWidth && width > 0 ? Math.max(MIN_SCALE, (width - 24) / baseWidth) : null;
  const scale = zoom === 'fit' ? fitScale : zoom;
  const onZoom = useCallback((direction: 'in' | 'out' | 'fit') => {
    if (direction === 'fit') { setZoom('fit'); return; }
    const current = (zoom === 'fit' ? fitScale : zoom) ?? 1;
    setZoom(Math.min(MAX_SCALE, Math.max(MIN_SCALE, direction === 'in' ? current * 1.25 : current / 1.25)));
  }, [zoom, fitScale]);

  const onRendered = useCallback((r: PageRendered) => {
    setRendered(r);
    const box = scroller.current;
    if (!box || !r.firstMark) return;
    // The excerpt a third of the way down the visible area, scrolling only the page box.
    const top = r.firstMark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }, []);

  const open = () => { setOpenError(null); openOriginal(documentId, doc?.original).catch((err: Error) => setOpenError(err.message)); };
  const label = doc?.pageLabels?.[page - 1]?.trim() || null;

  return (
    <div className="pdf-viewer" data-testid="pdf-viewer" data-excerpt={rendered?.excerpt ?? ''}>
      {!doc && <p className="muted">{t('loading')}</p>}
      {doc && (
        <ViewerToolbar
          pageNo={page}
          pageCount={pageCount}
          label={label}
          onPage={(n) => { setRendered(null); setPageNo(n); }}
          zoomPercent={Math.round(((scale ?? ACTUAL_SIZE) / ACTUAL_SIZE) * 100)}
          onZoom={onZoom}
          onOpenOriginal={open}
          openMode={originalOpenMode()}
          showPager={showPager}
        />
      )}
      {openError && <p role="alert" className="alert">{t('openFailed', { message: openError })}</p>}
      {rendered && excerpt !== null && (
        <ExcerptStatus rendered={rendered} continues={page < excerptEndPage ? 'next' : page > initialPage ? 'previous' : null} onGo={(n) => { setRendered(null); setPageNo(page + n); }} />
      )}
      <div className="pdf-scroll" ref={scroller} tabIndex={0} aria-label={label ? t('printed', { label }) : t('physical', { n: page, total: pageCount })}>
        {doc && scale !== null && (
          <PdfPage pdf={doc.pdf} pageNo={page} scale={scale} excerpt={excerpt} onRendered={onRendered} onError={(m) => unavailable.current(m)} />
        )}
      </div>
      {rendered && !rendered.text.trim() && excerpt && <blockquote className="source-quote" data-testid="source-quote">{excerpt.replace(/(?<!\n)\n(?!\n)/g, ' ')}</blockquote>}
    </div>
  );
}

function ExcerptStatus({ rendered, continues, onGo }: { rendered: PageRendered; continues: 'next' | 'previous' | null; onGo: (step: 1 | -1) => void }) {
  const { t } = useTranslation('viewer');
  if (!rendered.text.trim()) return <p className="notice viewer-status">{t('noTextLayer')}</p>;
  const key = rendered.excerpt === 'whole' ? 'excerptHere' : rendered.excerpt === 'none' ? 'excerptNotHere' : continues === 'next' ? 'excerptContinues' : continues === 'previous' ? 'excerptBegan' : 'excerptPart';
  return (
    <p className={rendered.excerpt === 'none' ? 'muted viewer-status' : 'viewer-status'} role="status" data-testid="viewer-excerpt-status" data-state={rendered.excerpt}>
      {t(key)}
      {rendered.excerpt === 'part' && continues && (
        <button type="button" className="secondary small viewer-status-go" onClick={() => onGo(continues === 'next' ? 1 : -1)} data-testid="viewer-excerpt-go">
          {continues === 'next' ? t('next') : t('prev')}
        </button>
      )}
    </p>
  );
}
