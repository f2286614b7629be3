import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engagement, Objective } from '../../../../preload/strategy-contract';
import { type EditEngagement, newId } from './use-engagement';

const PALETTE = ['#2a7f62', '#b45309', '#7c3aed', '#0369a1', '#be123c', '#4d7c0f'];

/** Puts the objective in a strategic theme (a band across the lanes), or starts a new theme. */
export function ThemePicker({ engagement, objective, edit }: { engagement: Engagement; objective: Objective; edit: EditEngagement }) {
  const { t } = useTranslation('strategy');
  const [name, setName] = useState('');
  const setTheme = (themeId: string | null) => edit((e) => ({ ...e, objectives: e.objectives.map((o) => (o.id === objective.id ? { ...o, themeId } : o)) }));
  const create = () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    const theme = { id: newId('theme'), name: trimmed, color: PALETTE[engagement.themes.length % PALETTE.length]! };
    edit((e) => ({ ...e, themes: [...e.themes, theme], objectives: e.objectives.map((o) => (o.id === objective.id ? { ...o, themeId: theme.id } : o)) }));
    setName('');
  };
  return (
    <div className="strategy-row">
      <label>{t('theme')}{' '}
        <select value={objective.themeId ?? ''} onChange={(e) => setTheme(e.target.value || null)}>
          <option value="">{t('noTheme')}</option>
          {engagement.themes.map((th) => <option key={th.id} value={th.id}>{th.name}</option>)}
        </select>
      </label>
      <input aria-label={t('themeName')} placeholder={t('addTheme')} value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && create()} />
      <button type="button" className="secondary" disabled={!name.trim()} onClick={create}>+</button>
    </div>
  );
}
