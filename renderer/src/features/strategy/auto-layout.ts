import ELK from 'elkjs/lib/elk.bundled.js';
import { MAP_LAYOUT, type Engagement } from '../../../../preload/strategy-contract';

const elk = new ELK();

/**
 * Lays the map out with ELK's layered algorithm, one partition per lane (learning at the bottom,
 * financial at the top), so arrows point upwards and crossings are few; each card then snaps
 * into its lane, left to right in ELK's order.
 */
export async function autoLayout(e: Engagement): Promise<Engagement> {
  const L = MAP_LAYOUT;
  const partition = (p: string) => L.lanes.length - 1 - L.lanes.indexOf(p as (typeof L.lanes)[number]);
  const graph = await elk.layout({
    id: 'map',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'UP', 'elk.partitioning.activate': 'true', 'elk.spacing.nodeNode': String(L.gap), 'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP' },
    children: e.objectives.map((o) => ({ id: o.id, width: L.cardWidth, height: L.cardHeight, layoutOptions: { 'elk.partitioning.partition': String(partition(o.perspective)) } })),
    edges: e.links.map((l) => ({ id: l.id, sources: [l.from], targets: [l.to] })),
  });
  const xOf = new Map((graph.children ?? []).map((c) => [c.id, c.x ?? 0]));
  const objectives = [...e.objectives];
  for (const lane of L.lanes) {
    const inLane = objectives.filter((o) => o.perspective === lane).sort((a, b) => (xOf.get(a.id) ?? 0) - (xOf.get(b.id) ?? 0));
    inLane.forEach((o, i) => {
      const at = objectives.indexOf(o);
      objectives[at] = { ...o, x: L.labelWidth + L.gap + i * (L.cardWidth + L.gap), y: L.lanes.indexOf(lane) * L.laneHeight + (L.laneHeight - L.cardHeight) / 2 };
    });
  }
  return { ...e, objectives };
}
