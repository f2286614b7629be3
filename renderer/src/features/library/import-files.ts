// Picked or dropped files → uploads (browser mode) or paths (desktop) → one library.import call.
import type { ImportJob, ImportSource } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { importSourceFor } from '../../lib/files';
import { isImportable } from './jobs';

export type ImportOutcome = {
  jobs: ImportJob[];
  skipped: string[];
  /** Files that could not be sent, or a refused import call (filename '*'). */
  failures: { filename: string; message: string }[];
};

const UPLOADS_AT_ONCE = 4;
const SOURCES_PER_CALL = 10_000; // the contract's limit

export async function importFiles(files: readonly File[], onSent?: (sent: number) => void): Promise<ImportOutcome> {
  const wanted = files.filter((f) => isImportable(f.name));
  const skipped = files.filter((f) => !isImportable(f.name)).map((f) => f.name);
  const failures: ImportOutcome['failures'] = [];
  const sources: ImportSource[] = [];
  let next = 0;
  let sent = 0;
  // A few uploads in flight: enough to keep the connection busy without holding every file in memory.
  const worker = async () => {
    while (next < wanted.length) {
      const file = wanted[next++] as File;
      try {
        sources.push(await importSourceFor(file));
      } catch (err) {
        failures.push({ filename: file.name, message: (err as Error).message });
      }
      onSent?.(++sent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, wanted.length) }, worker));

  const jobs: ImportJob[] = [];
  for (let i = 0; i < sources.length; i += SOURCES_PER_CALL) {
    const r = await api.call('library.import', { sources: sources.slice(i, i + SOURCES_PER_CALL) });
    if (r.ok) jobs.push(...r.value.jobs);
    else failures.push({ filename: '*', message: r.error.message });
  }
  return { jobs, skipped, failures };
}
