import { memo, useEffect, useMemo, useRef } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { rehypeMarkExcerpt, rehypeMarkQuery } from './rehype-marks';
import './viewer.css';

type Props = {
  /** A Markdown or Word section's text as stored (Markdown). */
  text: string;
  /** Marked and scrolled into view. */
  excerpt?: string | null;
  /** Search words to mark instead of an excerpt. */
  query?: string;
  className?: string;
  testId?: string;
};

const components: Components = {
  // No remote content and no navigation away from the app from a document's own links and images.
  img: ({ alt }) => (alt ? <span className="md-img-alt">{alt}</span> : null),
  a: ({ href, children }) => <a href={href} target="_blank" rel="noopener noreferrer">{children}</a>,
};

/** Markdown as formatted text (headings, lists, tables), raw HTML dropped, with the excerpt or search words marked. */
export const FormattedText = memo(function FormattedText({ text, excerpt = null, query = '', className = 'formatted-page', testId = 'formatted-page' }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const rehypePlugins = useMemo(
    () => (excerpt ? [[rehypeMarkExcerpt, { excerpt }] as [typeof rehypeMarkExcerpt, { excerpt: string }]] : [[rehypeMarkQuery, { query }] as [typeof rehypeMarkQuery, { query: string }]]),
    [excerpt, query],
  );
  useEffect(() => {
    const el = box.current;
    const first = el?.querySelector<HTMLElement>('mark.excerpt-hit') ?? (query.trim() ? el?.querySelector<HTMLElement>('mark') : null);
    if (!el || !first) return;
    // In the source panel the text box scrolls by itself; in the library the page does.
    if (el.scrollHeight > el.clientHeight) el.scrollTop = Math.max(0, first.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - el.clientHeight / 3);
    else first.scrollIntoView({ block: 'center' });
  }, [text, excerpt, query]);
  return (
    <div className={className} ref={box} data-testid={testId} tabIndex={0}>
      <Markdown skipHtml remarkPlugins={[remarkGfm]} rehypePlugins={rehypePlugins} components={components}>{text}</Markdown>
    </div>
  );
});
