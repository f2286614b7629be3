import type { AppDatabase } from '../db/open';

export type OnDelete = 'keep' | 'remove';
export type FileState = 'importing' | 'indexed' | 'failed' | 'missing';

export interface FolderRow {
  id: string;
  path: string;
  on_delete: OnDelete;
  created_at: string;
  last_scan_at: string | null;
  last_error: string | null;
}

export interface FileRow {
  folder_id: string;
  rel_path: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  document_id: string | null;
  owned: number;
  state: FileState;
  job_id: string | null;
  error: string | null;
  missing_since: string | null;
}

export interface FileCounts { files: number; indexed: number; importing: number; failed: number; missing: number }

function statements(db: AppDatabase) {
  return {
    folders: db.prepare('SELECT * FROM watched_folders ORDER BY created_at, path'),
    folder: db.prepare('SELECT * FROM watched_folders WHERE id = ?'),
    folderByPath: db.prepare('SELECT * FROM watched_folders WHERE path = ?'),
    insertFolder: db.prepare('INSERT INTO watched_folders (id, path, on_delete, created_at) VALUES (?, ?, ?, ?)'),
    setOnDelete: db.prepare('UPDATE watched_folders SET on_delete = ? WHERE id = ?'),
    deleteFolder: db.prepare('DELETE FROM watched_folders WHERE id = ?'),
    scanned: db.prepare('UPDATE watched_folders SET last_scan_at = ?, last_error = ? WHERE id = ?'),
    setError: db.prepare('UPDATE watched_folders SET last_error = ? WHERE id = ?'),
    files: db.prepare('SELECT * FROM watched_files WHERE folder_id = ?'),
    file: db.prepare('SELECT * FROM watched_files WHERE folder_id = ? AND rel_path = ?'),
    fileByJob: db.prepare('SELECT * FROM watched_files WHERE job_id = ?'),
    importing: db.prepare(`SELECT * FROM watched_files WHERE state = 'importing' AND job_id IS NOT NULL`),
    missingBySha: db.prepare(`SELECT * FROM watched_files WHERE folder_id = ? AND sha256 = ? AND state = 'missing' LIMIT 1`),
    upsert: db.prepare(`INSERT INTO watched_files (folder_id, rel_path, size, mtime_ms, sha256, document_id, owned, state, job_id, error, missing_since, updated_at)
      VALUES (@folder_id, @rel_path, @size, @mtime_ms, @sha256, @document_id, @owned, @state, @job_id, @error, @missing_since, @now)
      ON CONFLICT (folder_id, rel_path) DO UPDATE SET size = @size, mtime_ms = @mtime_ms, sha256 = @sha256, document_id = @document_id,
        owned = @owned, state = @state, job_id = @job_id, error = @error, missing_since = @missing_since, updated_at = @now`),
    deleteFile: db.prepare('DELETE FROM watched_files WHERE folder_id = ? AND rel_path = ?'),
    othersMapping: db.prepare(`SELECT count(*) AS n FROM watched_files WHERE document_id = ? AND NOT (folder_id = ? AND rel_path = ?) AND state != 'missing'`),
    counts: db.prepare(`SELECT count(*) AS files, sum(state = 'indexed') AS indexed, sum(state = 'importing') AS importing,
      sum(state = 'failed') AS failed, sum(state = 'missing') AS missing FROM watched_files WHERE folder_id = ?`),
    // The import queue's own record of a job: read when the app stopped before we heard it end.
    job: db.prepare('SELECT state, document_id, note, error FROM import_jobs WHERE id = ?'),
    // Renaming a watched file renames its document; its stored original is named by content, so nothing moves.
    renameDocument: db.prepare('UPDATE documents SET filename = ? WHERE id = ?'),
    documentBySha: db.prepare(`SELECT id, filename FROM documents WHERE sha256 = ? AND status = 'indexed'`),
    documentExists: db.prepare('SELECT 1 FROM documents WHERE id = ?'),
  };
}

/**
 * The watch tables (migration 0007), statements prepared once per database connection: a
 * restore reopens the database, and the store follows whichever connection is current.
 */
export class WatchStore {
  private cache: { db: AppDatabase; s: ReturnType<typeof statements> } | null = null;

  constructor(private readonly db: () => AppDatabase) {}

  private get s() {
    const db = this.db();
    if (this.cache?.db !== db) this.cache = { db, s: statements(db) };
    return this.cache.s;
  }

  transaction<T>(fn: () => T): T {
    return this.db().transaction(fn)();
  }

  folders(): FolderRow[] { return this.s.folders.all() as FolderRow[]; }
  folder(id: string): FolderRow | null { return (this.s.folder.get(id) as FolderRow | undefined) ?? null; }
  folderByPath(p: string): FolderRow | null { return (this.s.folderByPath.get(p) as FolderRow | undefined) ?? null; }
  addFolder(id: string, p: string, onDelete: OnDelete): void { this.s.insertFolder.run(id, p, onDelete, new Date().toISOString()); }
  setOnDelete(id: string, onDelete: OnDelete): void { this.s.setOnDelete.run(onDelete, id); }
  removeFolder(id: string): boolean { return this.s.deleteFolder.run(id).changes > 0; }
  markScanned(id: string, error: string | null): void { this.s.scanned.run(new Date().toISOString(), error, id); }
  setError(id: string, error: string | null): void { this.s.setError.run(error, id); }

  files(folderId: string): FileRow[] { return this.s.files.all(folderId) as FileRow[]; }
  file(folderId: string, rel: string): FileRow | null { return (this.s.file.get(folderId, rel) as FileRow | undefined) ?? null; }
  fileByJob(jobId: string): FileRow | null { return (this.s.fileByJob.get(jobId) as FileRow | undefined) ?? null; }
  importing(): FileRow[] { return this.s.importing.all() as FileRow[]; }
  missingWithSha(folderId: string, sha: string): FileRow | null { return (this.s.missingBySha.get(folderId, sha) as FileRow | undefined) ?? null; }
  putFile(row: FileRow): void { this.s.upsert.run({ ...row, now: new Date().toISOString() }); }
  dropFile(folderId: string, rel: string): void { this.s.deleteFile.run(folderId, rel); }
  /** Another watched file (anywhere) still maps to the document. */
  documentSharedBeyond(documentId: string, folderId: string, rel: string): boolean {
    return (this.s.othersMapping.get(documentId, folderId, rel) as { n: number }).n > 0;
  }
  counts(folderId: string): FileCounts {
    const r = this.s.counts.get(folderId) as { files: number; indexed: number | null; importing: number | null; failed: number | null; missing: number | null };
    return { files: r.files, indexed: r.indexed ?? 0, importing: r.importing ?? 0, failed: r.failed ?? 0, missing: r.missing ?? 0 };
  }
  importJob(jobId: string): { state: string; document_id: string | null; note: string | null; error: string | null } | null {
    return (this.s.job.get(jobId) as { state: string; document_id: string | null; note: string | null; error: string | null } | undefined) ?? null;
  }
  renameDocument(documentId: string, filename: string): void { this.s.renameDocument.run(filename, documentId); }
  documentBySha(sha: string): { id: string; filename: string } | null {
    return (this.s.documentBySha.get(sha) as { id: string; filename: string } | undefined) ?? null;
  }
  documentExists(id: string): boolean { return this.s.documentExists.get(id) !== undefined; }
}
