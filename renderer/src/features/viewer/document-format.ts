import type { LibraryDocument } from '../../../../preload/contract';

export type DocumentFormat = 'pdf' | 'markdown' | 'plain';

/** How a document's pages read best: PDFs drawn by pdf.js, Markdown and Word (stored as Markdown) formatted, the rest as plain text. */
export function documentFormat(doc: Pick<LibraryDocument, 'mime' | 'filename'>): DocumentFormat {
  const name = doc.filename.toLowerCase();
  if (doc.mime === 'application/pdf' || name.endsWith('.pdf')) return 'pdf';
  if (/markdown|wordprocessingml|msword/.test(doc.mime) || /\.(md|markdown|docx)$/.test(name)) return 'markdown';
  return 'plain';
}
