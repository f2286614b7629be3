import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { ConversationList } from './ConversationList';
import { EmptyThread } from './EmptyThread';
import { questionLength } from './question-limit';
import { saveTextFile } from './save-file';
import { SourcePanel } from './SourcePanel';
import type { AnswerView } from './thread-items';
import { ThreadMessages } from './ThreadMessages';
import { answerStreams } from './use-answer-streams';
import { useChatThread } from './use-chat-thread';
import { useConversations } from './use-conversations';
import { useLibraryCount } from './use-library-count';

type OpenSource = { answerKey: string; source: AnswerSource };
type Notice = { tone: 'info' | 'error'; text: string };

export function ChatView() {
  const { t } = useTranslation('chat');
  const [query, setQuery] = useState('');
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [openSource, setOpenSource] = useState<OpenSource | null>(null);
  const list = useConversations(query);
  const library = useLibraryCount();
  const thread = useChatThread(list.refresh);
  const { selectedId, selectedRef, loaded, loadError, load, items, running, adopt } = thread;
  const refreshList = list.refresh;
  const composer = useRef<HTMLTextAreaElement>(null);
  const threadBox = useRef<HTMLDivElement>(null);

  useEffect(() => { setOpenSource(null); }, [selectedId]);

  const ask = useCallback(async (question: string) => {
    const q = question.trim();
    if (!q) return;
    const size = questionLength(q);
    if (size.state === 'over') { setNotice({ tone: 'error', text: t('composer.tooLong', { length: size.length, max: size.max, over: size.length - size.max }) }); return; }
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
    if (r.value.conversationId !== conversationId) adopt(r.value.conversationId);
    else void load(r.value.conversationId);
    void refreshList();
  }, [refreshList, load, selectedRef, adopt, t]);

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
  const open = useMemo(() => (openSource ? { answerKey: openSource.answerKey, n: openSource.source.n } : null), [openSource]);

  const exportAs = async (format: 'markdown' | 'json') => {
    if (!selectedId) return;
    const r = await api.call('chat.export', { conversationId: selectedId, format });
    if (!r.ok) { setNotice({ tone: 'error', text: `${r.error.code}: ${r.error.message}` }); return; }
    saveTextFile(r.value.filename, r.value.mime, r.value.content);
    setNotice({ tone: 'info', text: t('thread.exported', { filename: r.value.filename }) });
  };

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
        onSelect={thread.select}
        onNew={() => { thread.select(null); setDraft(''); composer.current?.focus(); }}
        onChanged={thread.onListChanged}
      />
      <div className="chat-main">
        <ChatHeader title={title} canExport={!!selectedId && !!loaded} onExport={(f) => void exportAs(f)} notice={notice} onDismissNotice={() => setNotice(null)} />
        <div
          className="chat-thread"
          ref={threadBox}
          onScroll={(e) => { const b = e.currentTarget; stick.current = b.scrollHeight - b.scrollTop - b.clientHeight < 40; }}
          data-testid="thread"
        >
          {loadError && <p role="alert" className="alert">{loadError.notFound ? t('thread.notFound') : t('errors.load', { message: loadError.text })}</p>}
          {showEmpty && <EmptyThread libraryCount={library.count} onLibraryChanged={library.refresh} onAsk={(q) => void ask(q)} disabled={sending} />}
          <ThreadMessages items={items} open={open} onOpenSource={onOpenSource} />
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
