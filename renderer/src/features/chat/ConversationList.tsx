import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../../preload/contract';
import { api } from '../../lib/api';

type Props = {
  conversations: Conversation[] | null;
  error: string | null;
  query: string;
  onQuery: (q: string) => void;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  onChanged: (change: { deleted?: string }) => void;
};

export function ConversationList({ conversations, error, query, onQuery, selectedId, onSelect, onNew, onChanged }: Props) {
  const { t } = useTranslation('chat');
  const searchId = useId();
  return (
    <nav className="chat-conversations" aria-label={t('conversations.label')} data-testid="conversation-list">
      <button type="button" className="chat-new" onClick={onNew} data-testid="new-conversation">+ {t('conversations.new')}</button>
      <label htmlFor={searchId} className="sr-only">{t('conversations.search')}</label>
      <input
        id={searchId}
        type="search"
        className="chat-search"
        value={query}
        placeholder={t('conversations.searchPlaceholder')}
        onChange={(e) => onQuery(e.target.value)}
        data-testid="conversation-search"
      />
      {error && <p role="alert" className="alert small-alert">{error}</p>}
      {conversations && conversations.length === 0 && (
        <p className="muted chat-list-empty">{query.trim() ? t('conversations.noMatch', { query: query.trim() }) : t('conversations.none')}</p>
      )}
      <ul className="chat-conversation-items">
        {conversations?.map((c) => (
          <ConversationItem key={c.id} conversation={c} selected={c.id === selectedId} onSelect={onSelect} onChanged={onChanged} />
        ))}
      </ul>
    </nav>
  );
}

function ConversationItem({ conversation: c, selected, onSelect, onChanged }: {
  conversation: Conversation; selected: boolean; onSelect: (id: string) => void; onChanged: Props['onChanged'];
}) {
  const { t, i18n } = useTranslation('chat');
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [draft, setDraft] = useState(c.title);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const title = c.title.trim() || t('conversations.untitled');

  useEffect(() => { if (mode === 'rename') input.current?.select(); }, [mode]);

  const rename = async () => {
    const next = draft.trim();
    if (!next || next === c.title) { setMode('view'); return; }
    const r = await api.call('chat.rename', { conversationId: c.id, title: next });
    if (!r.ok) { setError(r.error.message); return; }
    setError(null);
    setMode('view');
    onChanged({});
  };
  const remove = async () => {
    const r = await api.call('chat.delete', { conversationId: c.id });
    if (!r.ok) { setError(r.error.message); return; }
    onChanged({ deleted: c.id });
  };
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(c.updatedAt));

  return (
    <li className={selected ? 'chat-conversation selected' : 'chat-conversation'} data-testid="conversation-item" data-id={c.id}>
      {mode === 'rename' ? (
        <form className="chat-rename" onSubmit={(e) => { e.preventDefault(); void rename(); }}>
          <input
            ref={input}
            value={draft}
            maxLength={200}
            aria-label={t('conversations.renameLabel')}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setDraft(c.title); setMode('view'); } }}
            data-testid="rename-input"
          />
          <div className="chat-item-actions">
            <button type="submit" className="small">{t('conversations.save')}</button>
            <button type="button" className="secondary small" onClick={() => { setDraft(c.title); setMode('view'); }}>{t('conversations.cancel')}</button>
          </div>
        </form>
      ) : (
        <>
          <a
            href={`#/chat/${encodeURIComponent(c.id)}`}
            className="chat-conversation-link"
            aria-current={selected ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); onSelect(c.id); }}
            data-testid="conversation-link"
          >
            <span className="chat-conversation-title">{title}</span>
            <span className="chat-conversation-meta">{when} · {t('conversations.messages', { count: c.messageCount })}</span>
          </a>
          {mode === 'confirm-delete' ? (
            <div className="chat-confirm" role="group" aria-label={t('conversations.deleteConfirm')}>
              <span>{t('conversations.deleteConfirm')}</span>
              <div className="chat-item-actions">
                <button type="button" className="danger small" onClick={() => void remove()} data-testid="delete-confirm">{t('conversations.deleteYes')}</button>
                <button type="button" className="secondary small" onClick={() => setMode('view')} autoFocus>{t('conversations.cancel')}</button>
              </div>
            </div>
          ) : (
            <div className="chat-item-actions" role="group" aria-label={t('conversations.actions', { title })}>
              <button type="button" className="link-button small-link" onClick={() => { setDraft(c.title); setMode('rename'); }} data-testid="rename">{t('conversations.rename')}</button>
              <button type="button" className="link-button small-link danger-link" onClick={() => setMode('confirm-delete')} data-testid="delete">{t('conversations.delete')}</button>
            </div>
          )}
        </>
      )}
      {error && <p role="alert" className="chat-item-error">{error}</p>}
    </li>
  );
}
