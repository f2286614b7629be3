import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engagement, EngagementSummary, MapPerspective } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';
import { EngagementEditor } from './EngagementEditor';
import { EngagementList } from './EngagementList';
import { type EngagementState, useEngagement } from './use-engagement';

const LANE_KEYS: Record<MapPerspective, { pt: string; en: string }> = {
  financial: { pt: 'Financeira', en: 'Financial' },
  customer: { pt: 'Clientes', en: 'Customer' },
  process: { pt: 'Processos Internos', en: 'Internal Processes' },
  learning: { pt: 'Aprendizado e Crescimento', en: 'Learning & Growth' },
};

const LAST = 'bsc.lastEngagement';
/** '#/strategy/<id>' keeps the open engagement across reloads; plain '#/strategy' reopens the last one. */
const idFromHash = () => window.location.hash.split('/')[2] ?? localStorage.getItem(LAST);

/** The Strategy view: engagements on the left, the selected one's map and scorecard beside. */
export function StrategyView() {
  const { t, i18n } = useTranslation('strategy');
  const [engagements, setEngagements] = useState<EngagementSummary[]>([]);
  const [selected, setSelectedState] = useState<string | null>(idFromHash);
  const [error, setError] = useState<string | null>(null);
  const state = useEngagement(selected);
  const pt = i18n.language.startsWith('pt');
  const sector = state.engagement?.sector ?? 'private';
  const laneLabel = useCallback((p: MapPerspective) => (p === 'financial' && sector === 'public' ? (pt ? 'Missão / Sociedade' : 'Mission / Society') : LANE_KEYS[p][pt ? 'pt' : 'en']), [pt, sector]);

  const refresh = useCallback(async () => {
    const r = await api.call('strategy.list');
    if (r.ok) setEngagements(r.value.engagements); else setError(r.error.message);
    await state.reload();
  }, [state.reload]);
  useEffect(() => { void refresh(); }, []);
  const select = (id: string | null) => {
    setSelectedState(id);
    if (id) localStorage.setItem(LAST, id); else localStorage.removeItem(LAST);
    window.location.hash = id ? `#/strategy/${id}` : '#/strategy';
  };

  return (
    <div className="view strategy-view">
      <header className="view-header"><h1>{t('title')}</h1></header>
      <p className="muted">{t('intro')}</p>
      {error && <p className="alert" role="alert">{error}</p>}
      <div className="strategy-layout">
        <EngagementList engagements={engagements} selected={selected} onSelect={select} onChanged={refresh} onError={setError} />
        {state.engagement && <EngagementEditor state={state as EngagementState & { engagement: Engagement }} laneLabel={laneLabel} />}
      </div>
    </div>
  );
}
