import { memo, useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CITATION_TAG, rehypeCitations } from './rehype-citations';
import './chat.css';

type Props = {
  text: string;
  /** Source numbers that exist: only these become chips. */
  known: ReadonlySet<number>;
  /** The chip's accessible name, e.g. "Source 2: Guia BSC, p. 12". */
  citeLabel: (n: number) => string;
  onCite: (n: number) => void;
  /** The chip currently open in the source panel. */
  activeCite?: number | null;
  /** The excerpt's page label(s) shown in the chip beside the number ("p. 7"), or null. */
  citePage?: (n: number) => string | null;
};

const remarkPlugins = [remarkGfm];

/**
 * The answer's Markdown, rendered safely: raw HTML is dropped (skipHtml, and no rehype-raw),
 * images show their alt text (no remote content), links open outside the app, and [n]
 * markers become buttons that open the source panel.
 */
export const AnswerMarkdown = memo(function AnswerMarkdown({ text, known, citeLabel, onCite, activeCite = null, citePage }: Props) {
  const rehypePlugins = useMemo(() => [[rehypeCitations, { known }] as [typeof rehypeCitations, { known: ReadonlySet<number> }]], [known]);
  const components = useMemo<Components>(() => ({
    [CITATION_TAG]: ({ node }) => {
      const n = Number(node?.properties?.dataCitation);
      const page = citePage?.(n) ?? null;
      return (
        <button
          type="button"
          className={n === activeCite ? 'cite-chip active' : 'cite-chip'}
          data-testid="citation"
          data-n={n}
          aria-label={citeLabel(n)}
          title={citeLabel(n)}
          aria-pressed={n === activeCite}
          onClick={() => onCite(n)}
        >
          {n}
          {page && <span className="cite-page" data-testid="citation-page">{page}</span>}
        </button>
      );
    },
    img: ({ alt }) => (alt ? <span className="md-img-alt">{alt}</span> : null),
    a: ({ href, children }) => <a href={href} target="_blank" rel="noopener noreferrer">{children}</a>,
  }), [activeCite, citeLabel, onCite, citePage]);
  return (
    <div className="answer-markdown">
      {/* GFM: a quoted table reads as a table, not as one line of pipes. */}
      <Markdown skipHtml remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>{text}</Markdown>
    </div>
  );
});
