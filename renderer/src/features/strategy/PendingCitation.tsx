import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapCitation, MapPerspective } from '../../../../preload/strategy-contract';
import { pageText } from './citation-text';
import { clearPendingCitation, peekPendingCitation } from './pending-citation';
import { type EditEngagement, newId } from './use-engagement';

/** A card title from a quoted passage: no Markdown marks, its first sentence, cut at a word near 120 characters. */
export function titleFromExcerpt(excerpt: string): string {
  const plain = excerpt.replace(/\*\*|__|`|^#+\s*/gm, '').replace(/\s+/g, ' ').trim();
  const sentence = /^(.{12,}?[.;:!?])(\s|$)/.exec(plain)?.[1] ?? plain;
  const cut = sentence.length <= 120 ? sentence : `${sentence.slice(0, sentence.lastIndexOf(' ', 120)).trimEnd()}…`;
  return cut.replace(/[.;:]$/, '');
}

/** "Add to map" from a chat answer lands here: the passage becomes an objective or a measure, cited. */
export function PendingCitation({ edit, selected, laneLabel }: { edit: EditEngagement; selected: string | null; laneLabel: (p: MapPerspective) => string }) {
  const { t } = useTranslation('strategy');
  const [citation, setCitation] = useState<MapCitation | null>(peekPendingCitation);
  const [title, setTitle] = useState(() => (citation ? titleFromExcerpt(citation.excerpt) : ''));
  const [lane, setLane] = useState<MapPerspective>('financial');
  if (!citation) return null;
  const done = () => { clearPendingCitation(); setCitation(null); };
  const asObjective = () => { edit((e) => ({ ...e, objectives: [...e.objectives, { id: newId('obj'), perspective: lane, title: title.trim() || citation.excerpt.slice(0, 200), description: '', owner: '', themeId: null, x: null, y: null, citations: [citation] }] })); done(); };
  const asMeasure = () => {
    if (!selected) return;
    edit((e) => ({ ...e, measures: [...e.measures, { id: newId('m'), objectiveId: selected, name: title.trim() || citation.excerpt.slice(0, 200), formula: '', unit: '', direction: 'increase', baseline: { value: null, year: null }, targets: [], citations: [citation] }] }));
    done();
  };
  return (
    <section className="strategy-panel pending-citation" data-testid="pending-citation">
      <h3>{t('pendingTitle')}</h3>
      <blockquote className="suggestion-cite">“{citation.excerpt}” <cite>{citation.filename}, {pageText(citation)}</cite></blockquote>
      <input aria-label={t('objectiveTitle')} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      <div className="strategy-row">
        <select aria-label={t('perspective')} value={lane} onChange={(e) => setLane(e.target.value as MapPerspective)}>
          {(['financial', 'customer', 'process', 'learning'] as const).map((p) => <option key={p} value={p}>{laneLabel(p)}</option>)}
        </select>
        <button type="button" onClick={asObjective} data-testid="pending-as-objective">{t('asObjective')}</button>
      </div>
      <button type="button" className="secondary" disabled={!selected} onClick={asMeasure}>{t('asMeasure')}</button>
      <button type="button" className="link-button" onClick={done}>{t('dismiss')}</button>
    </section>
  );
}
