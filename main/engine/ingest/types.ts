// Shapes shared by the extractors and the chunker. Pure data: no I/O here.

export type DocumentKind = 'pdf' | 'markdown' | 'text' | 'docx';

/** Where, inside a page's text, a (sub)section starts; the chunker uses it to label chunks. */
export interface SectionStart {
  /** UTF-16 offset into `ExtractedPage.text` of the section's heading line. */
  offset: number;
  headingPath: string[];
}

export interface ExtractedPage {
  /** 1-based, the real page number for PDFs; sequential section/part number otherwise. */
  pageNo: number;
  /** What a reader calls the page: the PDF page label ("iv", "12"), a section heading, or String(pageNo). */
  label: string;
  text: string;
  /** The heading path in force at the start of the page. */
  headingPath: string[];
  /** Sub-sections that start inside this page (Markdown, DOCX); absent for PDF and plain text. */
  sections?: SectionStart[];
}

export interface ExtractedDocument {
  kind: DocumentKind;
  mime: string;
  title: string | null;
  pageCount: number;
  pages: ExtractedPage[];
  /** Human-readable notes about partial problems (a page that failed, a guessed encoding…). */
  warnings: string[];
}

export interface ExtractProgress {
  page: number;
  pages: number;
}

export interface ExtractOptions {
  password?: string;
  signal?: AbortSignal;
  /** Files larger than this are refused with TOO_LARGE. */
  maxBytes?: number;
  onProgress?: (p: ExtractProgress) => void;
  /** A PDF page that takes longer than this is skipped with a warning (default 20 s). */
  pageTimeoutMs?: number;
}

export interface DraftChunk {
  ord: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  headingPath: string[];
}

export interface ChunkOptions {
  chunkChars: number;
  overlapChars: number;
}

export const mimeByKind: Record<DocumentKind, string> = {
  pdf: 'application/pdf',
  markdown: 'text/markdown',
  text: 'text/plain',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
