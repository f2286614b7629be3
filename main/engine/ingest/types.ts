// Shapes shared by the extractors and the chunker. Pure data: no I/O here.

export type DocumentKind = 'pdf' | 'markdown' | 'text' | 'docx' | 'image';

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
  /** The text came from OCR (a scanned page or an image), so it may differ from the printed words. */
  ocr?: boolean;
  /** A table of contents or a back-of-book index page: its chunks are searchable but not evidence. */
  role?: 'toc' | 'index';
  /** Running header/footer lines removed from `text` (PDF): indexed for search, never quoted. */
  margins?: string[];
}

export interface ExtractedDocument {
  kind: DocumentKind;
  mime: string;
  title: string | null;
  pageCount: number;
  pages: ExtractedPage[];
  /** Human-readable notes about partial problems (a page that failed, a guessed encoding…). */
  warnings: string[];
  /** What reading it cost: pages recognised by OCR, and the peak memory of the extracting process. */
  stats?: ExtractStats;
}

export interface ExtractStats {
  ocrPages: number;
  ocrMs: number;
  /** Peak resident memory of the process that extracted (the isolated child), in MB. */
  peakRssMb?: number;
}

export interface ExtractProgress {
  page: number;
  pages: number;
  /** True while this page is being recognised by OCR. */
  ocr?: boolean;
}

export interface OcrOptions {
  enabled: boolean;
  /** Tesseract language codes, e.g. ['por', 'eng']. */
  languages: string[];
}

export interface ExtractOptions {
  password?: string;
  signal?: AbortSignal;
  /** Files larger than this are refused with TOO_LARGE. */
  maxBytes?: number;
  onProgress?: (p: ExtractProgress) => void;
  /** A PDF page that takes longer than this is skipped with a warning (default 20 s). */
  pageTimeoutMs?: number;
  /** OCR for pages without a text layer and for images; off when absent. */
  ocr?: OcrOptions;
  /** A compressed stream that would expand beyond this is refused with TOO_LARGE (decompression bombs). */
  maxDecodedStreamBytes?: number;
}

export interface DraftChunk {
  ord: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  headingPath: string[];
  /** A table of contents or a back-of-book index: searchable, but not evidence. */
  role?: 'toc' | 'index';
  /** The running headers/footers of the chunk's pages: to index with it (searchable), not part of its text. */
  marginText?: string;
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
  image: 'image/png',
};
