import { useEffect, useRef } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { matchExcerpt } from './excerpt-match';
import { loadPdfJs } from './pdf-loader';

export type PageRendered = {
  /** 'whole': the excerpt is marked on this page; 'part': the part of it on this page; 'none': not here. */
  excerpt: 'whole' | 'part' | 'none';
  firstMark: HTMLElement | null;
  /** The page's text as its text layer has it (empty for a scanned page without a text layer). */
  text: string;
};

type Props = {
  pdf: PDFDocumentProxy;
  pageNo: number;
  /** CSS pixels per PDF point. */
  scale: number;
  excerpt: string | null;
  onRendered: (r: PageRendered) => void;
  onError: (message: string) => void;
};

/** One PDF page as pdf.js draws it: a canvas, and over it the selectable text layer with the excerpt marked. */
export function PdfPage({ pdf, pageNo, scale, excerpt, onRendered, onError }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onRendered, onError });
  callbacks.current = { onRendered, onError };

  useEffect(() => {
    let cancelled = false;
    const cancels: Array<() => void> = [];
    // The previous page's text and marks go at once, so nothing stale is read (or seen) as this page's.
    layer.current?.replaceChildren();
    box.current?.setAttribute('data-state', 'rendering');
    void (async () => {
      const [pdfjs, page] = await Promise.all([loadPdfJs(), pdf.getPage(pageNo)]);
      const c = canvas.current;
      const l = layer.current;
      const b = box.current;
      if (cancelled || !c || !l || !b) return;
      const viewport = page.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      c.width = Math.floor(viewport.width * ratio);
      c.height = Math.floor(viewport.height * ratio);
      b.style.width = `${Math.floor(viewport.width)}px`;
      b.style.height = `${Math.floor(viewport.height)}px`;
      b.style.setProperty('--total-scale-factor', String(viewport.scale));
      const draw = page.render({ canvas: c, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      cancels.push(() => draw.cancel());
      const textLayer = new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: l, viewport });
      cancels.push(() => textLayer.cancel());
      await Promise.all([draw.promise, textLayer.render()]);
      if (cancelled) return;
      const found = excerpt ? matchExcerpt(textLayer.textContentItemsStr, excerpt) : null;
      const firstMark = found ? markRanges(textLayer.textDivs, found.ranges) : null;
      b.setAttribute('data-state', 'rendered');
      callbacks.current.onRendered({ excerpt: found ? (found.whole ? 'whole' : 'part') : 'none', firstMark, text: textLayer.textContentItemsStr.join(' ') });
    })().catch((err: unknown) => {
      const name = (err as { name?: string } | null)?.name;
      if (!cancelled && name !== 'RenderingCancelledException' && name !== 'AbortException') callbacks.current.onError(err instanceof Error ? err.message : String(err));
    });
    return () => { cancelled = true; for (const c of cancels) c(); };
  }, [pdf, pageNo, scale, excerpt]);

  return (
    <div className="pdf-page" ref={box} data-testid="pdf-page" data-page-no={pageNo}>
      <canvas ref={canvas} aria-hidden="true" />
      <div className="pdf-text-layer" ref={layer} data-testid="pdf-text-layer" />
    </div>
  );
}

/** Wraps each range of a text-layer span in <mark> (the span's text stays in place, so layout does not move). */
function markRanges(divs: readonly HTMLElement[], ranges: ReadonlyArray<{ piece: number; start: number; end: number }>): HTMLElement | null {
  let first: HTMLElement | null = null;
  for (const r of ranges) {
    const div = divs[r.piece];
    const text = div?.textContent;
    if (!div || !text) continue;
    const mark = document.createElement('mark');
    mark.className = 'excerpt-hit';
    mark.dataset.testid = 'excerpt-mark';
    mark.textContent = text.slice(r.start, r.end);
    div.replaceChildren(text.slice(0, r.start), mark, text.slice(r.end));
    first ??= mark;
  }
  return first;
}
