import { randomUUID } from 'node:crypto';
import { Answer, type ChatMessage, type Conversation } from '../../../preload/contract';
import { foldDiacritics } from '../retrieval/analyze';
import type { AppDatabase } from './open';

type MessageStatus = ChatMessage['status'];

interface ConversationRow { id: string; title: string; created_at: string; updated_at: string; message_count: number }
interface MessageRow { id: string; conversation_id: string; role: 'user' | 'assistant'; text: string; answer_json: string | null; status: MessageStatus; created_at: string }

/** A user's question and what the assistant answered, for condensing a follow-up. */
export interface ConversationTurn {
  question: string;
  standaloneQuestion: string | null;
  answer: string | null;
}

const TITLE_CHARS = 80;
/** Kept answers; the oldest beyond this are dropped (the cache is a convenience, not an archive). */
const CACHE_LIMIT = 500;

/** A conversation's title from its first question: the first line, cut at a word near 80 characters. */
export function titleFromQuestion(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_CHARS) return line;
  const cut = line.lastIndexOf(' ', TITLE_CHARS);
  return `${line.slice(0, cut > TITLE_CHARS / 2 ? cut : TITLE_CHARS).trimEnd()}…`;
}

function toConversation(r: ConversationRow): Conversation {
  return { id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at, messageCount: r.message_count };
}

/** A stored answer that no longer parses (written by a future version, say) is shown without it rather than breaking the conversation. */
function parseAnswer(json: string | null): Answer | null {
  if (!json) return null;
  try {
    const parsed = Answer.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toMessage(r: MessageRow): ChatMessage {
  return { id: r.id, conversationId: r.conversation_id, role: r.role, text: r.text, answer: parseAnswer(r.answer_json), status: r.status, createdAt: r.created_at };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const foldFunctionRegistered = new WeakSet<AppDatabase>();

/**
 * Conversations, their messages (the assistant's with the whole Answer as JSON) and the answer
 * cache, every statement prepared once. Search folds case and accents, so "avaliacao" finds
 * "Avaliação".
 */
export class ConversationRepository {
  private readonly s;

  constructor(private readonly db: AppDatabase) {
    if (!foldFunctionRegistered.has(db)) {
      db.function('bsc_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldDiacritics(text) : null));
      foldFunctionRegistered.add(db);
    }
    const cols = `c.id, c.title, c.created_at, c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count`;
    this.s = {
      insert: db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare(`SELECT ${cols} FROM conversations c WHERE c.id = ?`),
      list: db.prepare(`SELECT ${cols} FROM conversations c ORDER BY c.updated_at DESC, c.created_at DESC`),
      search: db.prepare(`SELECT ${cols} FROM conversations c
        WHERE bsc_fold(c.title) LIKE @pattern ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND bsc_fold(m.text) LIKE @pattern ESCAPE '\\')
        ORDER BY c.updated_at DESC, c.created_at DESC`),
      rename: db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?'),
      touch: db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM conversations WHERE id = ?'),
      insertMessage: db.prepare(`INSERT INTO messages (id, conversation_id, role, text, answer_json, status, created_at)
        VALUES (@id, @conversationId, @role, @text, @answerJson, @status, @createdAt)`),
      updateAnswer: db.prepare('UPDATE messages SET text = @text, answer_json = @answerJson, status = @status WHERE id = @id AND role = \'assistant\''),
      messages: db.prepare('SELECT id, conversation_id, role, text, answer_json, status, created_at FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid'),
      message: db.prepare('SELECT id, conversation_id, role, text, answer_json, status, created_at FROM messages WHERE id = ?'),
      cacheGet: db.prepare('SELECT answer_json, created_at FROM answer_cache WHERE key = ? AND corpus_version = ?'),
      cachePut: db.prepare(`INSERT INTO answer_cache (key, answer_json, created_at, corpus_version) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET answer_json = excluded.answer_json, created_at = excluded.created_at, corpus_version = excluded.corpus_version`),
      cachePruneStale: db.prepare('DELETE FROM answer_cache WHERE corpus_version != ?'),
      cachePruneOld: db.prepare(`DELETE FROM answer_cache WHERE key NOT IN (SELECT key FROM answer_cache ORDER BY created_at DESC LIMIT ${CACHE_LIMIT})`),
      cacheCount: db.prepare('SELECT count(*) AS n FROM answer_cache'),
      chunk: db.prepare('SELECT id, document_id, page_start, page_end, text FROM chunks WHERE id = ?'),
    };
  }

  create(title: string, now = new Date().toISOString()): Conversation {
    const id = randomUUID();
    this.s.insert.run(id, title, now, now);
    return this.get(id)!;
  }

  get(id: string): Conversation | null {
    const r = this.s.get.get(id) as ConversationRow | undefined;
    return r ? toConversation(r) : null;
  }

  /** Newest first; `query` matches titles and message text. */
  list(query?: string): Conversation[] {
    const q = query?.trim();
    const rows = q ? this.s.search.all({ pattern: `%${escapeLike(foldDiacritics(q))}%` }) : this.s.list.all();
    return (rows as ConversationRow[]).map(toConversation);
  }

  rename(id: string, title: string): Conversation | null {
    const changed = this.s.rename.run(title, new Date().toISOString(), id).changes;
    return changed ? this.get(id) : null;
  }

  /** Deletes the conversation and (by cascade) its messages. */
  delete(id: string): boolean {
    return this.s.delete.run(id).changes > 0;
  }

  messages(conversationId: string): ChatMessage[] {
    return (this.s.messages.all(conversationId) as MessageRow[]).map(toMessage);
  }

  message(id: string): ChatMessage | null {
    const r = this.s.message.get(id) as MessageRow | undefined;
    return r ? toMessage(r) : null;
  }

  /**
   * The user's question and the assistant's placeholder, in one transaction. The placeholder is
   * 'partial' until the answer is stored: a crash mid-answer leaves it honest, never 'complete'.
   */
  addQuestion(conversationId: string, question: string, answerId: string): { userMessageId: string } {
    const userMessageId = randomUUID();
    this.db.transaction(() => {
      const now = new Date().toISOString();
      this.s.insertMessage.run({ id: userMessageId, conversationId, role: 'user', text: question, answerJson: null, status: 'complete', createdAt: now });
      this.s.insertMessage.run({ id: answerId, conversationId, role: 'assistant', text: '', answerJson: null, status: 'partial', createdAt: now });
      this.s.touch.run(now, conversationId);
    })();
    return { userMessageId };
  }

  /** Stores the whole answer with its assistant message (status from the answer). */
  saveAnswer(answer: Answer): void {
    this.db.transaction(() => {
      this.s.updateAnswer.run({ id: answer.id, text: answer.text, answerJson: JSON.stringify(answer), status: answer.status });
      this.s.touch.run(new Date().toISOString(), answer.conversationId);
    })();
  }

  /** The conversation's finished turns, oldest first, at most `limit` of the latest, leaving out `exceptAnswerId`. */
  recentTurns(conversationId: string, limit: number, exceptAnswerId?: string): ConversationTurn[] {
    const turns: ConversationTurn[] = [];
    let open: ConversationTurn | null = null;
    for (const m of this.messages(conversationId)) {
      if (m.role === 'user') {
        open = { question: m.text, standaloneQuestion: null, answer: null };
        turns.push(open);
      } else if (open && m.id === exceptAnswerId) {
        turns.pop(); // the question being answered now is not history
        open = null;
      } else if (open) {
        open.answer = m.text || null;
        open.standaloneQuestion = m.answer?.standaloneQuestion ?? null;
        open = null;
      }
    }
    return turns.slice(-limit);
  }

  cachedAnswer(key: string, corpusVersion: number): { answer: Answer; at: string } | null {
    const r = this.s.cacheGet.get(key, corpusVersion) as { answer_json: string; created_at: string } | undefined;
    const answer = parseAnswer(r?.answer_json ?? null);
    return r && answer ? { answer, at: r.created_at } : null;
  }

  cacheAnswer(key: string, corpusVersion: number, answer: Answer): void {
    this.db.transaction(() => {
      this.s.cachePut.run(key, JSON.stringify(answer), new Date().toISOString(), corpusVersion);
      this.s.cachePruneStale.run(corpusVersion);
      this.s.cachePruneOld.run();
    })();
  }

  /** Drops answers written against another library version; returns how many. */
  pruneAnswerCache(corpusVersion: number): number {
    return this.s.cachePruneStale.run(corpusVersion).changes;
  }

  cacheSize(): number {
    return (this.s.cacheCount.get() as { n: number }).n;
  }

  /** Where a cited chunk lives, for the source panel. */
  chunk(chunkId: number): { id: number; documentId: string; pageStart: number; pageEnd: number; text: string } | null {
    const r = this.s.chunk.get(chunkId) as { id: number; document_id: string; page_start: number; page_end: number; text: string } | undefined;
    return r ? { id: r.id, documentId: r.document_id, pageStart: r.page_start, pageEnd: r.page_end, text: r.text } : null;
  }
}

const repos = new WeakMap<AppDatabase, ConversationRepository>();

/** One repository per open database (the database is replaced after a restore). */
export function conversationsOf(db: AppDatabase): ConversationRepository {
  let repo = repos.get(db);
  if (!repo) {
    repo = new ConversationRepository(db);
    repos.set(db, repo);
  }
  return repo;
}
