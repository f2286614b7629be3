/** Settings → Vector store: mode, state, version, points, start/stop, move/rebuild with progress. */
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Operation, type StoreStatus, VectorStoreMode } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatDuration } from '../../lib/format';
import { useSettings } from '../../lib/use-settings';
import { TestButton } from './ProvidersPanel';

type Mode = StoreStatus['mode'];
const storeKinds = new Set<Operation['kind']>(['move-store', 'rebuild-index']);

export function VectorStorePanel() {
  const { t } = useTranslation('settingsPanels');
  const { settings, update } = useSettings();
  const [status, setStatus] = useState<StoreStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState<Mode | null>(null);
  const [qdrantUrl, setQdrantUrl] = useState<string | null>(null);
  const ops = useStoreOperations();
  const modeId = useId();
  const urlId = useId();

  const refresh = useCallback(async () => {
    const r = await api.call('store.status');
    if (r.ok) { setStatus(r.value); setStatusError(null); } else setStatusError(r.error.message);
  }, []);
  useEffect(() => { void refresh(); }, [refresh]);
  // A finished move or rebuild changes mode and points.
  const lastFinished = ops.find((o) => o.state !== 'running')?.id;
  useEffect(() => { if (lastFinished) void refresh(); }, [lastFinished, refresh]);

  if (!settings) return null;
  const current = settings.vectorStore.mode;
  const chosen = target ?? current;
  const url = qdrantUrl ?? settings.vectorStore.qdrantUrl ?? '';
  const running = ops.some((o) => o.state === 'running');
  const managed = (status?.mode ?? current) === 'bundled' || (status?.mode ?? current) === 'docker';

  const act = async (fn: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    setBusy(true);
    setActionError(null);
    const r = await fn();
    setBusy(false);
    if (!r.ok) setActionError(r.error.message);
    void refresh();
  };
  const move = () => act(async () => {
    if (chosen === 'external' && url.trim() !== (settings.vectorStore.qdrantUrl ?? '')) {
      const saved = await update({ vectorStore: { qdrantUrl: url.trim() || null } });
      if (!saved.ok) return saved;
    }
    return api.call('store.move', { mode: chosen });
  });
  const control = (action: 'start' | 'stop') => act(async () => {
    const r = await api.call('store.control', { action });
    if (r.ok) setStatus(r.value);
    return r;
  });

  return (
    <section className="settings-panel" aria-labelledby="store-title" data-testid="store-panel">
      <h2 id="store-title">{t('store.title')}</h2>
      <p className="muted panel-intro">{t('store.intro')}</p>
      <fieldset className="provider-section">
        <legend>{t('store.legend')}</legend>
        <div className="subsection-head">
          <StoreStatusList status={status} fallbackMode={current} />
          <div className="section-buttons status-buttons">
            <button type="button" className="secondary small" onClick={() => void refresh()}>{t('store.refresh')}</button>
            {managed && <button type="button" className="secondary small" disabled={busy} onClick={() => void control('start')} data-testid="store-start">{t('store.start')}</button>}
            {managed && <button type="button" className="secondary small" disabled={busy} onClick={() => void control('stop')} data-testid="store-stop">{t('store.stop')}</button>}
          </div>
        </div>
        {statusError && <p role="alert" className="alert" data-testid="store-status-error">{statusError}</p>}

        <div className="field-grid">
          <div className="field">
            <label htmlFor={modeId}>{t('store.moveTo')}</label>
            <select id={modeId} data-testid="store-mode" value={chosen} onChange={(e) => setTarget(VectorStoreMode.parse(e.target.value))}>
              {VectorStoreMode.options.map((m) => <option key={m} value={m}>{t(`store.modes.${m}`)}</option>)}
            </select>
          </div>
          {chosen === 'external' && (
            <div className="field">
              <label htmlFor={urlId}>{t('store.qdrantUrl')}</label>
              <input id={urlId} type="url" spellCheck={false} data-testid="store-qdrant-url" value={url} placeholder={t('store.qdrantUrlPlaceholder')} onChange={(e) => setQdrantUrl(e.target.value)} />
              <span className="field-hint">{t('store.qdrantKeyHint')}</span>
            </div>
          )}
        </div>
        <div className="section-actions">
          <div className="section-buttons">
            <button type="button" data-testid="store-move" disabled={busy || running || chosen === current} onClick={() => void move()}>{t('store.move')}</button>
            <button type="button" className="secondary" data-testid="store-rebuild" disabled={busy || running} onClick={() => void act(() => api.call('store.rebuild'))} title={t('store.rebuildHint')}>{t('store.rebuild')}</button>
            <TestButton target="vectorStore" />
            {chosen === current && target !== null && <span className="muted field-hint">{t('store.sameMode')}</span>}
          </div>
          {actionError && <p role="alert" className="alert" data-testid="store-action-error">{actionError}</p>}
        </div>
        {ops.length > 0 && (
          <ul className="store-ops" aria-label={t('store.title')}>
            {ops.map((op) => <OperationRow key={op.id} op={op} />)}
          </ul>
        )}
      </fieldset>
    </section>
  );
}

function StoreStatusList({ status, fallbackMode }: { status: StoreStatus | null; fallbackMode: Mode }) {
  const { t, i18n } = useTranslation('settingsPanels');
  const dash = t('store.none');
  return (
    <dl className="stats-grid store-status" data-testid="store-status">
      <dt>{t('store.mode')}</dt><dd data-testid="store-status-mode">{t(`store.modes.${status?.mode ?? fallbackMode}`)}</dd>
      <dt>{t('store.state')}</dt>
      <dd>{status ? <span className={`badge ${status.state === 'ready' ? 'badge-ok' : status.state === 'starting' ? 'badge-warn' : 'badge-fail'}`}>{t(`store.states.${status.state}`)}</span> : dash}</dd>
      <dt>{t('store.version')}</dt><dd>{status?.version ?? dash}</dd>
      <dt>{t('store.collection')}</dt><dd>{status?.collection ? <code>{status.collection}</code> : dash}</dd>
      <dt>{t('store.points')}</dt><dd>{status?.points != null ? status.points.toLocaleString(i18n.language) : dash}</dd>
      <dt>{t('store.health')}</dt>
      <dd>{status ? <>{status.healthy ? t('store.healthy') : t('store.unhealthy')}{status.detail && <span className="muted"> — {status.detail}</span>}</> : dash}</dd>
    </dl>
  );
}

/** Running and recent moves and rebuilds: the list at mount, then every onOperation event. */
function useStoreOperations(): Operation[] {
  const [ops, setOps] = useState<Map<string, Operation>>(new Map());
  useEffect(() => {
    let live = true;
    const put = (op: Operation) => {
      if (!storeKinds.has(op.kind)) return;
      setOps((prev) => new Map(prev).set(op.id, op));
    };
    void api.call('operations.list').then((r) => {
      if (!live || !r.ok) return;
      // Only the latest finished one is worth showing next to the running ones.
      const mine = r.value.operations.filter((o) => storeKinds.has(o.kind));
      const keep = mine.filter((o) => o.state === 'running').concat(mine.filter((o) => o.state !== 'running').slice(0, 1));
      setOps((prev) => { const next = new Map(prev); for (const o of keep) if (!next.has(o.id)) next.set(o.id, o); return next; });
    });
    const off = api.on('onOperation', put);
    return () => { live = false; off(); };
  }, []);
  return [...ops.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

function OperationRow({ op }: { op: Operation }) {
  const { t } = useTranslation('settingsPanels');
  const [cancelError, setCancelError] = useState<string | null>(null);
  const cancel = async () => {
    const r = await api.call('operations.cancel', { operationId: op.id });
    setCancelError(r.ok ? null : r.error.message);
  };
  const pct = op.total > 0 ? Math.min(100, Math.round((op.done / op.total) * 100)) : null;
  return (
    <li className={`store-op store-op-${op.state}`} data-testid="store-operation" data-kind={op.kind} data-state={op.state}>
      <div className="job-line">
        <strong>{t(`store.ops.${op.kind}`)}</strong>
        <span className="muted">{op.stage}</span>
        {op.state === 'running' && <button type="button" className="secondary small" onClick={() => void cancel()} data-testid="operation-cancel">{t('store.ops.cancel')}</button>}
      </div>
      {op.state === 'running' && (
        <div className="job-progress">
          <progress max={op.total || undefined} value={op.total ? op.done : undefined} aria-label={t(`store.ops.${op.kind}`)} />
          <span className="muted">
            {op.total > 0 && t('store.ops.progress', { done: op.done, total: op.total })}
            {pct !== null && ` (${pct}%)`}
            {op.etaMs != null && ` · ${t('store.ops.eta', { time: formatDuration(op.etaMs) })}`}
          </span>
        </div>
      )}
      {op.state === 'done' && <p className="ok-text op-line">{t('store.ops.done')}</p>}
      {op.state === 'cancelled' && <p className="muted op-line">{t('store.ops.cancelled')}</p>}
      {op.state === 'failed' && <p className="fail-text op-line">{t('store.ops.failed', { message: op.error?.message ?? '' })}</p>}
      {cancelError && <p role="alert" className="fail-text op-line">{cancelError}</p>}
    </li>
  );
}
