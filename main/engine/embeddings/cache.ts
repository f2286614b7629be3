import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BscError } from '../errors';

/** `sha256(provider | model | dimensions | text)`, hex: a vector is reused only for the same text under the same model. */
export function embeddingCacheKey(fingerprint: string, text: string): string {
  return createHash('sha256').update(fingerprint).update('|').update(text).digest('hex');
}

export interface EmbeddingCacheEntry {
  key: string;
  vector: Float32Array;
}

export interface EmbeddingCacheStats {
  entries: number;
  /** Bytes of stored vectors (what maxBytes limits); the file is somewhat larger. */
  bytes: number;
  /** Since this cache was opened. */
  hits: number;
  misses: number;
}

export interface EmbeddingCacheOptions {
  /** An entry not used for this long is dropped by evict(). */
  ttlDays?: number;
  maxBytes?: number;
  /** Clock for created_at / last_used_at; tests move it. */
  now?: () => number;
}

export interface EmbeddingCache {
  getMany(keys: readonly string[]): Map<string, Float32Array>;
  putMany(entries: readonly EmbeddingCacheEntry[]): void;
  stats(): EmbeddingCacheStats;
  /** Drops entries unused for ttlDays, then the least recently used until the total is under maxBytes. */
  evict(now?: number): { expired: number; evicted: number; bytesFreed: number };
  /** How many of these texts have no vector under this fingerprint: the cost of switching to that model. */
  countMissing(fingerprint: string, texts: readonly string[]): number;
  close(): void;
}

const dayMs = 86_400_000;
/** Pending last-used stamps are written once this many pile up (or on evict/stats/close). */
const touchFlushSize = 512;
const touchFlushMs = 5_000;

const schema = `
CREATE TABLE IF NOT EXISTS embeddings (
  key TEXT PRIMARY KEY,
  vector BLOB NOT NULL,
  dims INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS embeddings_last_used ON embeddings(last_used_at);
`;

/** The cache file, created if needed, with its pragmas and schema. */
function openCacheDatabase(path: string): Database.Database {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // Takes effect on a new file only: 16 KiB pages hold a 1536-d vector (6 KiB) without overflow
    // pages, which made reading 20k vectors about 4x faster than the 4 KiB default here.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // a cache may lose its last writes on power loss; it must not corrupt
    db.pragma('busy_timeout = 5000');
    db.exec(schema);
    return db;
  } catch (err) {
    throw sqliteFailure(err, path);
  }
}

function cacheStatements(db: Database.Database) {
  // json_each lets one prepared statement take any number of keys.
  const selectMany = db.prepare<[string], { key: string; vector: Buffer; dims: number }>(
    'SELECT e.key, e.vector, e.dims FROM json_each(?) AS j JOIN embeddings AS e ON e.key = j.value',
  );
  const countPresent = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM embeddings WHERE key IN (SELECT value FROM json_each(?))',
  );
  const upsert = db.prepare(
    `INSERT INTO embeddings (key, vector, dims, bytes, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET vector = excluded.vector, dims = excluded.dims, bytes = excluded.bytes, last_used_at = excluded.last_used_at`,
  );
  const touch = db.prepare('UPDATE embeddings SET last_used_at = max(last_used_at, ?) WHERE key = ?');
  const totals = db.prepare<[], { entries: number; bytes: number | null }>('SELECT count(*) AS entries, sum(bytes) AS bytes FROM embeddings');
  const deleteExpired = db.prepare<[number]>('DELETE FROM embeddings WHERE last_used_at < ?');
  const bytesExpired = db.prepare<[number], { bytes: number | null }>('SELECT sum(bytes) AS bytes FROM embeddings WHERE last_used_at < ?');
  const oldestFirst = db.prepare<[], { key: string; bytes: number }>('SELECT key, bytes FROM embeddings ORDER BY last_used_at ASC');
  const deleteOne = db.prepare<[string]>('DELETE FROM embeddings WHERE key = ?');
  return { selectMany, countPresent, upsert, touch, totals, deleteExpired, bytesExpired, oldestFirst, deleteOne };
}

/** Expired entries first, then the least recently used until the cache fits its size cap; one transaction. */
function evictionOf(db: Database.Database, s: ReturnType<typeof cacheStatements>, ttlMs: number, maxBytes: number) {
  const { totals, deleteExpired, bytesExpired, oldestFirst, deleteOne } = s;
  return db.transaction((now: number) => {
    const cutoff = now - ttlMs;
    const expiredBytes = bytesExpired.get(cutoff)?.bytes ?? 0;
    const expired = deleteExpired.run(cutoff).changes;
    let total = totals.get()?.bytes ?? 0;
    let evicted = 0;
    let bytesFreed = expiredBytes;
    if (total > maxBytes) {
      const victims: { key: string; bytes: number }[] = [];
      for (const row of oldestFirst.iterate()) {
        if (total <= maxBytes) break;
        victims.push(row);
        total -= row.bytes;
      }
      for (const v of victims) {
        deleteOne.run(v.key);
        bytesFreed += v.bytes;
      }
      evicted = victims.length;
    }
    return { expired, evicted, bytesFreed };
  });
}

export function openEmbeddingCache(path: string, opts: EmbeddingCacheOptions = {}): EmbeddingCache {
  const ttlMs = (opts.ttlDays ?? 90) * dayMs;
  const maxBytes = opts.maxBytes ?? 20 * 1024 ** 3;
  const clock = opts.now ?? Date.now;

  const db = openCacheDatabase(path);
  const statements = cacheStatements(db);
  const { selectMany, countPresent, upsert, touch, totals } = statements;

  let hits = 0;
  let misses = 0;
  const pendingTouches = new Map<string, number>();
  let lastFlush = clock();

  const flushTouches = db.transaction(() => {
    for (const [key, at] of pendingTouches) touch.run(at, key);
    pendingTouches.clear();
  });
  const flush = () => {
    if (pendingTouches.size > 0) guarded(flushTouches);
    lastFlush = clock();
  };

  const putAll = db.transaction((entries: readonly EmbeddingCacheEntry[], at: number) => {
    for (const { key, vector } of entries) {
      const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
      upsert.run(key, blob, vector.length, blob.byteLength, at, at);
      pendingTouches.delete(key);
    }
  });

  const evictAll = evictionOf(db, statements, ttlMs, maxBytes);

  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw sqliteFailure(err, path);
    }
  };

  return {
    getMany(keys) {
      if (keys.length === 0) return new Map();
      const found = new Map<string, Float32Array>();
      const rows = guarded(() => selectMany.all(JSON.stringify(keys)));
      const now = clock();
      for (const row of rows) {
        found.set(row.key, vectorFromBlob(row.vector, row.dims));
        pendingTouches.set(row.key, now);
      }
      const wanted = new Set(keys).size;
      hits += found.size;
      misses += wanted - found.size;
      if (pendingTouches.size >= touchFlushSize || now - lastFlush >= touchFlushMs) flush();
      return found;
    },

    putMany(entries) {
      if (entries.length === 0) return;
      guarded(() => putAll(entries, clock()));
    },

    stats() {
      flush();
      const t = guarded(() => totals.get());
      return { entries: t?.entries ?? 0, bytes: t?.bytes ?? 0, hits, misses };
    },

    evict(now = clock()) {
      flush();
      return guarded(() => evictAll(now));
    },

    countMissing(fingerprint, texts) {
      const keys = [...new Set(texts.map((t) => embeddingCacheKey(fingerprint, t)))];
      if (keys.length === 0) return 0;
      const present = guarded(() => countPresent.get(JSON.stringify(keys)))?.n ?? 0;
      return keys.length - present;
    },

    close() {
      if (!db.open) return;
      flush();
      db.close();
    },
  };
}

/** Copies out of SQLite's buffer: it may be unaligned for a Float32Array view, and is reused. */
function vectorFromBlob(blob: Buffer, dims: number): Float32Array {
  const out = new Float32Array(dims);
  new Uint8Array(out.buffer).set(blob.subarray(0, dims * 4));
  return out;
}

function sqliteFailure(err: unknown, path: string): Error {
  if (err instanceof BscError) return err;
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  const details = { path, sqlite: typeof code === 'string' ? code : undefined };
  if (typeof code !== 'string') return err instanceof Error ? err : new Error(message);
  if (code.startsWith('SQLITE_FULL')) return new BscError('DB_FULL', 'The disk is full: the embedding cache cannot grow.', details);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new BscError('DB_READONLY', `The embedding cache cannot be written: ${message}`, details);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return new BscError('DB_CORRUPT', 'The embedding cache file is damaged; it can be deleted and rebuilt.', details);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new BscError('DB_BUSY', `The embedding cache is busy: ${message}`, details);
  return new BscError('DB_UNAVAILABLE', `The embedding cache failed: ${message}`, details);
}
