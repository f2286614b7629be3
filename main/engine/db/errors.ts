import { BscError } from '../errors';

/** SQLite's codes turned into what a user can act on ("the disk is full", not "SQLITE_FULL"). */
export function classifySqliteError(err: unknown, context: string): BscError {
  if (err instanceof BscError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || /not a database|malformed/i.test(message)) {
    return new BscError('DB_CORRUPT', `${context}: the database file is damaged or is not an Agente BSC database. Restore a backup.`, { sqlite: code });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || /readonly|read-only|EACCES|EROFS/i.test(message)) {
    return new BscError('DB_READONLY', `${context}: the data folder is read-only; check its permissions.`, { sqlite: code });
  }
  if (code === 'SQLITE_FULL' || /ENOSPC/.test(message)) {
    return new BscError('DB_FULL', `${context}: the disk is full; free some space and try again.`, { sqlite: code });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BscError('DB_BUSY', `${context}: the database is busy in another process; try again.`, { sqlite: code });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || /ENOENT|ENOTDIR/.test(message)) {
    return new BscError('DB_UNAVAILABLE', `${context}: the database cannot be opened (${message}).`, { sqlite: code });
  }
  return new BscError('INTERNAL', `${context}: ${message}`, { sqlite: code || undefined });
}

/**
 * Any failure, as a user can act on it: SQLite's codes wherever they are raised (an import, an
 * answer, an operation), and a full or read-only disk hit by a file write. Other errors pass.
 */
export function classifyFailure(err: unknown, context = 'The library database'): unknown {
  if (err instanceof BscError || typeof err !== 'object' || err === null) return err;
  const code = 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('SQLITE_') || (err as Error).name === 'SqliteError') return classifySqliteError(err, context);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BscError('DB_FULL', `${context}: the disk is full; free some space and try again.`, { errno: code });
  }
  if (code === 'EROFS') return new BscError('DB_READONLY', `${context}: the data folder is on a read-only disk.`, { errno: code });
  return err;
}
