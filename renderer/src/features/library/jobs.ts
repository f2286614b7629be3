// Import jobs as the panel sees them: merged from the engine's list and its progress events,
// ordered so what needs the user (a password) and what is moving come first.
import type { ImportJob } from '../../../../preload/contract';

export type JobState = ImportJob['state'];

export const activeStates: readonly JobState[] = ['queued', 'running', 'needs-password'];

export function isActive(job: ImportJob): boolean {
  return activeStates.includes(job.state);
}

/** A failed job the user can still rescue by typing the right password. */
export function wantsPassword(job: ImportJob): boolean {
  return job.state === 'needs-password' || (job.state === 'failed' && (job.error?.code === 'WRONG_PASSWORD' || job.error?.code === 'NEEDS_PASSWORD'));
}

/** Latest version of each job wins; an event that arrives late (older updatedAt) does not roll a job back. */
export function mergeJobs(current: ReadonlyMap<string, ImportJob>, incoming: Iterable<ImportJob>): Map<string, ImportJob> {
  const next = new Map(current);
  for (const job of incoming) {
    const known = next.get(job.id);
    if (known && known.updatedAt > job.updatedAt) continue;
    next.set(job.id, job);
  }
  return next;
}

const rank: Record<JobState, number> = { 'needs-password': 0, running: 1, queued: 2, failed: 3, done: 4, cancelled: 5 };

export function orderJobsForDisplay(jobs: Iterable<ImportJob>): ImportJob[] {
  return [...jobs].sort((a, b) => {
    const byState = rank[a.state] - rank[b.state];
    if (byState !== 0) return byState;
    // Queued ones in the order they will run; finished ones most recent first.
    return isActive(a) ? a.createdAt.localeCompare(b.createdAt) : b.updatedAt.localeCompare(a.updatedAt);
  });
}

export type JobCounts = Record<JobState, number>;

export function countJobs(jobs: Iterable<ImportJob>): JobCounts {
  const counts: JobCounts = { queued: 0, running: 0, 'needs-password': 0, done: 0, failed: 0, cancelled: 0 };
  for (const j of jobs) counts[j.state]++;
  return counts;
}

/** Ids of jobs that finished between two snapshots (the list of documents should be refreshed). */
export function newlyFinished(before: ReadonlyMap<string, ImportJob>, after: ReadonlyMap<string, ImportJob>): string[] {
  const out: string[] = [];
  for (const [id, job] of after) {
    const prev = before.get(id);
    if (!isActive(job) && (!prev || isActive(prev))) out.push(id);
  }
  return out;
}

const importable = /\.(pdf|md|markdown|txt|docx)$/i;

export const importAccept = '.pdf,.md,.markdown,.txt,.docx,.png,.jpg,.jpeg';

export function isImportable(filename: string): boolean {
  return importable.test(filename);
}
