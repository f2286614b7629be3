import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Status } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes, formatDuration } from '../../lib/format';
import { ActivityCharts } from './ActivityCharts';
import { IntegrityLine, ProviderLine, StoreLine } from './StatusDetails';

function Check({ ok }: { ok: boolean }) {
  const { t } = useTranslation();
  return <span className={ok ? 'badge badge-ok' : 'badge badge-fail'}>{ok ? t('common.ok') : t('common.failed')}</span>;
}

/** Green only when nothing failed: a provider whose last call failed makes the summary a warning, not "everything works". */
function summaryOf(status: Status): 'ok' | 'warn' | 'fail' {
  if (!status.healthy) return 'fail';
  const providers = [status.providers.embeddings, status.providers.chat, status.providers.rerank];
  return providers.some((p) => p.id !== 'none' && p.lastCall && !p.lastCall.ok) ? 'warn' : 'ok';
}

export function StatusView() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const r = await api.call('status');
    if (r.ok) { setStatus(r.value); setError(null); } else setError(`${r.error.code}: ${r.error.message}`);
  }, []);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 5000);
    const off = api.on('onEngineState', () => void refresh());
    return () => { clearInterval(timer); off(); };
  }, [refresh]);

  return (
    <section className="view" aria-labelledby="status-title">
      <header className="view-header">
        <h1 id="status-title">{t('status.title')}</h1>
        <button type="button" onClick={() => void refresh()}>{t('common.refresh')}</button>
      </header>
      {error && <p role="alert" className="alert">{error}</p>}
      {!status && !error && <p>{t('common.loading')}</p>}
      {status && (
        <>
          <p className={`summary summary-${summaryOf(status)}`} data-testid="health-summary" data-summary={summaryOf(status)}>
            {t(`status.${summaryOf(status) === 'ok' ? 'healthy' : summaryOf(status) === 'warn' ? 'degraded' : 'unhealthy'}`)}
          </p>
          <dl className="status-grid">
            <dt>{t('status.engine')}</dt>
            <dd data-testid="status-engine"><Check ok={status.engine.ok} /> {t('status.pid', { pid: status.engine.pid, uptime: formatDuration(status.engine.uptimeMs), count: status.engine.restarts })}</dd>
            <dt>{t('status.database')}</dt>
            <dd data-testid="status-database">
              <Check ok={status.database.ok} /> {status.database.ok ? t('dbOpen', { ns: 'statusDetail' }) : status.database.detail} — {t('status.schema', { version: status.database.schemaVersion, size: formatBytes(status.database.sizeBytes) })}
              <IntegrityLine integrity={status.database.integrity} onChecked={() => void refresh()} />
            </dd>
            <dt>{t('status.vectorStore')}</dt>
            <dd><Check ok={status.vectorStore.ok} /> <StoreLine store={status.vectorStore} /></dd>
            <dt>{t('status.providers')}</dt>
            <dd>
              <ProviderLine label={t('status.embeddings')} provider={status.providers.embeddings} testId="status-provider-embeddings" />
              <ProviderLine label={t('status.chat')} provider={status.providers.chat} testId="status-provider-chat" />
              <ProviderLine label={t('status.rerank')} provider={status.providers.rerank} testId="status-provider-rerank" />
            </dd>
            <dt>{t('status.library')}</dt>
            <dd>{t('status.counts', status.library)}</dd>
            <dt>{t('status.dataDir')}</dt>
            <dd><code>{status.dataDir}</code></dd>
            <dt>{t('status.versions')}</dt>
            <dd>Agente BSC {status.versions.app} · Node {status.versions.node} · SQLite {status.versions.sqlite}{status.versions.electron ? ` · Electron ${status.versions.electron}` : ''} · {t('status.transport', { kind: api.kind === 'ipc' ? 'IPC' : 'HTTP' })}</dd>
          </dl>
          <ActivityCharts />
        </>
      )}
    </section>
  );
}
