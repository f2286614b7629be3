import { useTranslation } from 'react-i18next';
import type { Engagement, Initiative, Objective } from '../../../../preload/strategy-contract';
import { pageText } from './citation-text';
import { MeasureRow } from './MeasureRow';
import { addInitiative, addMeasure, updateInitiative, updateMeasure } from './scorecard-edit';
import type { EditEngagement } from './use-engagement';

function InitiativeRow({ initiative, edit }: { initiative: Initiative; edit: EditEngagement }) {
  const { t } = useTranslation('strategy');
  const set = (patch: Partial<Initiative>) => edit((e) => updateInitiative(e, initiative.id, patch));
  const date = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
  return (
    <tr data-testid="initiative-row">
      <td><input aria-label={t('initiative')} placeholder={t('initiative')} defaultValue={initiative.name} onBlur={(e) => e.target.value.trim() && e.target.value !== initiative.name && set({ name: e.target.value })} /></td>
      <td><input aria-label={t('owner')} placeholder={t('owner')} defaultValue={initiative.owner} onBlur={(e) => e.target.value !== initiative.owner && set({ owner: e.target.value })} /></td>
      <td><input type="date" aria-label={t('start')} defaultValue={initiative.start ?? ''} onBlur={(e) => set({ start: date(e.target.value) })} /></td>
      <td><input type="date" aria-label={t('end')} defaultValue={initiative.end ?? ''} onBlur={(e) => set({ end: date(e.target.value) })} /></td>
      <td><input aria-label={t('budget')} inputMode="decimal" defaultValue={initiative.budget ?? ''} onBlur={(e) => { const n = Number(e.target.value.replace(',', '.')); set({ budget: e.target.value.trim() && Number.isFinite(n) && n >= 0 ? n : null }); }} /></td>
      <td><button type="button" className="secondary danger-outline" onClick={() => edit((e) => ({ ...e, initiatives: e.initiatives.filter((i) => i.id !== initiative.id) }))}>{t('remove')}</button></td>
    </tr>
  );
}

/** An objective's owner, measures (with baseline and targets), initiatives and sources, all editable. */
export function ObjectiveScorecard({ engagement, objective, edit }: { engagement: Engagement; objective: Objective; edit: EditEngagement }) {
  const { t } = useTranslation('strategy');
  const measures = engagement.measures.filter((m) => m.objectiveId === objective.id);
  const initiatives = engagement.initiatives.filter((i) => i.objectiveId === objective.id);
  const setObjective = (patch: Partial<Objective>) => edit((e) => ({ ...e, objectives: e.objectives.map((o) => (o.id === objective.id ? { ...o, ...patch } : o)) }));
  return (
    <div className="objective-scorecard" data-testid="objective-scorecard">
      <h4>{objective.title}</h4>
      <label className="strategy-row">{t('owner')}
        <input defaultValue={objective.owner} key={`${objective.id}-owner-${objective.owner}`} onBlur={(e) => e.target.value !== objective.owner && setObjective({ owner: e.target.value })} />
      </label>
      <table className="scorecard-table">
        <thead><tr><th>{t('measure')}</th><th>{t('formula')}</th><th>{t('unit')}</th><th>{t('direction')}</th><th>{t('baseline')}</th><th>{t('baselineYear')}</th><th>{t('targets')}</th><th /></tr></thead>
        <tbody>
          {measures.map((m) => (
            <MeasureRow key={m.id} measure={m} onChange={(patch) => edit((e) => updateMeasure(e, m.id, patch))} onRemove={() => edit((e) => ({ ...e, measures: e.measures.filter((x) => x.id !== m.id) }))} />
          ))}
        </tbody>
      </table>
      <button type="button" className="secondary" onClick={() => edit((e) => addMeasure(e, objective.id, t('measure')))} data-testid="add-measure">{t('addMeasure')}</button>
      <table className="scorecard-table">
        <thead><tr><th>{t('initiative')}</th><th>{t('owner')}</th><th>{t('start')}</th><th>{t('end')}</th><th>{t('budget')}</th><th /></tr></thead>
        <tbody>{initiatives.map((i) => <InitiativeRow key={i.id} initiative={i} edit={edit} />)}</tbody>
      </table>
      <button type="button" className="secondary" onClick={() => edit((e) => addInitiative(e, objective.id, t('initiative')))}>{t('addInitiative')}</button>
      {objective.citations.length > 0 && (
        <ul className="objective-sources" aria-label={t('sources')}>
          {objective.citations.map((c, i) => <li key={i}>“{c.excerpt}” <cite>{c.filename}, {pageText(c)}</cite></li>)}
        </ul>
      )}
    </div>
  );
}

/** The whole scorecard, objective by objective in lane order. */
export function ScorecardTable({ engagement, edit, laneLabel }: { engagement: Engagement; edit: EditEngagement; laneLabel: (p: Objective['perspective']) => string }) {
  const lanes = ['financial', 'customer', 'process', 'learning'] as const;
  return (
    <div className="scorecard" data-testid="scorecard">
      {lanes.map((p) => {
        const objectives = engagement.objectives.filter((o) => o.perspective === p);
        return objectives.length === 0 ? null : (
          <section key={p}>
            <h3>{laneLabel(p)}</h3>
            {objectives.map((o) => <ObjectiveScorecard key={o.id} engagement={engagement} objective={o} edit={edit} />)}
          </section>
        );
      })}
    </div>
  );
}
