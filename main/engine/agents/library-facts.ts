import type Database from 'better-sqlite3';
import { decodeHeadingPath } from '../db/library';
import { foldDiacritics } from '../retrieval/analyze';
import type { TermStats } from './evidence';
import { pageReaderFor, type PageReader } from './page-map';
import type { Passage } from './sources';

/** What the answer pipeline reads from the library besides search: page texts, term statistics, sections. */
export interface LibraryFacts {
  pages: PageReader;
  termStats(): TermStats;
  /**
   * The chunks of a document whose section heading contains one of `stems` (folded prefixes such
   * as "indicador"), in reading order: the section a list question asks for ("Indicadores e fórmulas")
   * even when its chunks hold formulas rather than the question's words.
   */
  sectionChunks(documentId: string, stems: string[], limit: number): Array<Omit<Passage, 'store'>>;
}

const statements = new WeakMap<Database.Database, { docFreq: Database.Statement; chunks: Database.Statement }>();
const sectionStatements = new WeakMap<Database.Database, Database.Statement>();

interface SectionRow { id: number; document_id: string; page_start: number; page_end: number; heading_path: string; text: string; role: 'body' | 'toc' | 'index'; filename: string; title: string | null; label: string | null; ocr: number | null }

function sectionChunksOf(db: Database.Database, documentId: string, stems: string[], limit: number): Array<Omit<Passage, 'store'>> {
  let s = sectionStatements.get(db);
  if (!s) {
    s = db.prepare(`SELECT c.id, c.document_id, c.page_start, c.page_end, c.heading_path, c.text, c.role, d.filename, d.title, p.label, p.ocr
      FROM chunks c JOIN documents d ON d.id = c.document_id AND d.status = 'indexed'
      LEFT JOIN pages p ON p.document_id = c.document_id AND p.page_no = c.page_start
      WHERE c.document_id = ? ORDER BY c.ord`);
    sectionStatements.set(db, s);
  }
  const out: Array<Omit<Passage, 'store'>> = [];
  for (const r of s.iterate(documentId) as Iterable<SectionRow>) {
    const path = decodeHeadingPath(r.heading_path);
    const last = foldDiacritics((path[path.length - 1] ?? '').toLowerCase());
    if (r.role !== 'body' || !stems.some((st) => last.includes(st))) continue;
    out.push({ chunkId: r.id, documentId: r.document_id, score: 0, text: r.text, pageStart: r.page_start, pageEnd: r.page_end, headingPath: path, pageLabel: r.label ?? String(r.page_start), filename: r.filename, title: r.title, snippet: '', ocr: r.ocr === 1, role: r.role });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Document frequencies from the FTS5 index (the same analysed terms BM25 ranks by), through an
 * fts5vocab table on this connection. Memoised per answer: a question has a handful of terms.
 */
export function libraryFactsFor(db: Database.Database): LibraryFacts {
  return {
    pages: pageReaderFor(db),
    sectionChunks: (documentId, stems, limit) => sectionChunksOf(db, documentId, stems, limit),
    termStats() {
      let s = statements.get(db);
      if (!s) {
        db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_vocab USING fts5vocab(main, chunks_fts, row)');
        s = { docFreq: db.prepare('SELECT doc FROM temp.chunks_fts_vocab WHERE term = ?'), chunks: db.prepare('SELECT count(*) AS n FROM chunks') };
        statements.set(db, s);
      }
      const st = s;
      const chunks = (st.chunks.get() as { n: number }).n;
      const memo = new Map<string, number>();
      return {
        chunks: Math.max(chunks, 1),
        docFreq(stem) {
          let df = memo.get(stem);
          if (df === undefined) {
            df = (st.docFreq.get(stem) as { doc: number } | undefined)?.doc ?? 0;
            memo.set(stem, df);
          }
          return df;
        },
      };
    },
  };
}
