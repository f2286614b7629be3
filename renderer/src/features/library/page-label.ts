import type { TFunction } from 'i18next';
import { isPrintedPageLabel } from './page-chunks';

/** "p. 47" / "p. iv" for a printed page label, the heading itself for a Markdown or Word section. */
export function pageLabelText(t: TFunction, label: string, pageNo: number): string {
  if (!label) return t('library.page', { label: String(pageNo) });
  return isPrintedPageLabel(label) ? t('library.page', { label }) : label;
}
