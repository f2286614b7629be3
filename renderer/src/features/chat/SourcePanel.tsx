import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource, MethodOutput } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { locatePassage, reflowPageText } from './passage';
import { sourcePageText, sourceTitle } from './source-label';

type Loaded = MethodOutput<'chat.source'>;
type State = { kind: 'loading' } | { kind: 'loaded'; value: Loaded } | { kind: 'missing'; message: string };

/** The page a citation points to, with the cited passage marked and scrolled into view. */
export function SourcePanel({ source, onClose }: { source: AnswerSource; onClose: () => void }) {
  const { t } = useTranslation('chat');
  const [state, setState] = useState<State>({ kind: 'loading' });
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    void api.call('chat.source', { chunkId: source.chunkId }).then((r) => {
      if (!live) return;
      setState(r.ok ? { kind: 'loaded', value: r.value } : { kind: 'missing', message: `${r.error.code}: ${r.error.message}` });
    });
    return () => { live = false; };
  }, [source.chunkId]);

  // Focus moves into the panel when it opens (and back to where it was when it closes).
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeButton.current?.focus({ preventScroll: true });
    return () => { if (before?.isConnected) before.focus({ preventScroll: true }); };
  }, []);

  const doc = state.kind === 'loaded' ? state.value.document : null;
  const title = doc ? doc.title?.trim() || doc.filename : sourceTitle(source);
  const pageLabel = state.kind === 'loaded'
    ? sourcePageText(t, { pageLabel: state.value.page.label, pageStart: state.value.page.pageNo, pageEnd: state.value.page.pageNo })
    : sourcePageText(t, source);

  return (
    <aside
      className="source-panel"
      aria-labelledby="source-panel-title"
      data-testid="source-panel"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}
    >
      <header className="source-head">
        <div>
          <p className="source-kicker">{t('source.panel')} <span className="cite-chip static">{source.n}</span></p>
          <h2 id="source-panel-title" data-testid="source-title">{title}</h2>
          {/* A Markdown section's label is its heading, often the document's own title: say it once. */}
          <p className={pageLabel === title ? 'sr-only' : 'source-page-label'} data-testid="source-page">{pageLabel}</p>
          {doc && doc.title && <p className="muted source-file">{t('source.file', { filename: doc.filename })}</p>}
        </div>
        <button type="button" ref={closeButton} className="secondary small source-close" onClick={onClose} aria-label={t('source.close')} data-testid="source-close">×</button>
      </header>
      {state.kind === 'loading' && <p className="muted">{t('source.loading')}</p>}
      {state.kind === 'missing' && (
        <>
          <p className="notice">{t('source.missing')}</p>
          <p className="muted small-text">{state.message}</p>
          <blockquote className="source-quote" data-testid="source-quote">{source.quote}</blockquote>
        </>
      )}
      {state.kind === 'loaded' && <PageWithPassage loaded={state.value} source={source} />}
    </aside>
  );
}

function PageWithPassage({ loaded, source }: { loaded: Loaded; source: AnswerSource }) {
  const { t } = useTranslation('chat');
  const container = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLElement>(null);
  const text = loaded.page.text;
  const range = useMemo(() => locatePassage(loaded.page, source.chunkId, loaded.chunkText), [loaded, source.chunkId]);
  const shown = useMemo(() => reflowPageText(text), [text]);

  useEffect(() => {
    const box = container.current;
    const m = mark.current;
    if (!box || !m) return;
    // Scroll the page text only (not the whole window): the passage in the middle of the panel.
    box.scrollTop = Math.max(0, m.offsetTop - box.clientHeight / 3);
  }, [range, loaded]);

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
      {!range && <blockquote className="source-quote" data-testid="source-quote">{loaded.chunkText || source.quote}</blockquote>}
    </>
  );
}
