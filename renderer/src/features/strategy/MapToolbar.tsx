import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engagement, MapExportFormat, MapPerspective } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';
import { DocumentFilter } from './DocumentFilter';
import { base64ToBytes, downloadBytes, svgToPng } from './export-file';
import type { EngagementState } from './use-engagement';
import { newId } from './use-engagement';

type ExportChoice = 'svg' | 'png' | 'pdf-a4' | 'pdf-a3' | 'xlsx' | 'csv' | 'md' | 'json';
const EXPORTS: ExportChoice[] = ['svg', 'png', 'pdf-a4', 'pdf-a3', 'xlsx', 'csv', 'md', 'json'];

async function exportAs(engagement: Engagement, choice: ExportChoice): Promise<void> {
  const pdf = /^pdf-(a4|a3)$/.exec(choice);
  const format: MapExportFormat = pdf ? 'pdf' : choice === 'png' ? 'svg' : (choice as MapExportFormat);
  const paper = pdf ? (pdf[1] as 'a4' | 'a3') : undefined;
  const r = await api.call('strategy.export', { engagementId: engagement.id, format, ...(paper ? { paper } : {}) });
  if (!r.ok) throw new Error(r.error.message);
  const bytes = base64ToBytes(r.value.base64);
  if (choice === 'png') downloadBytes(await svgToPng(new TextDecoder().decode(bytes)), r.value.filename.replace(/\.svg$/, '.png'), 'image/png');
  else downloadBytes(bytes, r.value.filename, r.value.mime);
}

interface Props { state: EngagementState & { engagement: Engagement }; laneLabel: (p: MapPerspective) => string; onLayout: () => void; onFit: () => void }

/** Add, undo/redo, layout, fit and exports for the map being edited. */
export function MapToolbar({ state, laneLabel, onLayout, onFit }: Props) {
  const { t } = useTranslation('strategy');
  const [lane, setLane] = useState<MapPerspective>('financial');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => state.edit((e) => ({ ...e, objectives: [...e.objectives, { id: newId('obj'), perspective: lane, title: t('newObjective'), description: '', owner: '', themeId: null, x: null, y: null, citations: [] }] }));
  return (
    <div className="map-toolbar" role="toolbar" aria-label={t('title')}>
      <select aria-label={t('perspective')} value={lane} onChange={(e) => setLane(e.target.value as MapPerspective)}>
        {(['financial', 'customer', 'process', 'learning'] as const).map((p) => <option key={p} value={p}>{laneLabel(p)}</option>)}
      </select>
      <button type="button" onClick={add} data-testid="add-objective">{t('addObjective')}</button>
      <button type="button" className="secondary" disabled={!state.canUndo} onClick={state.undo} aria-keyshortcuts="Control+Z">{t('undo')}</button>
      <button type="button" className="secondary" disabled={!state.canRedo} onClick={state.redo} aria-keyshortcuts="Control+Y">{t('redo')}</button>
      <button type="button" className="secondary" onClick={onLayout} data-testid="auto-layout">{t('layout')}</button>
      <button type="button" className="secondary" onClick={onFit}>{t('fit')}</button>
      <select aria-label={t('export')} value="" data-testid="export-select"
        onChange={(e) => { const choice = e.target.value as ExportChoice; e.target.value = ''; setProblem(null); void exportAs(state.engagement, choice).catch((err: Error) => setProblem(t('exportFailed', { message: err.message }))); }}>
        <option value="" disabled>{t('export')}…</option>
        {EXPORTS.map((x) => <option key={x} value={x}>{x.toUpperCase().replace('-', ' ')}</option>)}
      </select>
      <DocumentFilter engagement={state.engagement} edit={state.edit} />
      <span className="muted" role="status">{state.saving ? t('saving') : t('saved')}</span>
      {(problem || state.error) && <span className="alert" role="alert">{problem ?? t('error', { message: state.error })}</span>}
    </div>
  );
}
