import { forwardRef, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { questionLength } from './question-limit';

type Props = {
  value: string;
  onChange: (v: string) => void;
  onSend: () => void;
  onStop: () => void;
  running: boolean;
  sending: boolean;
  followUp: boolean;
};

/**
 * The question box, always at the bottom: Enter sends, Shift+Enter adds a line, Esc stops (handled
 * by the view). Near the length limit a counter shows; over it, Send is refused with a message —
 * the text is never cut silently.
 */
export const Composer = forwardRef<HTMLTextAreaElement, Props>(function Composer({ value, onChange, onSend, onStop, running, sending, followUp }, ref) {
  const { t, i18n } = useTranslation('chat');
  const id = useId();
  const hintId = useId();
  const counterId = useId();
  const rows = Math.min(8, Math.max(2, value.split('\n').length));
  const size = questionLength(value);
  const canSend = size.length > 0 && size.state !== 'over' && !running && !sending;
  const number = (n: number) => new Intl.NumberFormat(i18n.language).format(n);
  return (
    <form className="chat-composer" onSubmit={(e) => { e.preventDefault(); if (canSend) onSend(); }} data-testid="composer">
      <label htmlFor={id} className="sr-only">{t('composer.label')}</label>
      <textarea
        ref={ref}
        id={id}
        rows={rows}
        value={value}
        placeholder={followUp ? t('composer.followUpPlaceholder') : t('composer.placeholder')}
        aria-describedby={size.state === 'ok' ? hintId : `${hintId} ${counterId}`}
        aria-invalid={size.state === 'over'}
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
      {size.state === 'over' && (
        <p role="alert" className="alert chat-composer-over" data-testid="question-too-long">
          {t('composer.tooLong', { length: number(size.length), max: number(size.max), over: number(size.length - size.max) })}
        </p>
      )}
      <p id={hintId} className="chat-composer-hint muted">
        {t('composer.hint')}
        {size.state !== 'ok' && (
          <span id={counterId} className={`chat-composer-count ${size.state}`} data-testid="question-counter" data-state={size.state}>
            {' · '}{t('composer.count', { length: number(size.length), max: number(size.max) })}
          </span>
        )}
      </p>
    </form>
  );
});
