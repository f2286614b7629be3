import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { BscError, throwIfCancelled } from '../errors';
import { type ChatModel, completeChat } from '../llm/chat-model';

// Anthropic's contextual retrieval: a short context situating each chunk in its document,
// written by a model that sees the whole document (prompt-cached), prepended for BM25 and
// embeddings. Paid once: contexts are cached by document, chunk, model and prompt version.

export const CONTEXT_PROMPT_VERSION = 1;
/** Past this the document is too long for one prompt: the model sees the chunk's neighbourhood. */
const MAX_DOCUMENT_CHARS = 300_000;
const WINDOW_CHARS = 60_000;

export interface ContextCache {
  get(key: string): string | undefined;
  put(key: string, context: string): void;
  close(): void;
}

/** Contexts live in the embedding cache's file: paid-for model output that can be dropped on its own. */
export function openContextCache(file: string): ContextCache {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS chunk_contexts (key TEXT PRIMARY KEY, context TEXT NOT NULL, created_at TEXT NOT NULL)');
  const get = db.prepare('SELECT context FROM chunk_contexts WHERE key = ?');
  const put = db.prepare('INSERT OR REPLACE INTO chunk_contexts (key, context, created_at) VALUES (?, ?, ?)');
  return {
    get: (key) => (get.get(key) as { context: string } | undefined)?.context,
    put: (key, context) => { put.run(key, context, new Date().toISOString()); },
    close: () => db.close(),
  };
}

export function contextCacheKey(documentSha: string, chunkText: string, model: string): string {
  const chunkSha = createHash('sha256').update(chunkText).digest('hex');
  return createHash('sha256').update(`${documentSha}|${chunkSha}|${model}|v${CONTEXT_PROMPT_VERSION}`).digest('hex');
}

/** The document as the model sees it: whole when it fits, else the part around the chunk. */
export function documentWindow(documentText: string, chunkText: string): string {
  if (documentText.length <= MAX_DOCUMENT_CHARS) return documentText;
  const at = Math.max(0, documentText.indexOf(chunkText.slice(0, 80)));
  const start = Math.max(0, at - WINDOW_CHARS / 2);
  return documentText.slice(start, start + WINDOW_CHARS);
}

export function contextPrompt(chunkText: string): string {
  return [
    'Here is the chunk we want to situate within the whole document:',
    '<chunk>',
    chunkText,
    '</chunk>',
    'Give a short, succinct context (one or two sentences, 50 to 100 tokens) that situates this chunk within the overall document, to improve search retrieval of the chunk. Write it in the language of the document. Answer only with the context.',
  ].join('\n');
}

export interface ContextualizeResult {
  contexts: Array<string | null>;
  calls: number;
  cached: number;
  /** Set when the model failed and the remaining chunks were indexed without a context. */
  warning: string | null;
}

export async function contextualizeChunks(
  model: ChatModel,
  documentSha: string,
  documentText: string,
  chunks: ReadonlyArray<{ text: string }>,
  cache: ContextCache,
  opts: { signal?: AbortSignal; concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ContextualizeResult> {
  const contexts: Array<string | null> = chunks.map(() => null);
  let calls = 0;
  let cached = 0;
  let done = 0;
  let failure: BscError | null = null;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length && !failure) {
      const i = next++;
      const chunk = chunks[i]!;
      const key = contextCacheKey(documentSha, chunk.text, model.model);
      const hit = cache.get(key);
      if (hit !== undefined) {
        contexts[i] = hit;
        cached++;
      } else {
        throwIfCancelled(opts.signal);
        try {
          calls++;
          const out = await completeChat(model, [
            { role: 'system', content: `<document>\n${documentWindow(documentText, chunk.text)}\n</document>` },
            { role: 'user', content: contextPrompt(chunk.text) },
          ], { maxTokens: 200, temperature: 0, signal: opts.signal, cacheSystemPrompt: true });
          const context = out.text.trim().replace(/\s+/g, ' ');
          if (context) {
            contexts[i] = context;
            cache.put(key, context);
          }
        } catch (err) {
          if (err instanceof BscError && err.code === 'CANCELLED') throw err;
          // A failing model must not fail the import: the rest is indexed without context.
          failure = err instanceof BscError ? err : new BscError('PROVIDER_UNAVAILABLE', String(err));
        }
      }
      done++;
      opts.onProgress?.(done, chunks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, chunks.length) }, worker));
  throwIfCancelled(opts.signal);
  const f = failure as BscError | null;
  return { contexts, calls, cached, warning: f ? `Contextual retrieval stopped (${f.message}); the remaining chunks were indexed without a context.` : null };
}
