import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource, ChatMessage, Conversation } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { AnswerCard } from './AnswerCard';
import { conversationIdFromHash, hashForConversation } from './chat-route';
import { Composer } from './Composer';
import { ConversationList } from './ConversationList';
import { EmptyThread } from './EmptyThread';
import { saveTextFile } from './save-file';
import { SourcePanel } from './SourcePanel';
import { type AnswerView, threadItems } from './thread-items';
import { answerStreams, useAnswerStreams } from './use-answer-streams';
import { useConversations } from './use-conversations';
import { useLibraryCount } from './use-library-count';

type Loaded = { conversation: Conversation; messages: ChatMessage[] };
type OpenSource = { answerKey: string; source: AnswerSource };

const selectedFromHash = () => conversationIdFromHash(window.location.hash) ?? null;
const NO_MESSAGES: ChatMessage[] = [];

export function ChatView() {
  const { t } = useTranslation('chat');
  const [selectedId, setSelectedId] = useState<string | null>(selectedFromHash);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<{ notFound: boolean; text: string } | null>(null);
  const [query, setQuery] = useState('');
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const [openSource, setOpenSource] = useState<OpenSource | null>(null);
  const list = useConversations(query);
  const library = useLibraryCount();
  const streams = useAnswerStreams();
  const composer = useRef<HTMLTextAreaElement>(null);
  const threadBox = useRef<HTMLDivElement>(null);

  // The hash is the source of truth for which conversation is open (reload, back button).
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
    setOpenSource(null);
    setLoadError(null);
    if (selectedId === null) { setLoaded(null); return; }
    setLoaded((prev) => (prev?.conversation.id === selectedId ? prev : null));
    void load(selectedId);
  }, [selectedId, load]);

  // When an answer in the open conversation ends, read the stored version (and the list's new order).
  const [settled] = useState(() => new Set([...answerStreams().getSnapshot().values()].filter((s) => s.phase !== 'running').map((s) => s.answerId)));
  const refreshList = list.refresh;
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

  const ask = useCallback(async (question: string) => {
    const q = question.trim();
    if (!q) return;
    setSending(true);
    setNotice(null);
    const conversationId = selectedRef.current;
    const r = await api.call('chat.ask', { question: q, ...(conversationId ? { conversationId } : {}) });
    setSending(false);
    if (!r.ok) { setNotice({ tone: 'error', text: `${r.error.code}: ${r.error.message}` }); return; }
    setDraft((d) => (d.trim() === q ? '' : d));
    const store = answerStreams();
    store.push({ type: 'asked', ...r.value, question: q });
    store.flush();
    if (r.value.conversationId !== conversationId) {
      // A new conversation: no extra history entry, and no hashchange for the app to react to.
      window.history.replaceState(null, '', hashForConversation(r.value.conversationId));
      setSelectedId(r.value.conversationId);
    } else {
      void load(r.value.conversationId);
    }
    void refreshList();
  }, [refreshList, load]);

  const stop = useCallback(() => {
    for (const s of running) void api.call('chat.cancel', { answerId: s.answerId });
  }, [running]);

  // Esc stops the answer being written; otherwise it closes the source panel.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (running.length > 0) { e.preventDefault(); stop(); } else if (openSource) { e.preventDefault(); setOpenSource(null); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [running, stop, openSource]);

  // Follow the text as it streams, unless the reader has scrolled up to read something else.
  const stick = useRef(true);
  useEffect(() => {
    const box = threadBox.current;
    if (box && stick.current) box.scrollTop = box.scrollHeight;
  }, [items]);
  useEffect(() => { stick.current = true; }, [selectedId]);

  const onOpenSource = useCallback((view: AnswerView, source: AnswerSource) => setOpenSource({ answerKey: view.key, source }), []);

  const exportAs = async (format: 'markdown' | 'json') => {
    if (!selectedId) return;
    const r = await api.call('chat.export', { conversationId: selectedId, format });
    if (!r.ok) { setNotice({ tone: 'error', text: `${r.error.code}: ${r.error.message}` }); return; }
    saveTextFile(r.value.filename, r.value.mime, r.value.content);
    setNotice({ tone: 'info', text: t('thread.exported', { filename: r.value.filename }) });
  };

  const onListChanged = useCallback(({ deleted }: { deleted?: string }) => {
    void refreshList();
    if (deleted && deleted === selectedRef.current) {
      window.history.replaceState(null, '', hashForConversation(null));
      setSelectedId(null);
    } else if (selectedRef.current) void load(selectedRef.current);
  }, [refreshList, load]);

  const title = selectedId ? loaded?.conversation.title || t('conversations.untitled') : t('thread.newTitle');
  const showEmpty = items.length === 0 && !loadError && (selectedId === null || (loaded !== null && loaded.messages.length === 0));

  return (
    <section className={openSource ? 'chat-view with-source' : 'chat-view'} aria-labelledby="chat-title" data-testid="chat-view">
      <ConversationList
        conversations={list.conversations}
        error={list.error}
        query={query}
        onQuery={setQuery}
        selectedId={selectedId}
        onSelect={select}
        onNew={() => { select(null); setDraft(''); composer.current?.focus(); }}
        onChanged={onListChanged}
      />
      <div className="chat-main">
        <header className="chat-header">
          <h1 id="chat-title" data-testid="chat-title">{title}</h1>
          {selectedId && loaded && (
            <div className="chat-header-actions">
              <button type="button" className="secondary small" onClick={() => void exportAs('markdown')} data-testid="export-markdown">{t('thread.exportMarkdown')}</button>
              <button type="button" className="secondary small" onClick={() => void exportAs('json')} data-testid="export-json">{t('thread.exportJson')}</button>
            </div>
          )}
        </header>
        {notice && (
          <p role={notice.tone === 'error' ? 'alert' : 'status'} className={notice.tone === 'error' ? 'alert chat-notice' : 'notice chat-notice'} data-testid="chat-notice">
            <span>{notice.text}</span>
            <button type="button" className="notice-dismiss" onClick={() => setNotice(null)} aria-label="×">×</button>
          </p>
        )}
        <div
          className="chat-thread"
          ref={threadBox}
          onScroll={(e) => { const b = e.currentTarget; stick.current = b.scrollHeight - b.scrollTop - b.clientHeight < 40; }}
          data-testid="thread"
        >
          {loadError && <p role="alert" className="alert">{loadError.notFound ? t('thread.notFound') : t('errors.load', { message: loadError.text })}</p>}
          {showEmpty && <EmptyThread libraryCount={library.count} onLibraryChanged={library.refresh} onAsk={(q) => void ask(q)} disabled={sending} />}
          <ol className="chat-messages" aria-label={t('thread.label')}>
            {items.map((item) => (
              <li key={item.key} className={item.kind === 'question' ? 'chat-question' : 'chat-answer'}>
                <span className="sr-only">{item.kind === 'question' ? t('thread.you') : t('thread.assistant')}: </span>
                {item.kind === 'question'
                  ? <p className="question-bubble" data-testid="question">{item.text}</p>
                  : <AnswerCard view={item.view} activeSource={openSource?.answerKey === item.view.key ? openSource.source.n : null} onOpenSource={onOpenSource} />}
              </li>
            ))}
          </ol>
        </div>
        <Composer
          ref={composer}
          value={draft}
          onChange={setDraft}
          onSend={() => void ask(draft)}
          onStop={stop}
          running={running.length > 0}
          sending={sending}
          followUp={items.length > 0}
        />
      </div>
      {openSource && <SourcePanel key={`${openSource.answerKey}-${openSource.source.n}`} source={openSource.source} onClose={() => setOpenSource(null)} />}
    </section>
  );
}
