import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchSession, logIn } from './session';

export function LoginView({ onLoggedIn }: { onLoggedIn: () => void }) {
  const { t } = useTranslation('login');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tokenMode, setTokenMode] = useState(false);
  useEffect(() => { void fetchSession().then((s) => setTokenMode(s.mode === 'token')); }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password || busy) return;
    setBusy(true);
    setError(null);
    const r = await logIn(password);
    setBusy(false);
    if (r.ok) return onLoggedIn();
    setPassword('');
    if (r.reason === 'wrong') setError(t('wrong'));
    else if (r.reason === 'rate') setError(t('tooMany', { seconds: r.retryAfterSeconds ?? 60 }));
    else if (r.reason === 'network') setError(t('unreachable', { message: r.message ?? '' }));
    else setError(t('failed', { message: r.message ?? '' }));
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">{t(tokenMode ? 'tokenTitle' : 'title')}</h1>
        <p className="muted" data-testid="login-intro">{t(tokenMode ? 'tokenIntro' : 'intro')}</p>
        <label className="login-field">
          <span>{t(tokenMode ? 'token' : 'password')}</span>
          <input
            type="password" autoComplete="current-password" autoFocus required value={password}
            onChange={(e) => setPassword(e.target.value)} data-testid="login-password" aria-invalid={error ? true : undefined}
          />
        </label>
        {error && <p role="alert" className="alert" data-testid="login-error">{error}</p>}
        <button type="submit" disabled={busy || !password} data-testid="login-submit">{busy ? t('checking') : t('submit')}</button>
      </form>
    </main>
  );
}
