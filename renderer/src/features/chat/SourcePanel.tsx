import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource, MethodOutput } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { SourceBody } from './SourceBody';
import { queueCitationForMap } from '../strategy/pending-citation';
import { excerptOf, sourcePageText, sourceTitle } from './source-label';

type Loaded = MethodOutput<'chat.source'>;
type State = { kind: 'loading' } | { kind: 'loaded'; value: Loaded } | { kind: 'missing'; message: string };

/** What a citation points to: the PDF page itself (or the formatted section) with the excerpt marked. */
export function SourcePanel({ source, onClose }: { source: AnswerSource; onClose: () => void }) {
  const { t } = useTranslation('chat');
  const [state, setState] = useState<State>({ kind: 'loading' });
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    void api.call('chat.source', { chunkId: source.chunkId, page: source.pageStart }).then((r) => {
      if (!live) return;
      setState(r.ok ? { kind: 'loaded', value: r.value } : { kind: 'missing', message: `${r.error.code}: ${r.error.message}` });
    });
    return () => { live = false; };
  }, [source.chunkId, source.pageStart]);

  // Focus moves into the panel when it opens (and back to where it was when it closes).
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeButton.current?.focus({ preventScroll: true });
    return () => { if (before?.isConnected) before.focus({ preventScroll: true }); };
  }, []);

  const doc = state.kind === 'loaded' ? state.value.document : null;
  const title = doc ? doc.title?.trim() || doc.filename : sourceTitle(source);
  // The excerpt's own page label(s), the same text as the chip beside the citation.
  const pageLabel = sourcePageText(t, source);
  const excerpt = excerptOf(source);

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
        <button
          type="button"
          className="secondary small"
          data-testid="add-to-map"
          onClick={() => queueCitationForMap({ documentId: source.documentId, filename: doc?.title?.trim() || source.title || source.filename, chunkId: source.chunkId, excerpt: excerpt.slice(0, 2000), pageLabels: source.pageLabels?.length ? source.pageLabels : [source.pageLabel], pageStart: source.pageStart, pageEnd: source.pageEnd })}
        >{t('addToMap', { ns: 'strategy' })}</button>
        <button type="button" ref={closeButton} className="secondary small source-close" onClick={onClose} aria-label={t('source.close')} data-testid="source-close">×</button>
      </header>
      {state.kind === 'loading' && <p className="muted">{t('source.loading')}</p>}
      {state.kind === 'missing' && (
        <>
          <p className="notice">{t('source.missing')}</p>
          <p className="muted small-text">{state.message}</p>
          <blockquote className="source-quote" data-testid="source-quote">{excerpt}</blockquote>
        </>
      )}
      {state.kind === 'loaded' && <SourceBody loaded={state.value} source={source} excerpt={excerpt} />}
    </aside>
  );
}
