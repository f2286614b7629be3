import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerSource } from '../../../../preload/contract';
import { AnswerCard } from './AnswerCard';
import type { AnswerView, ThreadItem } from './thread-items';

type Props = {
  items: ThreadItem[];
  /** The source open in the panel: which answer, which [n]. */
  open: { answerKey: string; n: number } | null;
  onOpenSource: (view: AnswerView, source: AnswerSource) => void;
};

/** Questions and answers, in order. */
export const ThreadMessages = memo(function ThreadMessages({ items, open, onOpenSource }: Props) {
  const { t } = useTranslation('chat');
  return (
    <ol className="chat-messages" aria-label={t('thread.label')}>
      {items.map((item) => (
        <li key={item.key} className={item.kind === 'question' ? 'chat-question' : 'chat-answer'}>
          <span className="sr-only">{item.kind === 'question' ? t('thread.you') : t('thread.assistant')}: </span>
          {item.kind === 'question'
            ? <p className="question-bubble" data-testid="question">{item.text}</p>
            : <AnswerCard view={item.view} activeSource={open?.answerKey === item.view.key ? open.n : null} onOpenSource={onOpenSource} />}
        </li>
      ))}
    </ol>
  );
});
