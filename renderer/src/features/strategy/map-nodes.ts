import { type Edge, MarkerType, type Node } from '@xyflow/react';
import { MAP_LAYOUT, type Engagement, type MapCheck, type MapPerspective, placeObjectives } from '../../../../preload/strategy-contract';
import type { ObjectiveNodeData } from './ObjectiveNode';


/** The lanes, theme bands and cards of the map as React Flow nodes (lanes and bands sit behind, inert). */
export function mapNodes(e: Engagement, checks: MapCheck[], laneLabel: (p: MapPerspective) => string, rename: ObjectiveNodeData['rename']): Node[] {
  const L = MAP_LAYOUT;
  const placed = placeObjectives(e.objectives);
  // Lanes reach just past the rightmost card, so "fit" frames the map, not empty lanes.
  const laneWidth = Math.max(L.labelWidth + 4 * (L.cardWidth + L.gap) + L.gap, ...placed.map((o) => o.x + L.cardWidth + L.gap));
  const lanes: Node[] = L.lanes.map((p, index) => ({
    id: `lane-${p}`, type: 'lane', position: { x: 0, y: index * L.laneHeight }, draggable: false, selectable: false, focusable: false,
    zIndex: -2, data: { label: laneLabel(p), width: laneWidth, height: L.laneHeight, index },
  }));
  const themes = new Map(e.themes.map((t) => [t.id, t]));
  const bands: Node[] = e.themes.flatMap((t) => {
    const mine = placed.filter((o) => o.themeId === t.id);
    if (!mine.length) return [];
    const x = Math.min(...mine.map((o) => o.x)) - 12;
    const width = Math.max(...mine.map((o) => o.x + L.cardWidth)) + 12 - x;
    return [{ id: `theme-${t.id}`, type: 'band', position: { x, y: 0 }, draggable: false, selectable: false, focusable: false, zIndex: -1, data: { name: t.name, color: t.color, width, height: L.lanes.length * L.laneHeight } }];
  });
  const warnings = (id: string) => checks.filter((c) => c.objectiveId === id).length;
  const cards: Node[] = placed.map((o) => ({
    id: o.id, type: 'objective', position: { x: o.x, y: o.y },
    style: { width: L.cardWidth, height: L.cardHeight },
    data: {
      objective: e.objectives.find((x) => x.id === o.id)!, measures: e.measures.filter((m) => m.objectiveId === o.id).length,
      warnings: warnings(o.id), themeColor: o.themeId ? themes.get(o.themeId)?.color ?? null : null, rename,
    } satisfies ObjectiveNodeData,
  }));
  return [...lanes, ...bands, ...cards];
}

export function mapEdges(e: Engagement): Edge[] {
  return e.links.map((l) => ({ id: l.id, source: l.from, target: l.to, markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 }, style: { strokeWidth: 1.8 } }));
}

/** The lane a card dropped at `y` belongs to, and the y that centres it there. */
export function laneAt(y: number): { perspective: MapPerspective; y: number } {
  const L = MAP_LAYOUT;
  const index = Math.max(0, Math.min(L.lanes.length - 1, Math.floor((y + L.cardHeight / 2) / L.laneHeight)));
  return { perspective: L.lanes[index]!, y: index * L.laneHeight + (L.laneHeight - L.cardHeight) / 2 };
}
