import type { TFunction } from 'i18next';
import type { AnswerSource } from '../../../../preload/contract';
import { isPrintedPageLabel } from '../library/page-chunks';

/** "p. 12", "pp. 12–13" when the passage runs over a page break, or a section heading for Markdown and Word. */
export function sourcePageText(t: TFunction<'chat'>, s: Pick<AnswerSource, 'pageLabel' | 'pageStart' | 'pageEnd'>): string {
  if (!s.pageLabel) return t('source.page', { label: String(s.pageStart) });
  if (s.pageEnd > s.pageStart && s.pageLabel === String(s.pageStart)) return t('source.pages', { from: s.pageStart, to: s.pageEnd });
  return isPrintedPageLabel(s.pageLabel) ? t('source.page', { label: s.pageLabel }) : s.pageLabel;
}

export function sourceTitle(s: Pick<AnswerSource, 'title' | 'filename'>): string {
  return s.title?.trim() || s.filename;
}

/** The page part, or null when it would only repeat the title (a Markdown section named like its document). */
export function distinctPageText(t: TFunction<'chat'>, s: Pick<AnswerSource, 'title' | 'filename' | 'pageLabel' | 'pageStart' | 'pageEnd'>): string | null {
  const page = sourcePageText(t, s);
  return page.trim() === sourceTitle(s).trim() ? null : page;
}
