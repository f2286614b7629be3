import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../../preload/contract';
import { ConversationRepository, titleFromQuestion } from './conversations';
import { openAppDatabase, type AppDatabase } from './open';

let dir: string;
let db: AppDatabase;
let repo: ConversationRepository;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-conv-'));
  db = openAppDatabase(path.join(dir, 'library.sqlite'));
  repo = new ConversationRepository(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function answerFor(id: string, conversationId: string, over: Partial<Answer> = {}): Answer {
  return {
    id, conversationId, question: 'Q', standaloneQuestion: 'Q standalone', language: 'pt', kind: 'extractive', status: 'complete', error: null,
    text: 'Resposta [1].', sections: [], sources: [], judge: null,
    router: { method: 'lexical', perspectives: ['financial'], reason: 'r', needsClarification: false },
    retrieval: { mode: 'bm25', reranked: false, notes: [] }, timings: { total: 3 },
    usage: { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0 }, models: {}, cached: null, createdAt: new Date().toISOString(), ...over,
  };
}

describe('conversation repository', () => {
  it('titles a conversation from its first question, cut at a word', () => {
    expect(titleFromQuestion('  Quais   indicadores\nusar? ')).toBe('Quais indicadores usar?');
    const long = titleFromQuestion('Como alinhar os objetivos estratégicos da cooperativa com os indicadores de desempenho das quatro perspectivas do BSC?');
    expect(long.length).toBeLessThanOrEqual(81);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toMatch(/\s…$/);
  });

  it('stores a question with a partial placeholder, then the whole answer, and lists newest first', async () => {
    const a = repo.create('Primeira');
    await new Promise((r) => setTimeout(r, 5));
    const b = repo.create('Segunda');
    await new Promise((r) => setTimeout(r, 5));
    repo.addQuestion(a.id, 'Pergunta A', 'ans-a');
    // a now has the newest activity
    expect(repo.list().map((c) => c.id)).toEqual([a.id, b.id]);
    expect(repo.get(a.id)?.messageCount).toBe(2);
    const placeholder = repo.message('ans-a')!;
    expect(placeholder.status).toBe('partial');
    expect(placeholder.answer).toBeNull();

    repo.saveAnswer(answerFor('ans-a', a.id));
    const stored = repo.messages(a.id);
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]!.status).toBe('complete');
    expect(stored[1]!.answer?.standaloneQuestion).toBe('Q standalone');
    expect(stored[1]!.text).toBe('Resposta [1].');

    repo.saveAnswer(answerFor('ans-a', a.id, { status: 'partial', text: 'Meia resp' }));
    expect(repo.message('ans-a')!.status).toBe('partial');
  });

  it('searches titles and message text, folding case and accents', () => {
    const a = repo.create('Indicadores financeiros');
    const b = repo.create('Outra conversa');
    repo.addQuestion(b.id, 'Como medir a SATISFAÇÃO dos clientes?', 'x1');
    expect(repo.list('financeiros').map((c) => c.id)).toEqual([a.id]);
    expect(repo.list('satisfacao').map((c) => c.id)).toEqual([b.id]);
    expect(repo.list('100%')).toEqual([]); // LIKE wildcards are literal
    expect(repo.list('nada disso')).toEqual([]);
  });

  it('renames, and deletes with its messages', () => {
    const a = repo.create('Velho');
    repo.addQuestion(a.id, 'P', 'm1');
    expect(repo.rename(a.id, 'Novo')?.title).toBe('Novo');
    expect(repo.rename('missing', 'x')).toBeNull();
    expect(repo.delete(a.id)).toBe(true);
    expect(repo.get(a.id)).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(repo.delete(a.id)).toBe(false);
  });

  it('gives the finished turns as history, leaving out the question being answered', () => {
    const c = repo.create('c');
    repo.addQuestion(c.id, 'Primeira pergunta', 'a1');
    repo.saveAnswer(answerFor('a1', c.id, { text: 'Primeira resposta', standaloneQuestion: 'Primeira pergunta completa' }));
    repo.addQuestion(c.id, 'E a segunda?', 'a2');
    const turns = repo.recentTurns(c.id, 3, 'a2');
    expect(turns).toEqual([{ question: 'Primeira pergunta', standaloneQuestion: 'Primeira pergunta completa', answer: 'Primeira resposta' }]);
  });

  it('keeps cached answers per library version and prunes the stale ones', () => {
    repo.cacheAnswer('k', 3, answerFor('a', 'c'));
    expect(repo.cachedAnswer('k', 3)?.answer.id).toBe('a');
    expect(repo.cachedAnswer('k', 4)).toBeNull();
    repo.cacheAnswer('k2', 4, answerFor('b', 'c'));
    // writing under version 4 dropped the version-3 entry
    expect(repo.cacheSize()).toBe(1);
    expect(repo.pruneAnswerCache(5)).toBe(1);
    expect(repo.cacheSize()).toBe(0);
  });
});
