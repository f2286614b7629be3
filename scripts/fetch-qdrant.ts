// Downloads the pinned Qdrant release for one platform, checks its sha256, and installs the
// binary into resources/qdrant/<platform>/ for the bundled vector store.
//
//   npx tsx scripts/fetch-qdrant.ts --platform linux-x64 [--sha256 HEX] [--out DIR] [--base-url URL] [--force]
//
// Nothing is installed without a sha256 that matches: from the table below or --sha256.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { QDRANT_VERSION } from '../main/engine/qdrant/version';
import { type DownloadLimits, downloadWithSha256, installViaStaging, parseFetchArgs } from './fetch-verified';

export const QDRANT_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type QdrantPlatform = (typeof QDRANT_PLATFORMS)[number];

/** Release asset per platform, as Qdrant's release workflow names them (static musl builds on Linux). */
export const QDRANT_RELEASE_ASSETS: Record<QdrantPlatform, { asset: string; binary: string }> = {
  'linux-x64': { asset: 'qdrant-x86_64-unknown-linux-musl.tar.gz', binary: 'qdrant' },
  'linux-arm64': { asset: 'qdrant-aarch64-unknown-linux-musl.tar.gz', binary: 'qdrant' },
  'darwin-x64': { asset: 'qdrant-x86_64-apple-darwin.tar.gz', binary: 'qdrant' },
  'darwin-arm64': { asset: 'qdrant-aarch64-apple-darwin.tar.gz', binary: 'qdrant' },
  'win32-x64': { asset: 'qdrant-x86_64-pc-windows-msvc.zip', binary: 'qdrant.exe' },
};

/**
 * sha256 of each asset of v{QDRANT_VERSION}. Qdrant publishes no checksum files, so these are
 * filled at release time by whoever bumps QDRANT_VERSION (download once, check, `sha256sum`).
 * null = not yet recorded: the script then refuses to install unless --sha256 is given.
 */
export const QDRANT_RELEASE_SHA256: Record<QdrantPlatform, string | null> = {
  'linux-x64': null,
  'linux-arm64': null,
  'darwin-x64': null,
  'darwin-arm64': null,
  'win32-x64': null,
};

export const QDRANT_RELEASE_BASE_URL = `https://github.com/qdrant/qdrant/releases/download/v${QDRANT_VERSION}`;
const QDRANT_DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 512 * 1024 * 1024, what: 'a Qdrant release', progressEvery: 10, progressAbove: 0 };

export interface FetchQdrantOptions {
  platform: QdrantPlatform;
  /** resources/qdrant: the binary lands in <outDir>/<platform>/. */
  outDir: string;
  sha256?: string;
  baseUrl?: string;
  /** Re-download even when the same version and hash are installed. */
  force?: boolean;
  table?: Record<QdrantPlatform, string | null>;
  say?: (line: string) => void;
}

export interface InstalledQdrant {
  binaryPath: string;
  sha256: string;
  bytes: number;
  skipped: boolean;
}

export function isQdrantPlatform(text: string): text is QdrantPlatform {
  return (QDRANT_PLATFORMS as readonly string[]).includes(text);
}

/** The hash to demand: the table's, or --sha256; both present and different is an error, neither is too. */
export function expectedSha256(platform: QdrantPlatform, override?: string, table: Record<QdrantPlatform, string | null> = QDRANT_RELEASE_SHA256): string {
  const fromTable = table[platform]?.toLowerCase() ?? null;
  const given = override?.trim().toLowerCase();
  if (given !== undefined && !/^[0-9a-f]{64}$/.test(given)) throw new Error(`--sha256 must be 64 hex digits, got "${override}".`);
  if (fromTable && given && fromTable !== given) {
    throw new Error(`--sha256 ${given} differs from the recorded hash ${fromTable} for ${platform}; refusing to install.`);
  }
  const hash = given ?? fromTable;
  if (!hash) {
    throw new Error(
      `No sha256 is recorded for Qdrant v${QDRANT_VERSION} on ${platform}. Pass --sha256 <hex> for ${QDRANT_RELEASE_ASSETS[platform].asset}, ` +
        'or fill QDRANT_RELEASE_SHA256 in scripts/fetch-qdrant.ts (see resources/qdrant/README.md).',
    );
  }
  return hash;
}

export async function fetchQdrant(opts: FetchQdrantOptions): Promise<InstalledQdrant> {
  const say = opts.say ?? (() => {});
  const { asset, binary } = QDRANT_RELEASE_ASSETS[opts.platform];
  const want = expectedSha256(opts.platform, opts.sha256, opts.table);
  const finalDir = path.join(opts.outDir, opts.platform);
  const binaryPath = path.join(finalDir, binary);

  const stamp = readStamp(finalDir);
  if (!opts.force && stamp?.version === QDRANT_VERSION && stamp.sha256 === want && fs.existsSync(binaryPath)) {
    say(`Qdrant v${QDRANT_VERSION} for ${opts.platform} is already installed at ${binaryPath}.`);
    return { binaryPath, sha256: want, bytes: fs.statSync(binaryPath).size, skipped: true };
  }

  const url = `${(opts.baseUrl ?? QDRANT_RELEASE_BASE_URL).replace(/\/+$/, '')}/${asset}`;
  await installViaStaging(finalDir, async (staging, archive) => {
    say(`Downloading ${url}`);
    const got = await downloadWithSha256(url, archive, say, QDRANT_DOWNLOAD_LIMITS);
    if (got.sha256 !== want) {
      throw new Error(`sha256 mismatch for ${asset}: expected ${want}, got ${got.sha256}. Nothing was installed.`);
    }
    if (asset.endsWith('.zip')) extractZip(archive, staging);
    else await extractTarGz(archive, staging);
    const staged = path.join(staging, binary);
    if (!fs.existsSync(staged) || !fs.statSync(staged).isFile()) throw new Error(`${asset} does not contain ${binary} at its top level. Nothing was installed.`);
    fs.chmodSync(staged, 0o755);
    fs.writeFileSync(path.join(staging, 'VERSION.json'), `${JSON.stringify({ version: QDRANT_VERSION, platform: opts.platform, asset, sha256: want, url }, null, 2)}\n`);
  });
  say(`Installed Qdrant v${QDRANT_VERSION} (${opts.platform}) at ${binaryPath}`);
  return { binaryPath, sha256: want, bytes: fs.statSync(binaryPath).size, skipped: false };
}

/** Entry names must stay inside the destination: no absolute paths, no '..', no links or devices. */
function safeEntryPath(destDir: string, name: string): string | undefined {
  const clean = name.replace(/\\/g, '/').replace(/^\.\/+/, '');
  if (!clean || clean === '.') return undefined;
  if (clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split('/').includes('..')) throw new Error(`Archive entry "${name}" points outside the install folder.`);
  return path.join(destDir, clean);
}

export async function extractTarGz(archive: string, destDir: string): Promise<string[]> {
  const written: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // The entry stream is destroyed with the archive; its error is the archive's, reported once.
    stream.on('error', () => {});
    const done = (err?: unknown) => next(err as Error | undefined);
    try {
      const target = safeEntryPath(destDir, header.name);
      if (header.type === 'directory') {
        if (target) fs.mkdirSync(target, { recursive: true });
        stream.resume();
        stream.on('end', () => done());
        return;
      }
      if (header.type !== 'file') throw new Error(`Archive entry "${header.name}" is a ${header.type}; only files and folders are accepted.`);
      if (!target) throw new Error('Archive entry without a name.');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      written.push(path.relative(destDir, target));
      pipeline(stream, fs.createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o755 })).then(() => done(), done);
    } catch (err) {
      stream.resume();
      done(err);
    }
  });
  await pipeline(fs.createReadStream(archive), zlib.createGunzip(), extract);
  return written;
}

/** A small reader for the Windows release zip: stored or deflated entries, no ZIP64, CRC checked. */
export function extractZip(archive: string, destDir: string): string[] {
  const buf = fs.readFileSync(archive);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('Not a zip archive (no end of central directory).');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const written: string[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('Damaged zip central directory.');
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const externalAttrs = buf.readUInt32LE(at + 38);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new Error('ZIP64 archives are not supported.');
    const target = safeEntryPath(destDir, name);
    if (!target) continue;
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    if (((externalAttrs >>> 16) & 0o170000) === 0o120000) throw new Error(`Archive entry "${name}" is a symbolic link; only files and folders are accepted.`);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`Damaged zip entry "${name}".`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw, { maxOutputLength: size }) : undefined;
    if (!data) throw new Error(`Zip entry "${name}" uses compression method ${method}, which is not supported.`);
    if (data.length !== size || zlib.crc32(data) !== crc) throw new Error(`Zip entry "${name}" is corrupt (size or CRC mismatch).`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    written.push(path.relative(destDir, target));
  }
  return written;
}

interface Stamp {
  version?: string;
  sha256?: string;
}

function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'VERSION.json'), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseFetchArgs(process.argv.slice(2), ['force', 'help']);
  if (args.help) {
    process.stdout.write(`Usage: npx tsx scripts/fetch-qdrant.ts [--platform ${QDRANT_PLATFORMS.join('|')}] [--sha256 HEX] [--out DIR] [--base-url URL] [--force]\n`);
    return;
  }
  const platform = typeof args.platform === 'string' ? args.platform : `${process.platform}-${process.arch}`;
  if (!isQdrantPlatform(platform)) throw new Error(`Unknown platform "${platform}"; one of ${QDRANT_PLATFORMS.join(', ')}.`);
  const repoRoot = path.resolve(import.meta.dirname, '..');
  await fetchQdrant({
    platform,
    outDir: typeof args.out === 'string' ? path.resolve(args.out) : path.join(repoRoot, 'resources', 'qdrant'),
    sha256: typeof args.sha256 === 'string' ? args.sha256 : undefined,
    baseUrl: typeof args['base-url'] === 'string' ? args['base-url'] : undefined,
    force: args.force === true,
    say: (line) => process.stderr.write(`${line}\n`),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`fetch-qdrant: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
