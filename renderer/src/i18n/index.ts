import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { ptBR } from './pt-BR';
import { backupStrings } from '../features/backup/strings';
import { chatStrings } from '../features/chat/strings';
import { loginStrings } from '../features/login/strings';
import { settingsPanelStrings } from '../features/settings/strings';
import { viewerStrings } from '../features/viewer/strings';
import { strategyStrings } from '../features/strategy/strings';
import { watchStrings } from '../features/library/WatchedFolders.strings';

// Each feature keeps its own strings in its folder, as an i18next namespace.
const featureNamespaces = { chat: chatStrings, backup: backupStrings, settingsPanels: settingsPanelStrings, login: loginStrings, viewer: viewerStrings, strategy: strategyStrings, watch: watchStrings } as const;

export type UiLanguage = 'pt-BR' | 'en';

/** The OS/browser language, narrowed to the two we ship: any Portuguese → pt-BR, else English. */
export function systemLanguage(langs: readonly string[] = navigator.languages ?? [navigator.language]): UiLanguage {
  for (const l of langs) {
    if (l.toLowerCase().startsWith('pt')) return 'pt-BR';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export function resolveLanguage(setting: 'system' | UiLanguage): UiLanguage {
  return setting === 'system' ? systemLanguage() : setting;
}

void i18next.use(initReactI18next).init({
  resources: {
    en: { translation: en, ...Object.fromEntries(Object.entries(featureNamespaces).map(([ns, strings]) => [ns, strings.en])) },
    'pt-BR': { translation: ptBR, ...Object.fromEntries(Object.entries(featureNamespaces).map(([ns, strings]) => [ns, strings['pt-BR']])) },
  },
  lng: systemLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes already
});

export { i18next };
