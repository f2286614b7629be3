// Downloads the pinned multilingual sentence-embedding model (ONNX + tokenizer) from the Hugging
// Face hub into resources/models/<name>/, for the local-onnx embedding provider and for packaging.
//
//   npx tsx scripts/fetch-model.ts [--out DIR] [--revision COMMIT] [--sha256-file FILE] [--base-url URL] [--force] [--list]
//
// Every file must match a known sha256 (the table below, or --sha256-file in `sha256sum` format,
// paths as in the hub repository). Files are downloaded into a staging folder beside the target
// and swapped in only when all of them match; on any failure nothing is left behind and a
// previous install stays as it was.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_LOCAL_MODEL_FOLDER, MODEL_CARD_FILE, type LocalModelCard } from '../main/engine/embeddings/onnx-embeddings';
import { type DownloadLimits, downloadWithSha256, installViaStaging, parseFetchArgs } from './fetch-verified';

export interface ModelFile {
  /** Path inside the hub repository. */
  path: string;
  /** Name in the installed folder (the provider looks for model.onnx and tokenizer.json). */
  saveAs: string;
  /** null = not yet recorded: the script refuses this file unless --sha256-file gives its hash. */
  sha256: string | null;
}

export interface ModelPin {
  /** Folder name under resources/models/. */
  name: string;
  /** Hub repository, owner/name. */
  repo: string;
  /** A commit of that repository; null until recorded (then --revision is required). */
  revision: string | null;
  files: ModelFile[];
  /** How the model is meant to be used, written to MODEL.json for the provider. */
  usage: Pick<LocalModelCard, 'pooling' | 'prefix' | 'maxLength'>;
}

/**
 * multilingual-e5-small (MIT; 384 dimensions, ~100 languages, strong on Portuguese and English
 * retrieval) in the ONNX export Transformers.js uses; the int8-quantized graph (~118 MB instead of
 * ~470 MB) keeps the installer small at a small cost in quality.
 *
 * Fill at release time (this repository was written offline): pick the commit of the hub
 * repository to ship, download the files below at that commit once, check them, run
 * `sha256sum`, and record the commit and the hashes here.
 */
export const MULTILINGUAL_E5_SMALL: ModelPin = {
  name: DEFAULT_LOCAL_MODEL_FOLDER,
  repo: 'Xenova/multilingual-e5-small',
  revision: null,
  files: [
    { path: 'onnx/model_quantized.onnx', saveAs: 'model.onnx', sha256: null },
    { path: 'tokenizer.json', saveAs: 'tokenizer.json', sha256: null },
    { path: 'tokenizer_config.json', saveAs: 'tokenizer_config.json', sha256: null },
    { path: 'config.json', saveAs: 'config.json', sha256: null },
  ],
  // e5 was trained with "query: " / "passage: "; the provider embeds both sides alike, and e5's
  // authors advise "query: " for symmetric use.
  usage: { pooling: 'mean', prefix: 'query: ', maxLength: 512 },
};

export const HUGGING_FACE_BASE_URL = 'https://huggingface.co';
const MODEL_DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 2 * 1024 * 1024 * 1024, what: 'a model file', progressEvery: 25, progressAbove: 10e6 };

export interface FetchModelOptions {
  pin?: ModelPin;
  /** The installed folder, e.g. resources/models/multilingual-e5-small. */
  outDir: string;
  revision?: string;
  /** Hashes by repository path, from --sha256-file. */
  sha256s?: Record<string, string>;
  baseUrl?: string;
  force?: boolean;
  say?: (line: string) => void;
}

export interface InstalledModel {
  dir: string;
  revision: string;
  files: Array<{ saveAs: string; sha256: string; bytes: number }>;
  skipped: boolean;
}

/** The exact URL of each file at a revision. */
export function modelFileUrls(pin: ModelPin, revision: string, baseUrl = HUGGING_FACE_BASE_URL): string[] {
  return pin.files.map((f) => `${baseUrl.replace(/\/+$/, '')}/${pin.repo}/resolve/${encodeURIComponent(revision)}/${f.path}`);
}

/** The revision to fetch: the pin's or --revision; both and different, or neither, is an error. */
export function pinnedRevision(pin: ModelPin, override?: string): string {
  const given = override?.trim();
  if (given !== undefined && !/^[0-9a-f]{40}$/i.test(given)) throw new Error(`--revision must be a 40-hex-digit commit of ${pin.repo}, got "${override}".`);
  if (pin.revision && given && pin.revision.toLowerCase() !== given.toLowerCase()) {
    throw new Error(`--revision ${given} differs from the pinned revision ${pin.revision} of ${pin.repo}; refusing to install.`);
  }
  const revision = given ?? pin.revision;
  if (!revision) throw new Error(`No revision of ${pin.repo} is pinned. Pass --revision <commit>, or fill MULTILINGUAL_E5_SMALL.revision in scripts/fetch-model.ts.`);
  return revision.toLowerCase();
}

/** The hash to demand for every file, before anything is downloaded; refuses when any is unknown. */
export function expectedSha256s(pin: ModelPin, given: Record<string, string> = {}): Map<string, string> {
  const out = new Map<string, string>();
  const unknown: string[] = [];
  for (const f of pin.files) {
    const fromTable = f.sha256?.toLowerCase() ?? null;
    const fromFile = given[f.path]?.toLowerCase();
    if (fromTable && fromFile && fromTable !== fromFile) {
      throw new Error(`The sha256 file gives ${fromFile} for ${f.path}, the recorded hash is ${fromTable}; refusing to install.`);
    }
    const hash = fromFile ?? fromTable;
    if (hash) out.set(f.path, hash);
    else unknown.push(f.path);
  }
  if (unknown.length > 0) {
    throw new Error(
      `No sha256 is recorded for ${unknown.join(', ')} of ${pin.repo}. Pass --sha256-file FILE (sha256sum format, paths as in the repository), ` +
        'or fill the table in scripts/fetch-model.ts. Nothing was downloaded.',
    );
  }
  return out;
}

/** Reads `sha256sum` output: "<64 hex>  <path>" per line ("*" before the path for binary mode). */
export function parseSha256File(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(trimmed);
    if (!m) throw new Error(`Line ${i + 1} of the sha256 file is not "<sha256>  <path>": ${trimmed}`);
    out[m[2]!.trim().replace(/^\.\//, '')] = m[1]!.toLowerCase();
  });
  return out;
}

export async function fetchModel(opts: FetchModelOptions): Promise<InstalledModel> {
  const pin = opts.pin ?? MULTILINGUAL_E5_SMALL;
  const say = opts.say ?? (() => {});
  // Refuse before any network traffic: no revision or an unknown hash stops here.
  const revision = pinnedRevision(pin, opts.revision);
  const want = expectedSha256s(pin, opts.sha256s);
  const finalDir = path.resolve(opts.outDir);

  const card = readCard(finalDir);
  const installed = pin.files.every((f) => card?.files?.[f.saveAs] === want.get(f.path) && fs.existsSync(path.join(finalDir, f.saveAs)));
  if (!opts.force && card?.id === pin.repo && card.revision === revision && installed) {
    say(`${pin.repo}@${revision.slice(0, 12)} is already installed at ${finalDir}.`);
    return { dir: finalDir, revision, files: pin.files.map((f) => ({ saveAs: f.saveAs, sha256: want.get(f.path)!, bytes: fs.statSync(path.join(finalDir, f.saveAs)).size })), skipped: true };
  }

  const urls = modelFileUrls(pin, revision, opts.baseUrl);
  const files = await installViaStaging(finalDir, async (staging) => {
    const files: InstalledModel['files'] = [];
    for (const [i, f] of pin.files.entries()) {
      const url = urls[i]!;
      const target = path.join(staging, f.saveAs);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      say(`Downloading ${url}`);
      const got = await downloadWithSha256(url, target, say, MODEL_DOWNLOAD_LIMITS);
      const expected = want.get(f.path)!;
      if (got.sha256 !== expected) throw new Error(`sha256 mismatch for ${f.path}: expected ${expected}, got ${got.sha256}. Nothing was installed.`);
      files.push({ saveAs: f.saveAs, sha256: got.sha256, bytes: got.bytes });
    }
    const written: LocalModelCard & { files: Record<string, string>; source: string[] } = {
      id: pin.repo,
      revision,
      ...pin.usage,
      files: Object.fromEntries(files.map((f) => [f.saveAs, f.sha256])),
      source: urls,
    };
    fs.writeFileSync(path.join(staging, MODEL_CARD_FILE), `${JSON.stringify(written, null, 2)}\n`);
    return files;
  });
  say(`Installed ${pin.repo}@${revision.slice(0, 12)} at ${finalDir}`);
  return { dir: finalDir, revision, files, skipped: false };
}

function readCard(dir: string): (LocalModelCard & { files?: Record<string, string> }) | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MODEL_CARD_FILE), 'utf8')) as LocalModelCard & { files?: Record<string, string> };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseFetchArgs(process.argv.slice(2), ['force', 'help', 'list']);
  const pin = MULTILINGUAL_E5_SMALL;
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  if (args.help) {
    process.stdout.write('Usage: npx tsx scripts/fetch-model.ts [--out DIR] [--revision COMMIT] [--sha256-file FILE] [--base-url URL] [--force] [--list]\n');
    return;
  }
  if (args.list) {
    const revision = pinnedRevision(pin, str('revision'));
    modelFileUrls(pin, revision, str('base-url')).forEach((url, i) => process.stdout.write(`${pin.files[i]!.sha256 ?? '(sha256 not recorded)'}  ${url}\n`));
    return;
  }
  const shaFile = str('sha256-file');
  const repoRoot = path.resolve(import.meta.dirname, '..');
  await fetchModel({
    pin,
    outDir: str('out') ? path.resolve(str('out')!) : path.join(repoRoot, 'resources', 'models', pin.name),
    revision: str('revision'),
    sha256s: shaFile ? parseSha256File(fs.readFileSync(shaFile, 'utf8')) : undefined,
    baseUrl: str('base-url'),
    force: args.force === true,
    say: (line) => process.stderr.write(`${line}\n`),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`fetch-model: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
