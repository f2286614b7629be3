import type { ReactFlowInstance } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engagement, MapPerspective } from '../../../../preload/strategy-contract';
import { autoLayout } from './auto-layout';
import { ChecksPanel } from './ChecksPanel';
import { MapCanvas } from './MapCanvas';
import { MapToolbar } from './MapToolbar';
import { ObjectiveScorecard, ScorecardTable } from './ObjectiveScorecard';
import { PendingCitation } from './PendingCitation';
import { SuggestionsPanel } from './SuggestionsPanel';
import { ThemePicker } from './ThemePicker';
import type { EngagementState } from './use-engagement';

/** Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z or Ctrl+Y redoes — except while typing in a field. */
function useUndoKeys(state: EngagementState): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) { e.preventDefault(); state.undo(); }
      else if ((k === 'z' && e.shiftKey) || k === 'y') { e.preventDefault(); state.redo(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state]);
}

/** The map (or the whole scorecard) of one engagement, with checks, suggestions and the selected objective's scorecard. */
export function EngagementEditor({ state, laneLabel }: { state: EngagementState & { engagement: Engagement }; laneLabel: (p: MapPerspective) => string }) {
  const { t } = useTranslation('strategy');
  const [tab, setTab] = useState<'map' | 'scorecard'>('map');
  const [selected, setSelected] = useState<string | null>(null);
  const flow = useRef<ReactFlowInstance | null>(null);
  const { engagement, edit } = state;
  useUndoKeys(state);
  const layout = useCallback(() => { void autoLayout(engagement).then((laid) => { edit(() => laid); setTimeout(() => void flow.current?.fitView({ padding: 0.1 }), 50); }); }, [engagement, edit]);
  const objective = engagement.objectives.find((o) => o.id === selected) ?? null;

  return (
    <div className="engagement-editor">
      <MapToolbar state={state} laneLabel={laneLabel} onLayout={layout} onFit={() => void flow.current?.fitView({ padding: 0.1 })} />
      <div className="strategy-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'map'} className={tab === 'map' ? '' : 'secondary'} onClick={() => setTab('map')}>{t('mapTab')}</button>
        <button type="button" role="tab" aria-selected={tab === 'scorecard'} className={tab === 'scorecard' ? '' : 'secondary'} onClick={() => setTab('scorecard')} data-testid="scorecard-tab">{t('scorecardTab')}</button>
      </div>
      <div className="strategy-body">
        <div className="strategy-main">
          {tab === 'map'
            ? <MapCanvas engagement={engagement} checks={state.checks} edit={edit} laneLabel={laneLabel} onSelect={setSelected} onReady={(f) => { flow.current = f; }} />
            : <ScorecardTable engagement={engagement} edit={edit} laneLabel={laneLabel} />}
        </div>
        <aside className="strategy-side">
          <PendingCitation edit={edit} selected={selected} laneLabel={laneLabel} />
          {tab === 'map' && (objective ? (
            <section className="strategy-panel">
              <ThemePicker engagement={engagement} objective={objective} edit={edit} />
              <ObjectiveScorecard engagement={engagement} objective={objective} edit={edit} />
            </section>
          ) : <p className="muted">{t('selectHint')}</p>)}
          <ChecksPanel checks={state.checks} onPick={(id) => { setTab('map'); setSelected(id); }} />
          <SuggestionsPanel engagement={engagement} edit={edit} selected={selected} laneLabel={laneLabel} />
        </aside>
      </div>
    </div>
  );
}
