import { useId } from 'react';
import { useTranslation } from 'react-i18next';

type Props = {
  pageNo: number;
  pageCount: number;
  /** The page's printed label ("vii", "7"), when the PDF has one. */
  label: string | null;
  onPage: (pageNo: number) => void;
  zoomPercent: number;
  onZoom: (direction: 'in' | 'out' | 'fit') => void;
  onOpenOriginal: () => void;
  openMode: 'desktop' | 'download';
  /** False where the page around the viewer has its own page navigation (the library's document viewer). */
  showPager?: boolean;
};

/** Page navigation (printed label and physical page), zoom and "Open the original". */
export function ViewerToolbar({ pageNo, pageCount, label, onPage, zoomPercent, onZoom, onOpenOriginal, openMode, showPager = true }: Props) {
  const { t } = useTranslation('viewer');
  const inputId = useId();
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label={t('toolbar')}>
      <div className="viewer-pager">
        {showPager && <>
        <button type="button" className="secondary small" disabled={pageNo <= 1} onClick={() => onPage(pageNo - 1)} aria-label={t('prev')} data-testid="viewer-prev">‹</button>
        <label htmlFor={inputId} className="viewer-page-input">
          <span className="sr-only">{t('page')}</span>
          <input
            id={inputId}
            type="number"
            min={1}
            max={pageCount}
            value={pageNo}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 1 && n <= pageCount) onPage(n);
            }}
            data-testid="viewer-page-input"
          />
          <span className="muted">{t('ofTotal', { total: pageCount })}</span>
        </label>
        <button type="button" className="secondary small" disabled={pageNo >= pageCount} onClick={() => onPage(pageNo + 1)} aria-label={t('next')} data-testid="viewer-next">›</button>
        </>}
        <strong className="viewer-page-label" data-testid="viewer-page-label" data-page-no={pageNo} data-page-label={label ?? String(pageNo)}>
          {t('printed', { label: label ?? String(pageNo) })}
        </strong>
      </div>
      <div className="viewer-zoom">
        <button type="button" className="secondary small" onClick={() => onZoom('out')} aria-label={t('zoomOut')} data-testid="viewer-zoom-out">−</button>
        <span className="muted viewer-zoom-value" data-testid="viewer-zoom">{t('zoom', { percent: zoomPercent })}</span>
        <button type="button" className="secondary small" onClick={() => onZoom('in')} aria-label={t('zoomIn')} data-testid="viewer-zoom-in">+</button>
        <button type="button" className="secondary small" onClick={() => onZoom('fit')} data-testid="viewer-fit">{t('fitWidth')}</button>
      </div>
      <button type="button" className="small" onClick={onOpenOriginal} data-testid="open-original">
        {openMode === 'desktop' ? t('openOriginal') : t('downloadOriginal')}
      </button>
    </div>
  );
}
