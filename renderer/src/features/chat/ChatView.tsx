import { useTranslation } from 'react-i18next';

export function ChatView() {
  const { t } = useTranslation();
  return (
    <section className="view">
      <header className="view-header"><h1>{t('nav.chat')}</h1></header>
      <p>{t('placeholder.chat')}</p>
      <p className="muted">{t('placeholder.soon')}</p>
    </section>
  );
}
