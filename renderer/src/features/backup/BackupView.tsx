import { useTranslation } from 'react-i18next';

export function BackupView() {
  const { t } = useTranslation();
  return (
    <section className="view">
      <header className="view-header"><h1>{t('nav.backup')}</h1></header>
      <p>{t('placeholder.backup')}</p>
      <p className="muted">{t('placeholder.soon')}</p>
    </section>
  );
}
