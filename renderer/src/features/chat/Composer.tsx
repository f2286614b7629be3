import { forwardRef, useId } from 'react';
import { useTranslation } from 'react-i18next';

type Props = {
  value: string;
  onChange: (v: string) => void;
  onSend: () => void;
  onStop: () => void;
  running: boolean;
  sending: boolean;
  followUp: boolean;
};

/** The question box, always at the bottom: Enter sends, Shift+Enter adds a line, Esc stops (handled by the view). */
export const Composer = forwardRef<HTMLTextAreaElement, Props>(function Composer({ value, onChange, onSend, onStop, running, sending, followUp }, ref) {
  const { t } = useTranslation('chat');
  const id = useId();
  const hintId = useId();
  const rows = Math.min(8, Math.max(2, value.split('\n').length));
  const canSend = value.trim().length > 0 && !running && !sending;
  return (
    <form className="chat-composer" onSubmit={(e) => { e.preventDefault(); if (canSend) onSend(); }} data-testid="composer">
      <label htmlFor={id} className="sr-only">{t('composer.label')}</label>
      <textarea
        ref={ref}
        id={id}
        rows={rows}
        value={value}
        maxLength={4000}
        placeholder={followUp ? t('composer.followUpPlaceholder') : t('composer.placeholder')}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          // While an IME composes a word, Enter confirms the word, not the question.
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (canSend) onSend();
          }
        }}
        data-testid="question-input"
      />
      <div className="chat-composer-side">
        {running
          ? <button type="button" className="danger" onClick={onStop} data-testid="stop">{t('composer.stop')}</button>
          : <button type="submit" disabled={!canSend} data-testid="send">{t('composer.send')}</button>}
      </div>
      <p id={hintId} className="chat-composer-hint muted">{t('composer.hint')}</p>
    </form>
  );
});
