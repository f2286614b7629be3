import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchHit } from '../../../preload/contract';
import { addChatCompletionsRoute, type ChatCompletionsRoute } from '../../../test/standins/openai-chat-route';
import { startOpenAIStandin, type OpenAIStandin } from '../../../test/standins/openai-standin';
import { type AppDatabase, openAppDatabase } from '../db/open';
import { createOpenAIChatModel } from '../llm/openai';
import { EngagementRepository } from './engagement-repository';
import { createStrategyService } from './strategy-service';
import type { SuggestionLibrary } from './suggest';

const apiKey = 'sk-test-openai-0123456789abcdefghijklmn';
const primer = fs.readFileSync(path.resolve(__dirname, '../../../resources/sample-library/02-perspectiva-financeira.md'), 'utf8');
const hit: SearchHit = { chunkId: 7, documentId: 'fin', filename: 'financeira.md', title: 'Perspectiva Financeira', pageStart: 1, pageEnd: 1, pageLabel: '1', headingPath: [], text: primer, snippet: '', score: 1, store: 'embedded', mode: 'bm25' };
// One passage stands in for ranking; the quotes are checked against its real text.
const library: SuggestionLibrary = { search: async () => [hit], pages: () => [{ pageNo: 1, label: '1', text: primer }] };

let standin: OpenAIStandin;
let chat: ChatCompletionsRoute;
let dir: string;
let db: AppDatabase;
beforeAll(async () => { standin = await startOpenAIStandin({ apiKey }); chat = addChatCompletionsRoute(standin); });
afterAll(async () => { await standin.close(); });
beforeEach(() => { chat.script.clear(); chat.requests.length = 0; dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-suggest-model-')); db = openAppDatabase(path.join(dir, 'library.sqlite')); });
afterEach(() => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const tuning = { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 1 }, firstTokenTimeoutMs: 5_000, totalTimeoutMs: 10_000 };
function service() {
  const repo = new EngagementRepository(db);
  const model = createOpenAIChatModel({ provider: 'openai', apiKey, baseUrl: standin.url, model: 'gpt-4o-mini', tuning });
  return createStrategyService({ engagements: () => repo, library, model: () => model });
}

describe('suggestions written by a model', () => {
  it('keeps a suggestion whose quote is in its passage and supports it; drops an invented quote and an unsupported one', async () => {
    chat.script.reply(JSON.stringify({ suggestions: [
      { title: 'Aumentar a receita por cliente', perspective: 'financial', passage: 1, quote: 'Aumentar a receita por cliente nos segmentos-alvo.' },
      { title: 'Dobrar o lucro em um ano', perspective: 'financial', passage: 1, quote: 'Dobrar o lucro em um ano com cortes agressivos.' },
      { title: 'Expandir para o mercado asiático', perspective: 'financial', passage: 1, quote: 'Reduzir o custo unitário de produção ou de serviço.' },
      { title: 'Passagem inexistente', perspective: 'financial', passage: 9, quote: 'Aumentar a rentabilidade sobre o capital empregado.' },
    ] }));
    const s = service();
    const { engagement } = s.create({ name: 'Aroeira' });
    const r = await s.suggest({ engagementId: engagement.id, kind: 'objectives', perspective: 'financial' });
    expect(r.method).toBe('model');
    expect(r.suggestions.map((x) => x.title)).toEqual(['Aumentar a receita por cliente']);
    expect(r.suggestions[0]!.citations[0]).toMatchObject({ documentId: 'fin', pageLabels: ['1'], excerpt: 'Aumentar a receita por cliente nos segmentos-alvo.' });
    // The prompt carried the passage with its page label and asked for verbatim quotes.
    const prompt = JSON.stringify(chat.requests[0]!.body);
    expect(prompt).toContain('Perspectiva Financeira, p. 1');
    expect(prompt).toContain('word for word');
  });

  it('falls back to the library\'s own extracts when the model fails or answers out of form', async () => {
    const s = service();
    const { engagement } = s.create({ name: 'Aroeira' });
    chat.script.fail(500, { times: 3 });
    const failed = await s.suggest({ engagementId: engagement.id, kind: 'objectives', perspective: 'financial' });
    expect(failed.method).toBe('offline');
    expect(failed.suggestions.map((x) => x.title)).toContain('Aumentar a rentabilidade sobre o capital empregado');
    chat.script.clear();
    chat.script.reply('Here are some ideas: grow revenue!');
    expect((await s.suggest({ engagementId: engagement.id, kind: 'objectives', perspective: 'financial' })).method).toBe('offline');
  });
});
