import { Handle, type NodeProps, Position } from '@xyflow/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Objective } from '../../../../preload/strategy-contract';

export interface ObjectiveNodeData extends Record<string, unknown> {
  objective: Objective;
  measures: number;
  warnings: number;
  themeColor: string | null;
  rename: (id: string, title: string) => void;
}

/** A card on the map: double-click (or Enter) to edit its title in place; handles to draw arrows. */
export function ObjectiveNode({ data, selected }: NodeProps & { data: ObjectiveNodeData }) {
  const { t } = useTranslation('strategy');
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(data.objective.title);
  const o = data.objective;
  const finish = (keep: boolean) => {
    setEditing(false);
    const title = draft.trim();
    if (keep && title && title !== o.title) data.rename(o.id, title);
    else setDraft(o.title);
  };
  return (
    <div
      className={`objective-card perspective-${o.perspective}${selected ? ' selected' : ''}`}
      style={data.themeColor ? { borderColor: data.themeColor } : undefined}
      onDoubleClick={() => { setDraft(o.title); setEditing(true); }}
      onKeyDown={(e) => { if (e.key === 'Enter' && !editing) { setDraft(o.title); setEditing(true); } }}
      data-testid="objective-card"
      data-objective-id={o.id}
    >
      <Handle type="target" position={Position.Bottom} />
      {editing ? (
        <textarea
          className="nodrag objective-edit"
          aria-label={t('objectiveTitle')}
          autoFocus
          value={draft}
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => finish(true)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); finish(true); }
            if (e.key === 'Escape') finish(false);
          }}
        />
      ) : (
        <span className="objective-title">{o.title}</span>
      )}
      <span className="objective-meta">
        <span title={t('measuresCount', { count: data.measures })}>{t('measuresShort', { count: data.measures })}</span>
        {o.citations.length > 0 && <span title={t('citedTitle')}>§{o.citations.length}</span>}
        {data.warnings > 0 && <span className="objective-warn" title={t('warningsCount', { count: data.warnings })}>⚠ {data.warnings}</span>}
      </span>
      <Handle type="source" position={Position.Top} />
    </div>
  );
}

/** A perspective's lane behind the cards. */
export function LaneNode({ data }: NodeProps & { data: { label: string; width: number; height: number; index: number } }) {
  return (
    <div className={`map-lane lane-${data.index}`} style={{ width: data.width, height: data.height }}>
      <span className="map-lane-label">{data.label}</span>
    </div>
  );
}

/** A strategic theme: a coloured band across the lanes behind its objectives. */
export function ThemeBandNode({ data }: NodeProps & { data: { name: string; color: string; width: number; height: number } }) {
  return (
    <div className="theme-band" style={{ width: data.width, height: data.height, background: `${data.color}22`, borderColor: `${data.color}66` }}>
      <span style={{ color: data.color }}>{data.name}</span>
    </div>
  );
}
