import { highlightSegments } from './highlight';

/** Text with the query's words wrapped in <mark>; the text is never parsed as HTML. */
export function Highlighted({ text, query }: { text: string; query: string }) {
  if (!query.trim()) return <>{text}</>;
  return <>{highlightSegments(text, query).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}
