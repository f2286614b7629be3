import type { TFunction } from 'i18next';
import type { AnswerSource } from '../../../../preload/contract';
import { isPrintedPageLabel } from '../library/page-chunks';

type PageFields = Pick<AnswerSource, 'pageLabel' | 'pageStart' | 'pageEnd'> & Partial<Pick<AnswerSource, 'pageLabels' | 'ocr'>>;

/**
 * The excerpt's page(s) as a reader cites them: "p. 7", "pp. 7–8" across a page break (both
 * printed labels), "p. 4, OCR" for a scanned page, or a section heading for Markdown and Word.
 * Answers stored before excerpts carry no pageLabels: their passage's first label is used.
 */
export function sourcePageText(t: TFunction<'chat'>, s: PageFields): string {
  const text = pagesText(t, s);
  return s.ocr ? t('source.ocr', { page: text }) : text;
}

function pagesText(t: TFunction<'chat'>, s: PageFields): string {
  const labels = (s.pageLabels ?? []).map((l) => l.trim()).filter(Boolean);
  if (labels.length > 0) {
    const first = labels[0] as string;
    const last = labels[labels.length - 1] as string;
    if (!isPrintedPageLabel(first)) return first;
    return last !== first && isPrintedPageLabel(last) ? t('source.pages', { from: first, to: last }) : t('source.page', { label: first });
  }
  if (!s.pageLabel) return t('source.page', { label: String(s.pageStart) });
  if (s.pageEnd > s.pageStart && s.pageLabel === String(s.pageStart)) return t('source.pages', { from: s.pageStart, to: s.pageEnd });
  return isPrintedPageLabel(s.pageLabel) ? t('source.page', { label: s.pageLabel }) : s.pageLabel;
}

/** The short label for the chip beside a citation: printed pages only (a section heading is too long for a chip). */
export function chipPageText(t: TFunction<'chat'>, s: PageFields): string | null {
  const first = (s.pageLabels?.[0] ?? s.pageLabel).trim();
  if (first && !isPrintedPageLabel(first)) return null;
  return sourcePageText(t, s);
}

export function sourceTitle(s: Pick<AnswerSource, 'title' | 'filename'>): string {
  return s.title?.trim() || s.filename;
}

/** The page part, or null when it would only repeat the title (a Markdown section named like its document). */
export function distinctPageText(t: TFunction<'chat'>, s: Pick<AnswerSource, 'title' | 'filename'> & PageFields): string | null {
  const page = sourcePageText(t, s);
  return page.trim() === sourceTitle(s).trim() ? null : page;
}

/** What the answer quotes from this source: its excerpt, else (answers stored before excerpts) the whole passage. */
export function excerptOf(s: Pick<AnswerSource, 'quote'> & Partial<Pick<AnswerSource, 'excerpt' | 'excerptStart' | 'excerptEnd'>>): string {
  if (s.excerpt?.trim()) return s.excerpt;
  const { excerptStart: from, excerptEnd: to } = s;
  if (from !== undefined && to !== undefined && to > from && to <= s.quote.length) return s.quote.slice(from, to);
  return s.quote;
}
