import { useTranslation } from 'react-i18next';
import { Language, Theme } from '../../../../preload/contract';
import type { useSettings } from '../../lib/use-settings';
import { BackupSchedulePanel } from '../backup/BackupSchedulePanel';
import { OcrSettings } from './OcrSettings';
import { ProvidersPanel } from './ProvidersPanel';
import { VectorStorePanel } from './VectorStorePanel';

export function SettingsView({ settings }: { settings: ReturnType<typeof useSettings> }) {
  const { t } = useTranslation();
  const s = settings.settings;
  if (!s) return <section className="view"><p>{settings.error ?? t('common.loading')}</p></section>;
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-header"><h1 id="settings-title">{t('settings.title')}</h1></header>
      {settings.error && <p role="alert" className="alert">{settings.error}</p>}
      <fieldset>
        <legend>{t('settings.appearance')}</legend>
        <label>
          {t('settings.language')}
          <select
            data-testid="language-select"
            value={s.ui.language}
            onChange={(e) => void settings.update({ ui: { language: Language.parse(e.target.value) } })}
          >
            <option value="system">{t('settings.languageSystem')}</option>
            <option value="pt-BR">Português (Brasil)</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          {t('settings.theme')}
          <select
            data-testid="theme-select"
            value={s.ui.theme}
            onChange={(e) => void settings.update({ ui: { theme: Theme.parse(e.target.value) } })}
          >
            <option value="system">{t('settings.themeSystem')}</option>
            <option value="light">{t('settings.themeLight')}</option>
            <option value="dark">{t('settings.themeDark')}</option>
          </select>
        </label>
      </fieldset>
      <OcrSettings ocr={s.ocr} update={settings.update} />
      <ProvidersPanel />
      <VectorStorePanel />
      <BackupSchedulePanel />
    </section>
  );
}
