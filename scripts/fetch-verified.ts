// What the fetch scripts (fetch-model, fetch-qdrant) share: a download hashed as it streams, and an
// install built in a staging folder beside the target and swapped in only when complete.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface DownloadLimits {
  maxBytes: number;
  /** Ends "…is N bytes, more than ___ should be.", e.g. "a model file". */
  what: string;
  /** Progress is said every this many percent… */
  progressEvery: number;
  /** …and only for downloads larger than this many bytes. */
  progressAbove: number;
}

/** Streams `url` into `file`, hashing on the way; refuses anything over `limits.maxBytes`. */
export async function downloadWithSha256(url: string, file: string, say: (line: string) => void, limits: DownloadLimits): Promise<{ sha256: string; bytes: number }> {
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}. Nothing was installed.`);
  const total = Number(res.headers.get('content-length') ?? 0);
  if (total > limits.maxBytes) throw new Error(`${url} is ${total} bytes, more than ${limits.what} should be.`);
  const hash = createHash('sha256');
  let bytes = 0;
  let lastPercent = -limits.progressEvery;
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    if (bytes > limits.maxBytes) body.destroy(new Error(`${url} sent more than ${limits.maxBytes} bytes.`));
    const percent = total > limits.progressAbove ? Math.floor((bytes / total) * 100) : -1;
    if (percent >= lastPercent + limits.progressEvery) {
      lastPercent = percent;
      say(`  ${percent}% of ${(total / 1e6).toFixed(1)} MB`);
    }
  });
  await pipeline(body, fs.createWriteStream(file));
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Lets `fill` write a fresh staging folder beside `finalDir` (with `download`, a scratch file path
 * beside it), then swaps it in: the old folder moves aside, the new one takes its name, and only
 * then is the old one removed. On any failure nothing is left behind and a previous install stays.
 */
export async function installViaStaging<T>(finalDir: string, fill: (staging: string, download: string) => Promise<T>): Promise<T> {
  const parent = path.dirname(finalDir);
  fs.mkdirSync(parent, { recursive: true });
  const token = randomBytes(4).toString('hex');
  const side = (suffix: string) => path.join(parent, `.${path.basename(finalDir)}-${token}.${suffix}`);
  const staging = side('staging');
  const old = side('old');
  const download = side('download');
  try {
    fs.mkdirSync(staging);
    const result = await fill(staging, download);
    const hadOld = fs.existsSync(finalDir);
    if (hadOld) fs.renameSync(finalDir, old);
    try {
      fs.renameSync(staging, finalDir);
    } catch (err) {
      if (hadOld) fs.renameSync(old, finalDir);
      throw err;
    }
    return result;
  } finally {
    fs.rmSync(download, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}

/** `--key value`, `--key=value`, and the bare `booleanFlags`; anything else is an error. */
export function parseFetchArgs(argv: string[], booleanFlags: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".`);
    const [key, inline] = arg.slice(2).split(/=(.*)/s) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) out[key] = inline;
    else if (booleanFlags.includes(key)) out[key] = true;
    else if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i++;
    } else throw new Error(`--${key} needs a value.`);
  }
  return out;
}
