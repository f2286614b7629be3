import { z } from 'zod';
import { VectorStoreMode } from '../../../preload/contract';

/** The archive's first entry; it lists every other entry, so it cannot list itself. */
export const MANIFEST_ENTRY = 'manifest.json';
/** The application database: every backup has one, and verify opens it. */
export const DATABASE_ENTRY = 'db/app.sqlite';
export const BACKUP_FORMAT = 'agente-bsc-backup';
/**
 * 2: an uncompressed tar; SQLite files inside are gzip-compressed entries (`stored`), everything
 * else (PDFs, DOCX, images: compressed already) is stored as is. 1: the whole tar gzip-compressed.
 * Both are read; 2 is written.
 */
export const BACKUP_FORMAT_VERSION = 2;
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];
export const BACKUP_EXTENSION = '.bscbackup';
/** A manifest this large would list millions of entries: anything bigger is hostile. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

export const BackupEntry = z.object({
  name: z.string(),
  /** Size and sha256 of the file itself (after decompression when stored compressed). */
  bytes: z.number().int().nonnegative(),
  sha256: sha256Hex,
  /** How the entry is held in the archive when not as is (format 2): its encoding and size there. */
  stored: z.object({ encoding: z.literal('gzip'), bytes: z.number().int().nonnegative() }).optional(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const BackupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(2)]),
  appVersion: z.string().min(1),
  schemaVersion: z.number().int().nonnegative(),
  createdAt: z.iso.datetime({ offset: true }),
  hostName: z.string(),
  counts: z.object({
    documents: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    conversations: z.number().int().nonnegative(),
  }),
  embeddingFingerprint: z.string().nullable(),
  vectorStore: z.object({
    mode: VectorStoreMode,
    snapshot: z.enum(['included', 'rebuild-on-restore']),
  }),
  entries: z.array(BackupEntry),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why an entry name is unsafe to extract anywhere (Linux, macOS or Windows), or null when it is safe.
 * Names are relative, forward-slashed, and made of plain segments: an allowlist rather than a
 * blocklist, so a trick we did not think of is refused too.
 */
export function entryNameProblem(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.length > 1024) return 'name longer than 1024 characters';
  if (name.includes('\0')) return 'name contains a NUL byte';
  if (name.includes('\\')) return 'name contains a backslash';
  if (/^[A-Za-z]:/.test(name)) return 'name starts with a drive letter';
  if (name.startsWith('/')) return 'absolute path';
  const segments = name.split('/');
  if (segments.includes('..')) return 'name climbs out with ".."';
  for (const segment of segments) {
    if (segment === '' || segment === '.') return 'empty or "." path segment';
    if (segment.length > 255) return 'path segment longer than 255 characters';
    if (!SAFE_SEGMENT.test(segment)) return `unexpected characters in "${segment}"`;
    if (segment.endsWith('.')) return `segment "${segment}" ends with a dot`;
    if (WINDOWS_DEVICE.test(segment)) return `"${segment}" is a reserved device name on Windows`;
  }
  return null;
}

/** Quote a name in messages only when it is odd, so ordinary problems read "entry db/app.sqlite: …". */
export function describeEntryName(name: string): string {
  return entryNameProblem(name) === null ? name : JSON.stringify(name);
}

export type ManifestReading =
  | { ok: true; manifest: BackupManifest }
  | { ok: false; problem: string; newerFormat?: boolean };

/**
 * Parses manifest.json's text. The format and version are read first so that a backup from a
 * newer app says so plainly instead of listing schema errors.
 */
export function parseManifest(text: string): ManifestReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'manifest.json is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null) return { ok: false, problem: 'manifest.json is not an object' };
  const head = json as { format?: unknown; formatVersion?: unknown };
  if (head.format !== BACKUP_FORMAT) return { ok: false, problem: 'manifest.json is not an Agente BSC backup manifest' };
  if (typeof head.formatVersion !== 'number' || !READABLE_FORMAT_VERSIONS.includes(head.formatVersion)) {
    const newer = typeof head.formatVersion === 'number' && head.formatVersion > BACKUP_FORMAT_VERSION;
    return {
      ok: false,
      newerFormat: newer,
      problem: newer
        ? `backup format version ${String(head.formatVersion)} was made by a newer version of Agente BSC (this one reads version ${BACKUP_FORMAT_VERSION})`
        : `backup format version ${JSON.stringify(head.formatVersion)} is not supported`,
    };
  }
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'manifest';
    return { ok: false, problem: `manifest.json is invalid at ${where}: ${first?.message ?? 'unknown error'}` };
  }
  const listProblem = entryListProblem(parsed.data.entries);
  if (listProblem) return { ok: false, problem: listProblem };
  return { ok: true, manifest: parsed.data };
}

/** Names in the list must be safe, unique even on a case-insensitive disk, and include the database. */
export function entryListProblem(entries: ReadonlyArray<{ name: string }>): string | null {
  const seen = new Map<string, string>();
  for (const { name } of entries) {
    const unsafe = entryNameProblem(name);
    if (unsafe) return `manifest lists an unsafe entry ${describeEntryName(name)}: ${unsafe}`;
    if (name === MANIFEST_ENTRY) return `manifest lists ${MANIFEST_ENTRY} as an entry of itself`;
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return earlier === name
        ? `manifest lists entry ${name} twice`
        : `manifest lists entries ${earlier} and ${name}, which collide on a case-insensitive disk`;
    }
    seen.set(key, name);
  }
  if (!entries.some((e) => e.name === DATABASE_ENTRY)) return `manifest does not list the database (${DATABASE_ENTRY})`;
  return null;
}
