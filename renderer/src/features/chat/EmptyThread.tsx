import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StartLibrary } from './StartLibrary';

type Props = {
  /** Indexed documents, null while unknown. */
  libraryCount: number | null;
  onLibraryChanged: () => void;
  onAsk: (question: string) => void;
  disabled: boolean;
};

/** A new conversation: what the assistant does, how to fill an empty library, and example questions. */
export function EmptyThread({ libraryCount, onLibraryChanged, onAsk, disabled }: Props) {
  const { t } = useTranslation('chat');
  const [importing, setImporting] = useState(false);
  const examples = [t('empty.example1'), t('empty.example2'), t('empty.example3')];

  return (
    <div className="chat-empty" data-testid="chat-empty">
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.body')}</p>
      <StartLibrary libraryCount={libraryCount} onLibraryChanged={onLibraryChanged} onBusy={setImporting} />
      <div className="chat-examples">
        <p className="muted">{t('empty.examples')}</p>
        <ul>
          {examples.map((q) => (
            <li key={q}>
              <button type="button" className="example-question" disabled={disabled || importing} onClick={() => onAsk(q)} data-testid="example-question">{q}</button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
