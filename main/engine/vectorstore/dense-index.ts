import type Database from 'better-sqlite3';
import { BscError } from '../errors';
import { Int8CodeTable, codeDimsFor, quantizeInt8 } from './int8-scan';
import type { VectorHit } from './port';

/**
 * The embedded store's dense vectors: one row per chunk in `chunk_embeddings` (the float vector,
 * its int8 code and the code's scale factor), and per connection an in-memory table of the codes.
 * A query scans every code (int8-scan.ts, ~1 ms per 10k at 1536-d), keeps the best candidates, and
 * orders them by exact cosine on their float vectors.
 *
 * Readers in other connections (reader threads) notice writes through library_meta's
 * `vector_generation`, bumped by every delete or overwrite, and through new chunk ids above the
 * highest one they loaded (imports only append).
 *
 * Libraries made before this table kept float vectors in a sqlite-vec `vec0` table
 * (`chunk_vectors`); the writer converts them on first use (convertLegacyVectors).
 */

type Db = Database.Database;

export const VECTOR_DIMS_KEY = 'vector_dims';
const GENERATION_KEY = 'vector_generation';
const LEGACY_TABLE = 'chunk_vectors';

/** Candidates re-scored with float vectors per query: recall@10 vs exact float ≥ 0.99 in the bench. */
export function candidatesFor(k: number): number {
  return Math.max(4 * k, 100);
}

interface LoadedCodes {
  dims: number;
  codes: Int8CodeTable;
  ids: number[];
  factors: number[];
  generation: string;
  maxId: number;
  /** Loaded inside a transaction that may still roll back: reload once outside it. */
  provisional: boolean;
}

interface DenseStatements {
  insert: Database.Statement;
  deleteOne: Database.Statement;
  count: Database.Statement;
  maxId: Database.Statement;
  generation: Database.Statement;
  bump: Database.Statement;
  loadAfter: Database.Statement;
  floats: Database.Statement;
}

const statements = new WeakMap<Db, DenseStatements>();
const loaded = new WeakMap<Db, LoadedCodes>();

export const CREATE_DENSE_TABLE = `CREATE TABLE IF NOT EXISTS chunk_embeddings (
    chunk_id INTEGER PRIMARY KEY,
    factor   REAL NOT NULL,
    code     BLOB NOT NULL,
    vector   BLOB NOT NULL
  )`;

export function tableExists(db: Db, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

export function recordedDims(db: Db): number | null {
  const row = db.prepare(`SELECT value FROM library_meta WHERE key = ?`).get(VECTOR_DIMS_KEY) as { value: string } | undefined;
  return row ? Number(row.value) : null;
}

/** The dimensions of the embedded vector index, or 0 when nothing is embedded yet. */
export function embeddedVectorDims(db: Db): number {
  return recordedDims(db) ?? 0;
}

function statementsOf(db: Db): DenseStatements {
  let s = statements.get(db);
  if (s) return s;
  s = {
    insert: db.prepare('INSERT INTO chunk_embeddings (chunk_id, factor, code, vector) VALUES (?, ?, ?, ?)'),
    deleteOne: db.prepare('DELETE FROM chunk_embeddings WHERE chunk_id = ?'),
    count: db.prepare('SELECT count(*) AS n FROM chunk_embeddings'),
    maxId: db.prepare('SELECT max(chunk_id) FROM chunk_embeddings').pluck(),
    generation: db.prepare(`SELECT value FROM library_meta WHERE key = '${GENERATION_KEY}'`).pluck(),
    bump: db.prepare(`INSERT INTO library_meta (key, value) VALUES ('${GENERATION_KEY}', '1')
      ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`),
    loadAfter: db.prepare('SELECT chunk_id, factor, code FROM chunk_embeddings WHERE chunk_id > ? ORDER BY chunk_id').raw(),
    floats: db.prepare('SELECT chunk_id, vector FROM chunk_embeddings WHERE chunk_id IN (SELECT value FROM json_each(?))').raw(),
  };
  statements.set(db, s);
  return s;
}

/** A dense table of the right dimensions exists (or none and `dims` is recorded now); refuses other dimensions. */
export function ensureDenseTable(db: Db, dims: number): void {
  const recorded = recordedDims(db);
  if (recorded !== null && recorded !== dims) throw dimensionsMismatch(recorded, dims);
  // Made by migration 0008; kept here for a database stamped past 8 before 0008 existed.
  if (!tableExists(db, 'chunk_embeddings')) db.exec(CREATE_DENSE_TABLE);
  if (recorded !== dims) {
    db.prepare(`INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(VECTOR_DIMS_KEY, String(dims));
  }
}

export function dimensionsMismatch(indexDims: number, given: number): BscError {
  return new BscError(
    'BAD_INPUT',
    `The vector index holds ${indexDims}-dimensional vectors but the embedding model gives ${given}; rebuild the index to use this model.`,
    { indexDimensions: indexDims, givenDimensions: given, action: 'rebuild-index' },
  );
}

function blobOf(v: Float32Array | Int8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Upserts one chunk's vector (inside the caller's transaction). */
export function writeDenseVector(db: Db, chunkId: number, vector: Float32Array): void {
  const s = statementsOf(db);
  // Readers load only ids above the highest they hold: anything else must make them reload.
  const overwrote = s.deleteOne.run(chunkId).changes > 0;
  if (overwrote || chunkId < ((s.maxId.get() as number | null) ?? 0)) s.bump.run();
  const { code, factor } = quantizeInt8(vector);
  s.insert.run(chunkId, factor, blobOf(code), blobOf(vector));
}

export function deleteDenseVector(db: Db, chunkId: number): void {
  if (!tableExists(db, 'chunk_embeddings')) return;
  const s = statementsOf(db);
  if (s.deleteOne.run(chunkId).changes > 0) s.bump.run();
}

export function deleteDocumentDenseVectors(db: Db, documentId: string): void {
  if (!tableExists(db, 'chunk_embeddings') || !tableExists(db, 'chunk_filters')) return;
  const s = statementsOf(db);
  const deleted = db.prepare('DELETE FROM chunk_embeddings WHERE chunk_id IN (SELECT chunk_id FROM chunk_filters WHERE document_id = ?)').run(documentId);
  if (deleted.changes > 0) s.bump.run();
}

export function countDenseVectors(db: Db): number {
  return tableExists(db, 'chunk_embeddings') ? (statementsOf(db).count.get() as { n: number }).n : 0;
}

/** Drops the dense table (and a legacy vec0 one); the caller removes the recorded dimensions. */
export function dropDenseTables(db: Db): void {
  // Emptied, not dropped: the table belongs to the migrated schema (restore compares schemas).
  if (tableExists(db, 'chunk_embeddings')) db.exec('DELETE FROM chunk_embeddings');
  db.exec(`DROP TABLE IF EXISTS ${LEGACY_TABLE};`);
  db.prepare(`INSERT INTO library_meta (key, value) VALUES ('${GENERATION_KEY}', '1')
    ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`).run();
  statements.delete(db);
  loaded.delete(db);
}

/**
 * Moves a library's float vectors from the sqlite-vec table of earlier versions into
 * chunk_embeddings, in one transaction; a no-op when there is nothing to convert or the connection
 * is read-only (the writer converts it). Needs sqlite-vec loaded to read the old table.
 */
export function convertLegacyVectors(db: Db): boolean {
  if (db.readonly || !tableExists(db, LEGACY_TABLE)) return false;
  // Inside the migration's transaction, or one of its own.
  const inOwn = !db.inTransaction;
  const convert = () => {
    db.exec(CREATE_DENSE_TABLE);
    const s = statementsOf(db);
    // In pages: a statement cannot write while another is still iterating on the connection.
    const page = db.prepare(`SELECT chunk_id, embedding FROM ${LEGACY_TABLE} WHERE chunk_id > ? ORDER BY chunk_id LIMIT 512`).raw();
    for (let after = 0; ; ) {
      const rows = page.all(after) as Array<[number, Buffer]>;
      if (rows.length === 0) break;
      for (const [id, blob] of rows) {
        const vector = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
        const { code, factor } = quantizeInt8(vector);
        s.insert.run(id, factor, blobOf(code), blobOf(vector));
        after = id;
      }
    }
    db.exec(`DROP TABLE ${LEGACY_TABLE}`);
    s.bump.run();
    statements.delete(db);
  };
  if (inOwn) db.transaction(convert)();
  else convert();
  return true;
}

/** The connection's code table, loaded or brought up to date with what other connections wrote. */
function codesOf(db: Db, dims: number): LoadedCodes {
  const s = statementsOf(db);
  const generation = String(s.generation.get() ?? '0');
  let l = loaded.get(db);
  if (!l || l.dims !== dims || l.generation !== generation || (l.provisional && !db.inTransaction)) {
    l = { dims, codes: new Int8CodeTable(codeDimsFor(dims)), ids: [], factors: [], generation, maxId: 0, provisional: false };
    loaded.set(db, l);
  }
  l.provisional ||= db.inTransaction;
  for (const [id, factor, code] of s.loadAfter.iterate(l.maxId) as Iterable<[number, number, Buffer]>) {
    l.codes.append(new Int8Array(code.buffer, code.byteOffset, code.byteLength));
    l.ids.push(id);
    l.factors.push(factor);
    l.maxId = id;
  }
  return l;
}

/**
 * The k nearest chunks by cosine: int8 scan for candidatesFor(k), then exact float cosine.
 * `allowed` (chunk ids passing a filter) restricts the candidates; null means all.
 */
export function denseSearch(db: Db, vector: Float32Array, k: number, allowed: ReadonlySet<number> | null): VectorHit[] {
  const dims = recordedDims(db);
  if (dims === null || !tableExists(db, 'chunk_embeddings')) return [];
  if (dims !== vector.length) throw dimensionsMismatch(dims, vector.length);
  const l = codesOf(db, dims);
  const { code } = quantizeInt8(vector, l.codes.dims);
  const dots = l.codes.scan(code);
  const best = topPositions(dots, l.factors, candidatesFor(k), allowed ? (i) => allowed.has(l.ids[i]!) : null);
  if (best.length === 0) return [];
  return rescore(db, vector, best.map((i) => l.ids[i]!)).slice(0, k);
}

/** Positions of the `c` largest dot·factor, optionally only where `keep` says so. A bounded min-heap. */
function topPositions(dots: Int32Array, factors: number[], c: number, keep: ((i: number) => boolean) | null): number[] {
  const heapPos: number[] = [];
  const heapScore: number[] = [];
  const swap = (a: number, b: number) => {
    [heapPos[a], heapPos[b]] = [heapPos[b]!, heapPos[a]!];
    [heapScore[a], heapScore[b]] = [heapScore[b]!, heapScore[a]!];
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heapScore.length && heapScore[l]! < heapScore[m]!) m = l;
      if (r < heapScore.length && heapScore[r]! < heapScore[m]!) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < dots.length; i++) {
    if (keep && !keep(i)) continue;
    const score = dots[i]! * factors[i]!;
    if (heapScore.length < c) {
      heapPos.push(i);
      heapScore.push(score);
      for (let j = heapScore.length - 1; j > 0; ) {
        const parent = (j - 1) >> 1;
        if (heapScore[parent]! <= heapScore[j]!) break;
        swap(parent, j);
        j = parent;
      }
    } else if (score > heapScore[0]!) {
      heapPos[0] = i;
      heapScore[0] = score;
      siftDown(0);
    }
  }
  return heapPos;
}

function rescore(db: Db, query: Float32Array, ids: number[]): VectorHit[] {
  let qNorm = 0;
  for (let i = 0; i < query.length; i++) qNorm += query[i]! * query[i]!;
  qNorm = Math.sqrt(qNorm);
  const rows = statementsOf(db).floats.all(JSON.stringify(ids)) as Array<[number, Buffer]>;
  const hits: VectorHit[] = [];
  for (const [id, blob] of rows) {
    const v = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      dot += v[i]! * query[i]!;
      norm += v[i]! * v[i]!;
    }
    const denominator = Math.sqrt(norm) * qNorm;
    hits.push({ chunkId: id, score: denominator > 0 ? dot / denominator : 0 });
  }
  return hits.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
