import { exportConversation } from '../agents/export-conversation';
import { conversationsOf } from '../db/conversations';
import type { MethodHandlers } from '../dispatch';
import { BscError } from '../errors';
import type { EngineServices } from '../services';

type ChatMethods = Extract<keyof MethodHandlers, `chat.${string}`>;

export function chatHandlers({ chat: runtime, database, library }: Pick<EngineServices, 'chat' | 'database' | 'library'>): Pick<MethodHandlers, ChatMethods> {
  const repo = () => conversationsOf(database.get());
  const conversation = (id: string) => {
    const c = repo().get(id);
    if (!c) throw new BscError('NOT_FOUND', 'That conversation no longer exists.');
    return c;
  };

  return {
    'chat.ask': (input) => {
      const { conversationId, answerId, userMessageId } = runtime.ask(input);
      return { conversationId, answerId, userMessageId };
    },
    'chat.cancel': ({ answerId }) => ({ cancelled: runtime.cancel(answerId) }),
    'chat.conversations': (input) => ({ conversations: repo().list(input?.query) }),
    'chat.conversation': ({ conversationId }) => ({ conversation: conversation(conversationId), messages: repo().messages(conversationId) }),
    'chat.rename': ({ conversationId, title }) => {
      const renamed = repo().rename(conversationId, title);
      if (!renamed) throw new BscError('NOT_FOUND', 'That conversation no longer exists.');
      return { conversation: renamed };
    },
    'chat.delete': ({ conversationId }) => {
      // An answer still being written into it is stopped first.
      for (const m of repo().messages(conversationId)) if (m.role === 'assistant') runtime.cancel(m.id);
      return { deleted: repo().delete(conversationId) };
    },
    'chat.export': ({ conversationId, format }) => exportConversation(conversation(conversationId), repo().messages(conversationId), format),
    'chat.source': ({ chunkId, page: wanted }) => {
      const chunk = repo().chunk(chunkId);
      const { repo: documents } = library.open();
      const document = chunk ? documents.get(chunk.documentId) : null;
      if (!chunk || !document) throw new BscError('NOT_FOUND', 'That passage is no longer in the library (its document was removed or re-imported).');
      // The excerpt's own page when the caller names one inside the passage; else where the passage starts.
      const pageNo = wanted !== undefined && wanted >= chunk.pageStart && wanted <= chunk.pageEnd ? wanted : chunk.pageStart;
      const page = documents.pagesWithChunks(document.id).find((p) => p.pageNo === pageNo);
      if (!page) throw new BscError('NOT_FOUND', `Page ${pageNo} of "${document.filename}" is missing.`);
      return { document, page, chunkText: chunk.text };
    },
  };
}
