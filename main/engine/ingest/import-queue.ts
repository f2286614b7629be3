import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BscErrorShape, ImportJob, ImportSource } from '../../../preload/contract';
import type { AppDatabase } from '../db/open';
import { errorShape } from '../dispatch';
import { BscError } from '../errors';
import type { Logger } from '../observability/log';
import { type ProgressPace, paceProgress } from '../progress';
import { type IndexDeps, type IndexProgress, indexDocument } from './index-document';

const SUPPORTED = new Set(['.pdf', '.md', '.markdown', '.txt', '.text', '.docx', '.png', '.jpg', '.jpeg']);
const PROGRESS_EVERY_MS = 150;

interface JobRow {
  id: string; path: string; filename: string; state: ImportJob['state']; stage: ImportJob['stage']; page: number; pages: number; chunks: number;
  attempts: number; reindex: number; error_code: string | null; error: string | null; note: string | null; document_id: string | null; created_at: string; updated_at: string;
}

export interface ImportQueueDeps extends IndexDeps {
  db: AppDatabase;
  incomingDir: string;
  log: Logger;
  onJob: (job: ImportJob) => void;
  onLibraryChanged: (reason: 'added' | 'replaced') => void;
  concurrency?: number;
}

function toJob(r: JobRow, etaMs: number | null = null): ImportJob {
  return {
    id: r.id, filename: r.filename, state: r.state, stage: r.stage, page: r.page, pages: r.pages, chunks: r.chunks, etaMs,
    documentId: r.document_id,
    error: r.error_code ? ({ code: r.error_code, message: r.error ?? '' } as BscErrorShape) : null,
    note: r.note, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** A file the importer reads, judged by its name (hidden files and Office lock files "~$x.docx" are not). */
export function isImportable(file: string): boolean {
  const name = path.basename(file);
  return !name.startsWith('.') && !name.startsWith('~$') && SUPPORTED.has(path.extname(name).toLowerCase());
}

/** Every importable file under a folder, sorted, hidden files and folders skipped. */
export function walkImportable(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkImportable(full));
    else if (entry.isFile() && isImportable(entry.name)) out.push(full);
  }
  return out;
}

/**
 * The engine's import queue: jobs persist in import_jobs, run a few at a time (one per core),
 * report progress, can be cancelled, and after a crash resume (or fail after a second crash).
 */
export class ImportQueue {
  private readonly running = new Map<string, { controller: AbortController; pace: ProgressPace }>();
  private readonly passwords = new Map<string, string>();
  private readonly concurrency: number;
  private pumping = false;
  private closed = false;
  private readonly s;

  constructor(private readonly deps: ImportQueueDeps) {
    this.concurrency = Math.max(1, deps.concurrency ?? os.availableParallelism());
    const db = deps.db;
    this.s = {
      insert: db.prepare(`INSERT INTO import_jobs (id, path, filename, state, stage, reindex, created_at, updated_at) VALUES (?, ?, ?, 'queued', 'queued', ?, ?, ?)`),
      get: db.prepare('SELECT * FROM import_jobs WHERE id = ?'),
      nextQueued: db.prepare(`SELECT * FROM import_jobs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1`),
      active: db.prepare(`SELECT * FROM import_jobs WHERE state IN ('queued', 'running', 'needs-password') ORDER BY created_at, rowid`),
      recent: db.prepare(`SELECT * FROM import_jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY updated_at DESC LIMIT 200`),
      setState: db.prepare(`UPDATE import_jobs SET state = @state, stage = @stage, error_code = @errorCode, error = @error, note = @note, document_id = @documentId, updated_at = @now WHERE id = @id`),
      setProgress: db.prepare(`UPDATE import_jobs SET stage = @stage, page = @page, pages = @pages, chunks = @chunks, updated_at = @now WHERE id = @id`),
      start: db.prepare(`UPDATE import_jobs SET state = 'running', attempts = attempts + 1, error_code = NULL, error = NULL, updated_at = ? WHERE id = ?`),
      interrupted: db.prepare(`SELECT * FROM import_jobs WHERE state = 'running'`),
      cancelQueued: db.prepare(`UPDATE import_jobs SET state = 'cancelled', updated_at = ? WHERE state IN ('queued', 'needs-password') RETURNING id`),
    };
  }

  private row(id: string): JobRow | undefined {
    return this.s.get.get(id) as JobRow | undefined;
  }

  private emit(id: string, etaMs: number | null = null): ImportJob | null {
    const r = this.row(id);
    if (!r) return null;
    const job = toJob(r, etaMs);
    this.deps.onJob(job);
    return job;
  }

  private finish(id: string, state: 'done' | 'failed' | 'cancelled' | 'needs-password', fields: { error?: BscErrorShape; note?: string | null; documentId?: string | null; stage?: ImportJob['stage'] } = {}): void {
    // After close the database may be gone: a job interrupted by it is left 'running', to resume.
    if (this.closed && this.running.has(id)) return;
    const r = this.row(id);
    this.s.setState.run({
      id, state, stage: fields.stage ?? (state === 'done' ? 'done' : r?.stage ?? 'queued'),
      errorCode: fields.error?.code ?? null, error: fields.error?.message ?? null,
      note: fields.note ?? null, documentId: fields.documentId ?? null, now: new Date().toISOString(),
    });
    if (state !== 'needs-password' && r) this.dropUpload(r.path);
    this.emit(id);
  }

  private dropUpload(file: string): void {
    if (path.dirname(file) === this.deps.incomingDir) fs.rmSync(file, { force: true });
  }

  /** Files (and folders, walked) into jobs; duplicates and bad files are sorted out when they run. */
  /** `filename`: the name a single path source is listed under (a watched folder's relative path). */
  enqueue(sources: ImportSource[], opts: { password?: string; reindexAs?: string; filename?: string } = {}): ImportJob[] {
    const { password } = opts;
    const files: Array<{ path: string; filename: string }> = [];
    for (const src of sources) {
      if ('path' in src && opts.reindexAs) {
        files.push({ path: src.path, filename: opts.reindexAs });
        continue;
      }
      if ('uploadId' in src) {
        files.push({ path: path.join(this.deps.incomingDir, src.uploadId), filename: path.basename(src.filename) });
        continue;
      }
      const abs = path.resolve(src.path);
      let isDir = false;
      try { isDir = fs.statSync(abs).isDirectory(); } catch { /* missing: the job reports it */ }
      if (isDir) files.push(...walkImportable(abs).map((p) => ({ path: p, filename: path.basename(p) })));
      else files.push({ path: abs, filename: opts.filename ?? path.basename(abs) });
    }
    const now = new Date().toISOString();
    const ids = this.deps.db.transaction(() => files.map((f) => {
      const id = randomUUID();
      this.s.insert.run(id, f.path, f.filename, opts.reindexAs ? 1 : 0, now, now);
      return id;
    }))();
    if (password) for (const id of ids) this.passwords.set(id, password);
    const jobs = ids.map((id) => this.emit(id)).filter((j): j is ImportJob => j !== null);
    this.pump();
    return jobs;
  }

  jobs(): ImportJob[] {
    const active = (this.s.active.all() as JobRow[]).map((r) => toJob(r));
    const recent = (this.s.recent.all() as JobRow[]).map((r) => toJob(r));
    return [...active, ...recent];
  }

  cancel(jobId?: string): number {
    const now = new Date().toISOString();
    if (jobId) {
      const r = this.row(jobId);
      if (!r) throw new BscError('NOT_FOUND', 'No such import job.');
      const run = this.running.get(jobId);
      if (run) { run.controller.abort(); return 1; }
      if (r.state === 'queued' || r.state === 'needs-password') { this.finish(jobId, 'cancelled'); return 1; }
      return 0;
    }
    let n = 0;
    for (const run of this.running.values()) { run.controller.abort(); n++; }
    const rows = this.s.cancelQueued.all(now) as Array<{ id: string }>;
    for (const { id } of rows) { const r = this.row(id); if (r) this.dropUpload(r.path); this.emit(id); }
    return n + rows.length;
  }

  providePassword(jobId: string, password: string): ImportJob {
    const r = this.row(jobId);
    if (!r) throw new BscError('NOT_FOUND', 'No such import job.');
    if (r.state !== 'needs-password') {
      throw new BscError('BAD_INPUT', `"${r.filename}" is not waiting for a password.`);
    }
    this.passwords.set(jobId, password);
    this.s.setState.run({ id: jobId, state: 'queued', stage: 'queued', errorCode: null, error: null, note: null, documentId: null, now: new Date().toISOString() });
    const job = this.emit(jobId)!;
    this.pump();
    return job;
  }

  /**
   * Uploads (browser mode) that no waiting job refers to any more — an upload whose import was
   * never asked for, or left by a crash — are deleted once a day old.
   */
  sweepOrphanUploads(now = Date.now(), maxAgeMs = 86_400_000): string[] {
    const dir = this.deps.incomingDir;
    if (!fs.existsSync(dir)) return [];
    const waiting = new Set((this.s.active.all() as JobRow[]).map((r) => r.path));
    const removed: string[] = [];
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      try {
        if (waiting.has(full) || now - fs.statSync(full).mtimeMs < maxAgeMs) continue;
        fs.rmSync(full, { force: true });
        removed.push(name);
      } catch {
        // Already gone.
      }
    }
    return removed;
  }

  /** After a crash: interrupted jobs run again once; a second interruption fails them. */
  resumeAfterRestart(): void {
    for (const r of this.s.interrupted.all() as JobRow[]) {
      if (r.attempts >= 2) {
        this.finish(r.id, 'failed', { error: { code: 'DAMAGED_FILE', message: `Importing "${r.filename}" was interrupted twice (the importer stopped while reading it); it was not added.` } });
      } else {
        this.s.setState.run({ id: r.id, state: 'queued', stage: 'queued', errorCode: null, error: null, note: 'resumed after a restart', documentId: null, now: new Date().toISOString() });
        this.deps.log.warn('import resumed after restart', { job: r.id, filename: r.filename });
      }
    }
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.running.size < this.concurrency) {
        const next = this.s.nextQueued.get() as JobRow | undefined;
        if (!next) break;
        this.s.start.run(new Date().toISOString(), next.id);
        const controller = new AbortController();
        this.running.set(next.id, { controller, pace: paceProgress({ everyMs: PROGRESS_EVERY_MS }) });
        this.emit(next.id);
        void this.run(next, controller.signal).finally(() => {
          this.running.delete(next.id);
          this.pump();
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  private onProgress(id: string, p: IndexProgress): void {
    if (this.closed) return;
    const run = this.running.get(id);
    if (!run) return;
    const r = this.row(id);
    if (!r) return;
    const page = p.page ?? r.page;
    const pages = p.pages ?? r.pages;
    this.s.setProgress.run({ id, stage: p.stage, page, pages, chunks: p.chunks ?? r.chunks, now: new Date().toISOString() });
    // Stage changes always go out; page ticks at most every PROGRESS_EVERY_MS. Pages are the unit of the ETA.
    const { emit, etaMs } = run.pace.tick(p.stage, page, pages);
    if (!emit) return;
    this.emit(id, p.stage === 'extracting' || p.stage === 'recognizing' ? etaMs : null);
  }

  private async run(job: JobRow, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    try {
      const out = await indexDocument(this.deps, {
        path: job.path,
        filename: job.filename,
        password: this.passwords.get(job.id),
        reindex: job.reindex === 1,
        signal,
        onProgress: (p) => this.onProgress(job.id, p),
      });
      this.passwords.delete(job.id);
      this.finish(job.id, 'done', { documentId: out.documentId, note: out.note });
      if (out.note !== 'already in the library') this.deps.onLibraryChanged(out.note ? 'replaced' : 'added');
      this.deps.log.info('document imported', { job: job.id, filename: job.filename, pages: out.pages, chunks: out.chunks, ms: Date.now() - started, note: out.note });
    } catch (err) {
      const shape = errorShape(err);
      if (shape.code === 'CANCELLED') {
        this.finish(job.id, 'cancelled');
      } else if (shape.code === 'NEEDS_PASSWORD' || shape.code === 'WRONG_PASSWORD') {
        // Still waiting for the right password: the file stays until the user gives up (cancel).
        this.passwords.delete(job.id);
        this.finish(job.id, 'needs-password', { error: shape });
      } else {
        this.passwords.delete(job.id);
        this.finish(job.id, 'failed', { error: shape });
        this.deps.log.warn('import failed', { job: job.id, filename: job.filename, code: shape.code, error: shape.message });
      }
    }
  }

  /** Stops taking work; running jobs are cancelled and will resume on the next start. */
  close(): void {
    this.closed = true;
    // Stop the work in flight; its jobs stay 'running' in the database and resume at the next start.
    for (const run of this.running.values()) run.controller.abort();
  }

  /** No job is running any more (after close/cancel): the database can be closed. */
  get drained(): boolean {
    return this.running.size === 0;
  }

  get idle(): boolean {
    return this.running.size === 0 && !this.s.nextQueued.get();
  }
}
