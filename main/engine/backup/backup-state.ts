import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../atomic-write';

// What the backup area remembers between runs: the last scheduled run (so a failure or a silent
// stop can be shown), when the schedule was switched on (overdue warnings and catch-up count
// from there), and verification results keyed by file size + mtime (verifying is a full read).

const Verification = z.object({ bytes: z.number(), mtimeMs: z.number(), ok: z.boolean(), at: z.string() });

export const BackupState = z.object({
  lastScheduled: z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable(), path: z.string().nullable() }).nullable().default(null),
  scheduleSince: z.string().nullable().default(null),
  verified: z.record(z.string(), Verification).default({}),
});
export type BackupState = z.infer<typeof BackupState>;

export function backupStatePath(dataDir: string): string {
  return path.join(dataDir, 'backup-state.json');
}

export function readBackupState(file: string): BackupState {
  try {
    const parsed = BackupState.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or unreadable: start afresh (nothing in here is the library's data)
  }
  return BackupState.parse({});
}

/** Read, change, write atomically: a crash leaves the old state whole. */
export function updateBackupState(file: string, change: (s: BackupState) => void): BackupState {
  const state = readBackupState(file);
  change(state);
  writeFileAtomicSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

/** Remembers that `archive`, as it is now on disk, passed or failed verification. */
export function recordVerification(stateFile: string, archive: string, ok: boolean): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(archive);
  } catch {
    return;
  }
  updateBackupState(stateFile, (s) => {
    s.verified[path.resolve(archive)] = { bytes: st.size, mtimeMs: st.mtimeMs, ok, at: new Date().toISOString() };
    // Forget files that are gone, so the state does not grow forever.
    for (const p of Object.keys(s.verified)) if (!fs.existsSync(p)) delete s.verified[p];
  });
}

/** 'ok' / 'failed' when this exact file (same size and mtime) was verified, else 'unknown'. */
export function verificationOf(state: BackupState, archive: string, st: { size: number; mtimeMs: number }): 'ok' | 'failed' | 'unknown' {
  const v = state.verified[path.resolve(archive)];
  if (!v || v.bytes !== st.size || v.mtimeMs !== st.mtimeMs) return 'unknown';
  return v.ok ? 'ok' : 'failed';
}
