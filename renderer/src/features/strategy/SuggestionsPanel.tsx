import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engagement, MapPerspective, Suggestion } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';
import { pageText } from './citation-text';
import { type EditEngagement, newId } from './use-engagement';

type Item = Suggestion & { key: string; draft: string };

/** Suggestions with their citations; the user accepts (optionally edited) or rejects each. */
export function SuggestionsPanel({ engagement, edit, selected, laneLabel }: { engagement: Engagement; edit: EditEngagement; selected: string | null; laneLabel: (p: MapPerspective) => string }) {
  const { t } = useTranslation('strategy');
  const [items, setItems] = useState<Item[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [perspective, setPerspective] = useState<MapPerspective | ''>('');

  const ask = async (kind: 'objectives' | 'measures') => {
    setBusy(true); setError(null);
    const r = await api.call('strategy.suggest', { engagementId: engagement.id, kind, ...(kind === 'measures' ? { objectiveId: selected! } : perspective ? { perspective } : {}) });
    setBusy(false);
    if (!r.ok) { setError(r.error.message); return; }
    setItems(r.value.suggestions.map((s, i) => ({ ...s, key: `${i}-${s.title}`, draft: s.title })));
  };
  const drop = (key: string) => setItems((xs) => xs?.filter((x) => x.key !== key) ?? null);
  const accept = (s: Item) => {
    const title = s.draft.trim() || s.title;
    if (s.kind === 'objective') {
      edit((e) => ({ ...e, objectives: [...e.objectives, { id: newId('obj'), perspective: s.perspective, title, description: '', owner: '', themeId: null, x: null, y: null, citations: s.citations }] }));
    } else if (s.objectiveId) {
      const measure = { id: newId('m'), objectiveId: s.objectiveId, name: title, formula: s.formula === s.title ? '' : s.formula, unit: '', direction: 'increase' as const, baseline: s.baseline ?? { value: null, year: null }, targets: s.targets, citations: s.citations };
      const initiative = s.initiative && !engagement.initiatives.some((i) => i.objectiveId === s.objectiveId && i.name === s.initiative)
        ? [{ id: newId('ini'), objectiveId: s.objectiveId, name: s.initiative, owner: '', start: null, end: null, budget: null }] : [];
      edit((e) => ({ ...e, measures: [...e.measures, measure], initiatives: [...e.initiatives, ...initiative] }));
    }
    drop(s.key);
  };

  return (
    <section className="strategy-panel" aria-labelledby="suggest-title" data-testid="map-suggestions">
      <h3 id="suggest-title">{t('suggestions')}</h3>
      <div className="strategy-row">
        <select aria-label={t('perspective')} value={perspective} onChange={(e) => { setPerspective(e.target.value as MapPerspective | ''); setItems(null); }}>
          <option value="">{t('allPerspectives')}</option>
          {(['financial', 'customer', 'process', 'learning'] as const).map((p) => <option key={p} value={p}>{laneLabel(p)}</option>)}
        </select>
        <button type="button" disabled={busy} onClick={() => void ask('objectives')} data-testid="suggest-objectives">{t('suggestObjectives')}</button>
      </div>
      <button type="button" className="secondary" disabled={busy || !selected} onClick={() => void ask('measures')} data-testid="suggest-measures">{t('suggestMeasures')}</button>
      {busy && <p className="muted" role="status">{t('suggesting')}</p>}
      {error && <p className="alert" role="alert">{error}</p>}
      {items && items.length === 0 && <p className="muted">{t('noSuggestions')}</p>}
      <ul className="suggestion-list">
        {items?.map((s) => (
          <li key={s.key} data-testid="suggestion">
            <span className="muted">{s.kind === 'objective' ? laneLabel(s.perspective) : t('measure')}</span>
            <input aria-label={t('objectiveTitle')} value={s.draft} onChange={(e) => setItems((xs) => xs?.map((x) => (x.key === s.key ? { ...x, draft: e.target.value } : x)) ?? null)} />
            {s.citations.map((c, i) => <blockquote key={i} className="suggestion-cite">“{c.excerpt}” <cite>{c.filename}, {pageText(c)}</cite></blockquote>)}
            <div className="strategy-row">
              <button type="button" onClick={() => accept(s)} data-testid="accept-suggestion">{t('accept')}</button>
              <button type="button" className="secondary" onClick={() => drop(s.key)}>{t('reject')}</button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
