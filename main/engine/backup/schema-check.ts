import Database from 'better-sqlite3';
import { migrate } from '../db/migrate';
import { sqliteVecExtensionPath } from '../resources';
import { createOnDemandTables } from '../vectorstore/embedded';

/**
 * Whether a backup's database holds exactly the schema our migrations build for its version: no
 * extra trigger, view, table or index (an `AFTER INSERT ON chunks … DELETE FROM documents` trigger
 * would empty the library at the next import), none missing, none altered.
 *
 * The reference is built by running the migrations on an empty in-memory database, plus the
 * objects the app creates on first use: the embedded store's `chunk_filters`, and before schema 8
 * the sqlite-vec table `chunk_vectors` with its shadow tables (made here by sqlite-vec itself, at
 * the backup's dimensions). Those may be present or absent; everything else must match exactly.
 */

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null };

/** SQLite's own bookkeeping tables, written by ANALYZE or AUTOINCREMENT, never by a user's SQL. */
const INTERNAL = /^sqlite_(stat\d|sequence)$/;
/** sqlite-vec's vec0 table of schemas before 8 (created on the first vector, at the model's dimensions). */
const LEGACY_VECTORS = /CREATE VIRTUAL TABLE\s+"?chunk_vectors"?\s+USING\s+vec0\(\s*chunk_id integer primary key,\s*embedding float\[(\d{1,5})\] distance_metric=cosine\)/i;

function schemaOf(db: Database.Database): Map<string, SchemaRow> {
  const rows = db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master`).all() as SchemaRow[];
  return new Map(rows.filter((r) => !INTERNAL.test(r.name)).map((r) => [`${r.type} ${r.name}`, r]));
}

const normalise = (sql: string | null) => (sql ?? '').replace(/\s+/g, ' ').trim();

function describe(row: SchemaRow): string {
  return `${row.type} ${row.name}${row.type === 'trigger' || row.type === 'index' ? ` on ${row.tbl_name}` : ''}`;
}

/** The schema our code builds for `version`: required objects, and those made on first use. */
function referenceSchema(version: number, legacyVectorDims: number | null): { required: Map<string, SchemaRow>; optional: Map<string, SchemaRow> } {
  const ref = new Database(':memory:');
  try {
    if (legacyVectorDims !== null) ref.loadExtension(sqliteVecExtensionPath());
    migrate(ref, version);
    const required = schemaOf(ref);
    createOnDemandTables(ref);
    if (legacyVectorDims !== null) {
      ref.exec(`CREATE VIRTUAL TABLE chunk_vectors USING vec0(chunk_id integer primary key, embedding float[${legacyVectorDims}] distance_metric=cosine)`);
    }
    const optional = new Map([...schemaOf(ref)].filter(([key]) => !required.has(key)));
    return { required, optional };
  } finally {
    ref.close();
  }
}

/**
 * Problems with the schema of `db` (opened read-only, without extensions) for schema `version`;
 * empty when it is exactly ours.
 */
export function schemaProblems(db: Database.Database, version: number): string[] {
  const actual = schemaOf(db);
  const legacy = version < 8 ? LEGACY_VECTORS.exec(normalise(actual.get('table chunk_vectors')?.sql ?? null)) : null;
  const { required, optional } = referenceSchema(version, legacy ? Number(legacy[1]) : null);
  const problems: string[] = [];
  for (const [key, row] of actual) {
    const expected = required.get(key) ?? optional.get(key);
    if (!expected) problems.push(`unexpected ${describe(row)} (${normalise(row.sql).slice(0, 160)})`);
    else if (normalise(expected.sql) !== normalise(row.sql) || expected.tbl_name !== row.tbl_name) problems.push(`${describe(row)} differs from the one Agente BSC creates`);
  }
  for (const [key, row] of required) if (!actual.has(key)) problems.push(`${describe(row)} is missing`);
  return problems;
}
