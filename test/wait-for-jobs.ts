import type { ImportJob } from '../preload/contract';
import type { Engine } from '../main/engine/engine';

const TERMINAL = new Set<ImportJob['state']>(['done', 'failed', 'cancelled', 'needs-password']);

/** Waits until every job has ended (done, failed, cancelled or waiting for a password) and returns them in order. */
export async function waitForJobs(engine: Engine, jobs: Array<Pick<ImportJob, 'id'>>, timeoutMs = 120_000): Promise<ImportJob[]> {
  const ids = jobs.map((j) => j.id);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = engine.lib().queue.jobs().filter((j) => ids.includes(j.id));
    if (all.length === ids.length && all.every((j) => TERMINAL.has(j.state))) return ids.map((id) => all.find((a) => a.id === id)!);
    if (Date.now() > until) throw new Error(`jobs did not finish: ${JSON.stringify(all.map((j) => [j.filename, j.state, j.stage]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
