import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentPage } from '../../../../preload/contract';
import { matchExcerpt } from '../viewer/excerpt-match';
import { type PassageRange, locatePassage, reflowPageText } from './passage';

type Props = { page: DocumentPage; chunkId: number; chunkText: string; excerpt: string };

/** Where the excerpt is on the page's text: the excerpt itself, else (older answers) the whole passage. */
export function excerptRange(page: DocumentPage, shown: string, chunkId: number, chunkText: string, excerpt: string): PassageRange | null {
  if (excerpt && excerpt !== chunkText) {
    const found = matchExcerpt([shown], excerpt)?.ranges[0];
    if (found) return { start: found.start, end: found.end };
  }
  return locatePassage(page, chunkId, chunkText);
}

/** A plain-text page (text files, and PDFs the viewer cannot draw) with the excerpt marked and scrolled into view. */
export function PlainPage({ page, chunkId, chunkText, excerpt }: Props) {
  const { t } = useTranslation('chat');
  const container = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLElement>(null);
  const shown = useMemo(() => reflowPageText(page.text), [page.text]);
  const range = useMemo(() => excerptRange(page, shown, chunkId, chunkText, excerpt), [page, shown, chunkId, chunkText, excerpt]);

  useEffect(() => {
    const box = container.current;
    const m = mark.current;
    if (!box || !m) return;
    // Scroll the page text only (not the whole window): the passage in the middle of the panel.
    box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3);
  }, [range, page]);

  return (
    <>
      {!range && <p className="notice">{t('source.notOnPage')}</p>}
      <div className="source-page-text" ref={container} data-testid="source-page-text" tabIndex={0} aria-label={t('source.panel')}>
        {range ? (
          <>
            {shown.slice(0, range.start)}
            <mark ref={mark} data-testid="source-passage">{shown.slice(range.start, range.end)}</mark>
            {shown.slice(range.end)}
          </>
        ) : shown}
      </div>
      {!range && <blockquote className="source-quote" data-testid="source-quote">{excerpt || chunkText}</blockquote>}
    </>
  );
}
