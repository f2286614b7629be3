import { describe, expect, it } from 'vitest';
import type { ImportJob } from '../../../../preload/contract';
import { countJobs, isImportable, mergeJobs, newlyFinished, orderJobsForDisplay, wantsPassword } from './jobs';

const job = (id: string, over: Partial<ImportJob> = {}): ImportJob => ({
  id, filename: `${id}.pdf`, state: 'queued', stage: 'queued', page: 0, pages: 0, chunks: 0, etaMs: null,
  documentId: null, error: null, note: null, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', ...over,
});

describe('import jobs', () => {
  it('keeps the newest version of each job, even when events arrive out of order', () => {
    const a1 = job('a', { state: 'running', page: 5, updatedAt: '2025-01-01T00:00:05.000Z' });
    const a0 = job('a', { state: 'running', page: 2, updatedAt: '2025-01-01T00:00:02.000Z' });
    const aDone = job('a', { state: 'done', page: 9, updatedAt: '2025-01-01T00:00:09.000Z' });
    const merged = mergeJobs(new Map(), [a1, a0]);
    expect(merged.get('a')?.page).toBe(5);
    const later = mergeJobs(merged, [aDone, a0]);
    expect(later.get('a')?.state).toBe('done');
    expect(newlyFinished(merged, later)).toEqual(['a']);
    expect(newlyFinished(later, later)).toEqual([]);
  });

  it('orders what needs the user first, then running, queued by age, finished newest first', () => {
    const jobs = [
      job('done-old', { state: 'done', updatedAt: '2025-01-01T00:00:01.000Z' }),
      job('q2', { createdAt: '2025-01-01T00:00:02.000Z' }),
      job('q1', { createdAt: '2025-01-01T00:00:01.000Z' }),
      job('done-new', { state: 'done', updatedAt: '2025-01-01T00:00:09.000Z' }),
      job('pw', { state: 'needs-password' }),
      job('run', { state: 'running' }),
      job('bad', { state: 'failed' }),
    ];
    expect(orderJobsForDisplay(jobs).map((j) => j.id)).toEqual(['pw', 'run', 'q1', 'q2', 'bad', 'done-new', 'done-old']);
    expect(countJobs(jobs)).toEqual({ queued: 2, running: 1, 'needs-password': 1, done: 2, failed: 1, cancelled: 0 });
  });

  it('offers the password field again after a wrong password, not after other failures', () => {
    expect(wantsPassword(job('a', { state: 'needs-password' }))).toBe(true);
    expect(wantsPassword(job('a', { state: 'failed', error: { code: 'WRONG_PASSWORD', message: 'x' } }))).toBe(true);
    expect(wantsPassword(job('a', { state: 'failed', error: { code: 'DAMAGED_FILE', message: 'x' } }))).toBe(false);
  });

  it('accepts the supported file types only', () => {
    expect(['a.PDF', 'b.md', 'c.markdown', 'd.txt', 'e.docx'].every(isImportable)).toBe(true);
    expect(['a.doc', '.DS_Store', 'x.pdf.zip', 'readme'].some(isImportable)).toBe(false);
  });
});
