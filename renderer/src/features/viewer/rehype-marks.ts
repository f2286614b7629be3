// rehype steps for react-markdown that mark text on the syntax tree (never on HTML strings):
// the cited excerpt in a formatted Markdown/Word section, or the words of a library search.
import { highlightSegments } from '../library/highlight';
import { matchExcerpt } from './excerpt-match';

type HastText = { type: 'text'; value: string };
type HastElement = { type: 'element'; tagName: string; properties: Record<string, unknown>; children: HastNode[] };
type HastNode = HastText | HastElement | { type: string; children?: HastNode[]; value?: string };
type HastParent = { type: string; children?: HastNode[] };

type TextSlot = { parent: HastParent; node: HastText };

function textSlots(tree: HastParent): TextSlot[] {
  const out: TextSlot[] = [];
  const walk = (parent: HastParent) => {
    for (const child of parent.children ?? []) {
      if (child.type === 'text') out.push({ parent, node: child as HastText });
      else if ('children' in child && child.children) walk(child as HastParent);
    }
  };
  walk(tree);
  return out;
}

const mark = (value: string, props: Record<string, unknown>): HastElement => ({ type: 'element', tagName: 'mark', properties: props, children: [{ type: 'text', value }] });

/** Replaces one text node by its pieces, marked ones as <mark>. */
function splitText(slot: TextSlot, cuts: Array<{ start: number; end: number }>, props: Record<string, unknown>): void {
  const { value } = slot.node;
  const pieces: HastNode[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a.start - b.start)) {
    if (c.start > at) pieces.push({ type: 'text', value: value.slice(at, c.start) });
    pieces.push(mark(value.slice(c.start, c.end), props));
    at = c.end;
  }
  if (at < value.length) pieces.push({ type: 'text', value: value.slice(at) });
  const siblings = slot.parent.children ?? [];
  siblings.splice(siblings.indexOf(slot.node), 1, ...pieces);
}

export const EXCERPT_MARK = { className: ['excerpt-hit'], dataTestid: 'excerpt-mark' };

/** `rehypePlugins={[[rehypeMarkExcerpt, { excerpt }]]}`: the cited excerpt, matched across formatting. */
export function rehypeMarkExcerpt(options: { excerpt: string | null }) {
  return (tree: HastParent) => {
    if (!options.excerpt) return;
    const slots = textSlots(tree);
    const found = matchExcerpt(slots.map((s) => s.node.value), options.excerpt);
    if (!found) return;
    const bySlot = new Map<number, Array<{ start: number; end: number }>>();
    for (const r of found.ranges) bySlot.set(r.piece, [...(bySlot.get(r.piece) ?? []), r]);
    for (const [i, cuts] of bySlot) splitText(slots[i] as TextSlot, cuts, EXCERPT_MARK);
  };
}

/** `rehypePlugins={[[rehypeMarkQuery, { query }]]}`: the words of a search, as the library marks them in plain text. */
export function rehypeMarkQuery(options: { query: string }) {
  return (tree: HastParent) => {
    if (!options.query.trim()) return;
    for (const slot of textSlots(tree)) {
      let at = 0;
      const cuts: Array<{ start: number; end: number }> = [];
      for (const s of highlightSegments(slot.node.value, options.query)) {
        if (s.match) cuts.push({ start: at, end: at + s.text.length });
        at += s.text.length;
      }
      if (cuts.length > 0) splitText(slot, cuts, {});
    }
  };
}
