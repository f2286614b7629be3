import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource, MethodOutput } from '../../../../preload/contract';
import { documentFormat } from '../viewer/document-format';
import { FormattedText } from '../viewer/FormattedText';
import { openOriginal, originalOpenMode } from '../viewer/open-original';
import { PdfViewer } from '../viewer/PdfViewer';
import { PlainPage } from './PlainPage';

type Props = { loaded: MethodOutput<'chat.source'>; source: AnswerSource; excerpt: string };

/** The cited page, in the form that reads best for its document. */
export function SourceBody({ loaded, source, excerpt }: Props) {
  const { t } = useTranslation('viewer');
  const [pdfProblem, setPdfProblem] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const format = documentFormat(loaded.document);
  const plain = <PlainPage page={loaded.page} chunkId={source.chunkId} chunkText={loaded.chunkText} excerpt={excerpt} />;

  if (format === 'pdf' && !pdfProblem) {
    return <PdfViewer documentId={loaded.document.id} initialPage={source.pageStart} excerptEndPage={Math.max(source.pageStart, source.pageEnd)} excerpt={excerpt} onUnavailable={setPdfProblem} />;
  }
  if (format === 'pdf') {
    return <><p className="notice" data-testid="viewer-fallback">{t('failed', { message: pdfProblem })}</p>{plain}</>;
  }
  const open = () => { setOpenError(null); openOriginal(loaded.document.id).catch((err: Error) => setOpenError(err.message)); };
  return (
    <>
      <div className="viewer-toolbar">
        <button type="button" className="small" onClick={open} data-testid="open-original">
          {originalOpenMode() === 'desktop' ? t('openOriginal') : t('downloadOriginal')}
        </button>
      </div>
      {openError && <p role="alert" className="alert">{t('openFailed', { message: openError })}</p>}
      {format === 'markdown' ? <FormattedText text={loaded.page.text} excerpt={excerpt} /> : plain}
    </>
  );
}
