import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage, Conversation } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { conversationIdFromHash, hashForConversation } from './chat-route';
import { threadItems } from './thread-items';
import { answerStreams, useAnswerStreams } from './use-answer-streams';

type Loaded = { conversation: Conversation; messages: ChatMessage[] };

const selectedFromHash = () => conversationIdFromHash(window.location.hash) ?? null;
const NO_MESSAGES: ChatMessage[] = [];

/**
 * The open conversation: which one (the URL hash is the source of truth, for reload and the back
 * button), its stored messages merged with answers still streaming, re-read when one ends.
 */
export function useChatThread(refreshList: () => Promise<void> | void) {
  const [selectedId, setSelectedId] = useState<string | null>(selectedFromHash);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<{ notFound: boolean; text: string } | null>(null);
  const streams = useAnswerStreams();

  useEffect(() => {
    const onHash = () => {
      const id = conversationIdFromHash(window.location.hash);
      if (id !== undefined) setSelectedId(id);
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    return () => { window.removeEventListener('hashchange', onHash); window.removeEventListener('popstate', onHash); };
  }, []);

  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const load = useCallback(async (id: string) => {
    const r = await api.call('chat.conversation', { conversationId: id });
    if (selectedRef.current !== id) return; // another conversation was opened meanwhile
    if (r.ok) { setLoaded(r.value); setLoadError(null); } else setLoadError({ notFound: r.error.code === 'NOT_FOUND', text: `${r.error.code}: ${r.error.message}` });
  }, []);

  useEffect(() => {
    setLoadError(null);
    if (selectedId === null) { setLoaded(null); return; }
    setLoaded((prev) => (prev?.conversation.id === selectedId ? prev : null));
    void load(selectedId);
  }, [selectedId, load]);

  // When an answer in the open conversation ends, read the stored version (and the list's new order).
  const [settled] = useState(() => new Set([...answerStreams().getSnapshot().values()].filter((s) => s.phase !== 'running').map((s) => s.answerId)));
  useEffect(() => {
    for (const s of streams.values()) {
      if (s.phase === 'running' || settled.has(s.answerId)) continue;
      settled.add(s.answerId);
      if (s.conversationId === selectedRef.current) void load(s.conversationId);
      void refreshList();
    }
  }, [streams, load, refreshList, settled]);

  const messages = loaded?.conversation.id === selectedId ? loaded.messages : NO_MESSAGES;
  const items = useMemo(() => threadItems(messages, streams.values(), selectedId), [messages, streams, selectedId]);
  const running = useMemo(() => [...streams.values()].filter((s) => s.phase === 'running' && s.conversationId === selectedId && selectedId !== null), [streams, selectedId]);

  // pushState, not location.hash: a history entry for the back button, without a hashchange that
  // would make the app re-read its view from the hash.
  const select = useCallback((id: string | null) => {
    if (window.location.hash !== hashForConversation(id)) window.history.pushState(null, '', hashForConversation(id));
    setSelectedId(id);
  }, []);

  /** Open without a history entry (a conversation just made by asking, or none after a delete), and without a hashchange. */
  const adopt = useCallback((id: string | null) => {
    window.history.replaceState(null, '', hashForConversation(id));
    setSelectedId(id);
  }, []);

  const onListChanged = useCallback(({ deleted }: { deleted?: string }) => {
    void refreshList();
    if (deleted && deleted === selectedRef.current) adopt(null);
    else if (selectedRef.current) void load(selectedRef.current);
  }, [refreshList, load, adopt]);

  return { selectedId, selectedRef, loaded, loadError, load, items, running, select, adopt, onListChanged };
}
