import { memo, useEffect, useId, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SearchHit } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { Highlighted } from './Highlighted';
import { pageLabelText } from './page-label';
import { documentFormat } from '../viewer/document-format';
import { markdownToPlain } from '../viewer/markdown-plain';

const TYPING_PAUSE_MS = 250;

/** "p. 47", or "pp. 47–48" when the passage runs over a page break (labels are then page numbers). */
function hitPages(t: TFunction, hit: SearchHit): string {
  if (hit.pageEnd > hit.pageStart && hit.pageLabel === String(hit.pageStart)) return t('library.pageRange', { from: hit.pageStart, to: hit.pageEnd });
  return pageLabelText(t, hit.pageLabel, hit.pageStart);
}

/** The snippet as words: a Markdown or Word passage without its ##, ** and table rules. */
function snippetText(hit: SearchHit): string {
  const text = hit.snippet || hit.text.slice(0, 300);
  return documentFormat({ mime: '', filename: hit.filename }) === 'markdown' ? markdownToPlain(text) : text;
}

type Results = { query: string; hits: SearchHit[]; tookMs: number } | null;

export const SearchPanel = memo(function SearchPanel({ onOpen }: { onOpen: (hit: SearchHit, query: string) => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const run = async (q: string) => {
    const ticket = ++latest.current;
    if (!q.trim()) { setResults(null); setSearching(false); setError(null); return; }
    setSearching(true);
    const r = await api.call('library.search', { query: q.trim(), mode: 'bm25', k: 20 });
    if (ticket !== latest.current) return; // a newer query has been typed since
    setSearching(false);
    if (r.ok) { setResults({ query: q.trim(), hits: r.value.hits, tookMs: r.value.tookMs }); setError(null); } else setError(`${r.error.code}: ${r.error.message}`);
  };

  // Search as the user types, once they pause (run only touches refs and state setters).
  useEffect(() => {
    const timer = setTimeout(() => void run(query), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  return (
    <section className="library-search" aria-label={t('library.search.label')}>
      <form role="search" className="search-form" onSubmit={(e) => { e.preventDefault(); void run(query); }}>
        <label htmlFor={inputId}>{t('library.search.label')}</label>
        <div className="search-row">
          <input
            id={inputId}
            type="search"
            value={query}
            placeholder={t('library.search.placeholder')}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="library-search"
          />
          <button type="submit">{t('library.search.submit')}</button>
          {query && <button type="button" className="secondary" onClick={() => setQuery('')}>{t('library.search.clear')}</button>}
        </div>
      </form>
      <div aria-live="polite" className="search-status muted">
        {searching ? t('library.search.searching') : results && (results.hits.length > 0
          ? t('library.search.results', { count: results.hits.length, ms: Math.round(results.tookMs) })
          : t('library.search.none', { query: results.query }))}
      </div>
      {error && <p role="alert" className="alert">{error}</p>}
      {results && results.hits.length > 0 && (
        <ol className="search-hits" data-testid="search-hits">
          {results.hits.map((hit) => (
            <li key={hit.chunkId}>
              <button type="button" className="search-hit" onClick={() => onOpen(hit, results.query)} data-testid="search-hit">
                <span className="hit-head">
                  <span className="hit-title">{hit.title?.trim() || hit.filename}</span>
                  <span className="hit-page" data-testid="hit-page">
                    {hitPages(t, hit)}
                  </span>
                </span>
                {hit.headingPath.length > 0 && <span className="hit-path">{hit.headingPath.join(' › ')}</span>}
                <span className="hit-snippet"><Highlighted text={snippetText(hit)} query={results.query} /></span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});
