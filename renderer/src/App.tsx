import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload } from '../../preload/contract';
import { LibraryView } from './features/library/LibraryView';
import { BackupView } from './features/backup/BackupView';
import { StrategyView } from './features/strategy/StrategyView';
import { ChatView } from './features/chat/ChatView';
import { LoginView } from './features/login/LoginView';
import { useLoginGate } from './features/login/use-login-gate';
import { SettingsView } from './features/settings/SettingsView';
import { StatusView } from './features/status/StatusView';
import { i18next, resolveLanguage } from './i18n';
import { api } from './lib/api';
import { useSettings } from './lib/use-settings';

const VIEWS = ['chat', 'library', 'strategy', 'backup', 'settings', 'status'] as const;
type View = (typeof VIEWS)[number];

function viewFromHash(): View {
  // '#/chat/<conversation id>' is still the chat view: the feature reads the rest of the hash.
  // No hash (first run, a fresh window): Chat, where an empty library is offered the sample or an import.
  const v = window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
  return (VIEWS as readonly string[]).includes(v) ? (v as View) : 'chat';
}

export function App() {
  const { t } = useTranslation();
  const [view, setView] = useState<View>(viewFromHash);
  const [engineState, setEngineState] = useState<EventPayload<'onEngineState'> | null>(null);
  const settings = useSettings();

  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => api.on('onEngineState', setEngineState), []);

  const ui = settings.settings?.ui;
  useEffect(() => {
    if (!ui) return;
    const lang = resolveLanguage(ui.language);
    void i18next.changeLanguage(lang);
    document.documentElement.lang = lang;
    document.documentElement.dataset.theme = ui.theme;
  }, [ui]);

  const gate = useLoginGate();
  if (gate.state === 'checking') return null;
  if (gate.state === 'login') return <LoginView onLoggedIn={gate.loggedIn} />;

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Agente BSC">
        <div className="brand">
          <strong>{t('app.name')}</strong>
          <span>{t('app.tagline')}</span>
        </div>
        <ul>
          {VIEWS.map((v) => (
            <li key={v}>
              <a href={`#/${v}`} aria-current={v === view ? 'page' : undefined} data-testid={`nav-${v}`}>{t(`nav.${v}`)}</a>
            </li>
          ))}
        </ul>
        {gate.required && <button type="button" className="logout-button" onClick={() => void gate.logout()} data-testid="logout">{t('logout', { ns: 'login' })}</button>}
      </nav>
      <main className="content">
        {engineState && engineState.state !== 'ready' && (
          <p role="status" className="banner">{t(`engineState.${engineState.state}`, { reason: engineState.reason ?? '' })}</p>
        )}
        {view === 'status' && <StatusView />}
        {view === 'settings' && <SettingsView settings={settings} />}
        {view === 'library' && <LibraryView />}
        {view === 'chat' && <ChatView />}
        {view === 'backup' && <BackupView />}
        {view === 'strategy' && <StrategyView />}
      </main>
    </div>
  );
}
