import type { Migration } from '../migrate';

// Pages read by OCR are marked, so citations can say "p. 4, OCR" (the words may differ from the
// print). Chunks carry a role: a table of contents or a back-of-book index stays searchable but
// is not evidence, so answers keep it out of their excerpts.
export const migration0006: Migration = {
  version: 6,
  name: 'ocr-pages-and-chunk-roles',
  up: `
    ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0 CHECK (ocr IN (0, 1));
    ALTER TABLE chunks ADD COLUMN role TEXT NOT NULL DEFAULT 'body' CHECK (role IN ('body', 'toc', 'index'));
  `,
};
