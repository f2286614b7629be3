// A rehype step for react-markdown: citation markers in the rendered text become
// <cite data-citation="n"> elements, which the view maps to clickable chips. It works on the
// syntax tree (never on HTML strings), so nothing from the model is ever parsed as markup.
import { splitCitations } from './citations';

type HastText = { type: 'text'; value: string };
type HastElement = { type: 'element'; tagName: string; properties: Record<string, unknown>; children: HastNode[] };
type HastNode = HastText | HastElement | { type: string; children?: HastNode[]; value?: string };
type HastParent = { type: string; children?: HastNode[] };

/** Text inside these stays as written: code shows code, a link's text is the link. */
const KEEP = new Set(['code', 'pre', 'a', 'cite', 'kbd', 'samp']);

export const CITATION_TAG = 'cite';

function citationElement(n: number): HastElement {
  return { type: 'element', tagName: CITATION_TAG, properties: { dataCitation: n }, children: [{ type: 'text', value: String(n) }] };
}

function transform(parent: HastParent, known: ReadonlySet<number>): void {
  if (!parent.children) return;
  const out: HastNode[] = [];
  let pending = '';
  // The markdown parser may leave "[" and "1]" in separate text nodes: join neighbours first.
  const flush = () => {
    if (!pending) return;
    for (const s of splitCitations(pending, known)) out.push(s.kind === 'text' ? { type: 'text', value: s.text } : citationElement(s.n));
    pending = '';
  };
  for (const child of parent.children) {
    if (child.type === 'text') { pending += (child as HastText).value; continue; }
    flush();
    if (child.type === 'element' && !KEEP.has((child as HastElement).tagName)) transform(child as HastParent, known);
    else if (child.type === 'root') transform(child as HastParent, known);
    out.push(child);
  }
  flush();
  parent.children = out;
}

/** The plugin: `rehypePlugins={[[rehypeCitations, { known }]]}`. */
export function rehypeCitations(options: { known: ReadonlySet<number> }) {
  return (tree: HastParent) => transform(tree, options.known);
}
