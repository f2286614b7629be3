import { useTranslation } from 'react-i18next';

type Props = {
  title: string;
  canExport: boolean;
  onExport: (format: 'markdown' | 'json') => void;
  notice: { tone: 'info' | 'error'; text: string } | null;
  onDismissNotice: () => void;
};

/** The conversation's title, its export buttons, and the one notice line under them. */
export function ChatHeader({ title, canExport, onExport, notice, onDismissNotice }: Props) {
  const { t } = useTranslation('chat');
  return (
    <>
      <header className="chat-header">
        <h1 id="chat-title" data-testid="chat-title">{title}</h1>
        {canExport && (
          <div className="chat-header-actions">
            <button type="button" className="secondary small" onClick={() => onExport('markdown')} data-testid="export-markdown">{t('thread.exportMarkdown')}</button>
            <button type="button" className="secondary small" onClick={() => onExport('json')} data-testid="export-json">{t('thread.exportJson')}</button>
          </div>
        )}
      </header>
      {notice && (
        <p role={notice.tone === 'error' ? 'alert' : 'status'} className={notice.tone === 'error' ? 'alert chat-notice' : 'notice chat-notice'} data-testid="chat-notice">
          <span>{notice.text}</span>
          <button type="button" className="notice-dismiss" onClick={onDismissNotice} aria-label="×">×</button>
        </p>
      )}
    </>
  );
}
