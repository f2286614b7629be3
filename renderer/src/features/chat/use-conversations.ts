import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../../../preload/contract';
import { api } from '../../lib/api';

const TYPING_PAUSE_MS = 200;

/** The conversation list, newest first, searched as the user types (after a short pause). */
export function useConversations(query: string) {
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ticket = useRef(0);
  const current = useRef(query);
  current.current = query;

  const refresh = useCallback(async () => {
    const mine = ++ticket.current;
    const q = current.current.trim();
    const r = await api.call('chat.conversations', q ? { query: q } : {});
    if (mine !== ticket.current) return; // a newer search has started
    if (r.ok) { setConversations(r.value.conversations); setError(null); } else setError(`${r.error.code}: ${r.error.message}`);
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => void refresh(), query ? TYPING_PAUSE_MS : 0);
    return () => clearTimeout(timer);
  }, [query, refresh]);

  return { conversations, error, refresh };
}
