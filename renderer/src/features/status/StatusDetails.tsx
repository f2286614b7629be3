import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18next } from '../../i18n';
import type { Status } from '../../../../preload/contract';
import { api } from '../../lib/api';
import './strings';

type ProviderStatus = Status['providers']['chat'];

/** A moment in the UI's own language (not the browser's default). */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(i18next.language);
}

/** One provider: what is configured, where, and whether its last call answered. */
export function ProviderLine({ label, provider, testId }: { label: string; provider: ProviderStatus; testId: string }) {
  const { t } = useTranslation('statusDetail');
  const last = provider.lastCall;
  const state = provider.id === 'none' ? t('none') : !last ? t('notCalled') : last.ok ? t('answered', { when: when(last.at) }) : t('failed', { when: when(last.at), detail: last.detail });
  return (
    <div data-testid={testId} data-provider={provider.id} data-last-call={last ? (last.ok ? 'ok' : 'failed') : 'none'}>
      {/* The engine's detail is English; with no provider the translated word says it all. */}
      {last && <span className={last.ok ? 'badge badge-ok' : 'badge badge-fail'}>{last.ok ? '✓' : '✗'}</span>} {label}: {provider.id === 'none' ? state : <>{provider.detail}
      {provider.endpoint ? ` ${t('at', { endpoint: provider.endpoint })}` : ''} — {state}</>}
    </div>
  );
}

/** The vector store the library uses now, as the store itself reports it. */
export function StoreLine({ store }: { store: Status['vectorStore'] }) {
  const { t } = useTranslation('statusDetail');
  return (
    <span data-testid="status-store" data-mode={store.mode} data-state={store.state}>
      {t(`mode_${store.mode}`)}, {t(`state_${store.state}`)}{store.version ? ` ${store.version}` : ''}{store.ok ? '' : ` — ${store.detail}`}{store.points !== null ? ` · ${t('points', { count: store.points })}` : ''}
    </span>
  );
}

/** The last integrity check and a button to run one now (it is never run by merely opening Status). */
export function IntegrityLine({ integrity, onChecked }: { integrity: Status['database']['integrity']; onChecked: () => void }) {
  const { t } = useTranslation('statusDetail');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = async () => {
    setBusy(true);
    const r = await api.call('database.checkIntegrity');
    setBusy(false);
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
    onChecked();
  };
  const text = !integrity ? t('integrityNever') : integrity.ok ? t('integrityOk', { when: when(integrity.checkedAt), ms: integrity.ms }) : t('integrityBad', { when: when(integrity.checkedAt), detail: integrity.detail });
  return (
    <div data-testid="status-integrity" data-integrity={integrity ? (integrity.ok ? 'ok' : 'failed') : 'never'}>
      {t('integrity')}: {text}{' '}
      <button type="button" onClick={() => void check()} disabled={busy}>{busy ? t('checking') : t('checkNow')}</button>
      {error && <span role="alert"> {error}</span>}
    </div>
  );
}
