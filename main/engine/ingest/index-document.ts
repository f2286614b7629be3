import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImportStage, Settings } from '../../../preload/contract';
import { routeToPerspectives } from '../agents/route-lexical';
import type { LibraryRepository, NewChunk } from '../db/library';
import type { EmbeddingCache } from '../embeddings/cache';
import { embedWithCache } from '../embeddings/embed-with-cache';
import type { EmbeddingProvider } from '../embeddings/provider';
import { writeFileAtomicSync } from '../atomic-write';
import { BscError, throwIfCancelled } from '../errors';
import { analyzeForIndex, indexLanguageOf } from '../retrieval/analyze';
import { detectChunkLanguage, detectDocumentLanguage } from './language';
import { documentTitle } from './title';
import type { VectorPoint, VectorStore } from '../vectorstore/port';
import type { ChatModel } from '../llm/chat-model';
import { chunkPages } from './chunk';
import { type ContextCache, contextualizeChunks } from './contextualize';
import { extractIsolated } from './extract-isolated';
import type { ExtractedDocument } from './types';
import type { z } from 'zod';

type Stage = z.infer<typeof ImportStage>;

export interface IndexProgress {
  stage: Stage;
  page?: number;
  pages?: number;
  chunks?: number;
}


export interface IndexDeps {
  repo: LibraryRepository;
  documentsDir: string;
  settings: () => Settings;
  embedder: () => { provider: EmbeddingProvider; cache: EmbeddingCache } | null;
  /** Where vectors go: inside the library transaction when the store offers it (embedded), else before it (Qdrant). */
  vectors: VectorStore | null;
  /** The contextual-retrieval model and its cache, when the user turned it on and a model is configured. */
  contextualizer?: () => { model: ChatModel; cache: ContextCache } | null;
  allocateChunkIds: (n: number) => number;
}

export interface IndexRequest {
  path: string;
  filename: string;
  password?: string;
  /** Index again even when the same content is already in the library (re-index). */
  reindex?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
}

export interface IndexOutcome {
  documentId: string;
  pages: number;
  chunks: number;
  /** Set when nothing was indexed because the same content is already there. */
  note: string | null;
  warnings: string[];
}

/** What is embedded for a chunk: its contextual-retrieval context first, when it has one. One formula everywhere, so cache keys match. */
export function embeddingTextOf(chunk: { text: string; context: string | null }): string {
  return chunk.context ? `${chunk.context}\n\n${chunk.text}` : chunk.text;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The stored original of a document, named by content so a re-import never copies twice. */
export function originalPath(documentsDir: string, sha256: string, filename: string): string {
  const ext = path.extname(filename).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
  return path.join(documentsDir, `${sha256}${ext}`);
}

function keepOriginal(documentsDir: string, sha256: string, filename: string, bytes: Uint8Array): void {
  const target = originalPath(documentsDir, sha256, filename);
  if (fs.existsSync(target)) return;
  writeFileAtomicSync(target, bytes, { mode: 0o600 });
}

function documentLanguage(doc: ExtractedDocument) {
  return detectDocumentLanguage(doc.pages.map((p) => p.text));
}

/** The file's bytes, refused early when it is gone, not a file, empty or over the size limit. */
function readSource(req: IndexRequest, maxFileMb: number): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(req.path);
  } catch {
    throw new BscError('NOT_FOUND', `"${req.filename}" can no longer be read (it was moved or deleted).`);
  }
  if (!stat.isFile()) throw new BscError('UNSUPPORTED_TYPE', `"${req.filename}" is not a regular file.`);
  if (stat.size === 0) throw new BscError('EMPTY_FILE', `"${req.filename}" is empty (0 bytes).`);
  if (stat.size > maxFileMb * 1024 * 1024) {
    throw new BscError('TOO_LARGE', `"${req.filename}" is ${(stat.size / 1048576).toFixed(1)} MB; the limit is ${maxFileMb} MB (Settings → Import).`);
  }
  return new Uint8Array(fs.readFileSync(req.path));
}

type ChunkDraft = ReturnType<typeof chunkPages>[number];

/**
 * Language, perspectives and index terms per chunk. Runs on the engine's event loop: yields every
 * slice so answers and other requests keep flowing while a large document is indexed.
 */
async function analyseChunks(drafts: ChunkDraft[], lang: ReturnType<typeof documentLanguage>, firstId: number, signal?: AbortSignal): Promise<NewChunk[]> {
  const chunks: NewChunk[] = [];
  for (let i = 0; i < drafts.length; i++) {
    if (i > 0 && i % 32 === 0) {
      await new Promise((r) => setImmediate(r));
      throwIfCancelled(signal);
    }
    const d = drafts[i]!;
    const effective = detectChunkLanguage(d.text, lang);
    const routed = routeToPerspectives(d.text);
    chunks.push({
      id: firstId + i,
      ord: d.ord,
      pageStart: d.pageStart,
      pageEnd: d.pageEnd,
      headingPath: d.headingPath,
      text: d.text,
      context: null,
      lang: effective,
      perspectives: routed.needsClarification ? [] : routed.perspectives,
      role: d.role ?? 'body',
      terms: analyzeForIndex([d.headingPath.join(' '), d.text, d.marginText ?? ''].join('\n'), indexLanguageOf(effective)),
    });
  }
  return chunks;
}

/** Contextual retrieval, when turned on: each chunk situated in its document, the context indexed too. Returns a warning, if any. */
async function addContexts(
  deps: IndexDeps,
  a: { sha256: string; doc: ExtractedDocument; chunks: NewChunk[]; drafts: ChunkDraft[]; progress: (p: IndexProgress) => void; signal?: AbortSignal },
): Promise<string | null> {
  const contextualizer = deps.contextualizer?.();
  if (!contextualizer) return null;
  const { chunks, progress } = a;
  progress({ stage: 'contextualizing', chunks: chunks.length, page: 0, pages: chunks.length });
  const fullText = a.doc.pages.map((p) => p.text).join('\n\n');
  const out = await contextualizeChunks(contextualizer.model, a.sha256, fullText, chunks, contextualizer.cache, {
    signal: a.signal,
    onProgress: (done, total) => progress({ stage: 'contextualizing', chunks: chunks.length, page: done, pages: total }),
  });
  out.contexts.forEach((context, i) => {
    const c = chunks[i]!;
    if (!context) return;
    c.context = context;
    c.terms = analyzeForIndex([context, c.headingPath.join(' '), c.text, a.drafts[i]?.marginText ?? ''].join('\n'), indexLanguageOf(c.lang));
  });
  return out.warning ?? null;
}

/**
 * One file into the library: read, dedupe by content, extract (isolated), chunk, analyse, embed
 * (cache first), then one transaction. Until that transaction commits nothing of it is visible.
 */
export async function indexDocument(deps: IndexDeps, req: IndexRequest): Promise<IndexOutcome> {
  const { signal } = req;
  const progress = (p: IndexProgress) => req.onProgress?.(p);
  const settings = deps.settings();
  progress({ stage: 'reading' });
  const maxBytes = settings.import.maxFileMb * 1024 * 1024;
  const bytes = readSource(req, settings.import.maxFileMb);
  const sha256 = sha256Of(bytes);
  const existing = deps.repo.findIndexedBySha(sha256);
  if (existing && !req.reindex) {
    return { documentId: existing.id, pages: existing.pageCount, chunks: existing.chunkCount, note: 'already in the library', warnings: [] };
  }
  throwIfCancelled(signal);

  progress({ stage: 'extracting', page: 0, pages: 0 });
  const doc = await extractIsolated(bytes, req.filename, {
    password: req.password,
    maxBytes,
    signal,
    ocr: settings.ocr,
    onProgress: (p) => progress({ stage: p.ocr ? 'recognizing' : 'extracting', page: p.page, pages: p.pages }),
  });
  throwIfCancelled(signal);

  progress({ stage: 'chunking', page: doc.pageCount, pages: doc.pageCount });
  const lang = documentLanguage(doc);
  const drafts = chunkPages(doc.pages, { chunkChars: settings.import.chunkChars, overlapChars: settings.import.overlapChars });
  if (drafts.length === 0) throw new BscError('NO_TEXT', `No extractable text in "${req.filename}" (${doc.pageCount} pages).`, { pageCount: doc.pageCount });
  const chunks = await analyseChunks(drafts, lang, deps.allocateChunkIds(drafts.length), signal);
  progress({ stage: 'chunking', chunks: chunks.length, page: doc.pageCount, pages: doc.pageCount });

  const warnings = [...doc.warnings];
  const contextWarning = await addContexts(deps, { sha256, doc, chunks, drafts, progress, signal });
  if (contextWarning) warnings.push(contextWarning);

  let vectors: Float32Array[] | null = null;
  const embedder = deps.embedder();
  if (embedder) {
    progress({ stage: 'embedding', chunks: chunks.length, page: 0, pages: chunks.length });
    vectors = await embedWithCache(embedder.provider, embedder.cache, chunks.map(embeddingTextOf), {
      signal,
      onProgress: (p) => progress({ stage: 'embedding', chunks: chunks.length, page: p.done, pages: p.total }),
    });
  }
  throwIfCancelled(signal);

  const points: VectorPoint[] = chunks.map((c, i) => ({
    chunkId: c.id, documentId: '', lang: c.lang, perspectives: c.perspectives as VectorPoint['perspectives'], vector: vectors?.[i] ?? null, terms: c.terms,
  }));
  const documentId = `doc_${sha256.slice(0, 16)}`;
  for (const p of points) p.documentId = documentId;
  const replaced = existing ?? deps.repo.findIndexedByFilename(req.filename);
  const replacedChunkIds = replaced ? deps.repo.chunkIdsOf(replaced.id) : [];

  progress({ stage: 'writing', chunks: chunks.length, page: doc.pageCount, pages: doc.pageCount });
  keepOriginal(deps.documentsDir, sha256, req.filename, bytes);
  const store = deps.vectors;
  const within = store?.transactional;
  // A store outside the database is written first and undone if the library transaction fails.
  if (store && !within) await store.add(points, { signal });
  throwIfCancelled(signal);
  try {
    deps.repo.addDocument(
      { id: documentId, sha256, filename: req.filename, mime: doc.mime, bytes: bytes.length, pageCount: doc.pageCount, title: documentTitle(doc, bytes, req.filename), lang },
      doc.pages.map((p) => ({ pageNo: p.pageNo, label: p.label, text: p.text, ocr: p.ocr === true })),
      chunks,
      {
        replaces: replaced?.id ?? null,
        alsoWithin: () => {
          if (replacedChunkIds.length) within?.deleteWithin(replacedChunkIds);
          within?.addWithin(points);
        },
      },
    );
  } catch (err) {
    if (store && !within) await store.delete({ chunkIds: points.map((p) => p.chunkId) }).catch(() => {});
    throw err;
  }
  if (replacedChunkIds.length && store && !within) await store.delete({ chunkIds: replacedChunkIds }).catch(() => {});
  if (replaced && replaced.sha256 !== sha256 && !deps.repo.isShaInUse(replaced.sha256)) {
    fs.rmSync(originalPath(deps.documentsDir, replaced.sha256, replaced.filename), { force: true });
  }
  progress({ stage: 'done', chunks: chunks.length, page: doc.pageCount, pages: doc.pageCount });
  return { documentId, pages: doc.pageCount, chunks: chunks.length, note: existing ? 're-indexed' : replaced ? `replaced the earlier version of ${req.filename}` : null, warnings };
}
