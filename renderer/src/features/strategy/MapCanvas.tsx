import { Background, Controls, type Connection, type Edge, type Node, type NodeChange, ReactFlow, type ReactFlowInstance, applyNodeChanges } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Engagement, MapCheck, MapPerspective } from '../../../../preload/strategy-contract';
import { LaneNode, ObjectiveNode, ThemeBandNode } from './ObjectiveNode';
import { laneAt, mapEdges, mapNodes } from './map-nodes';
import type { EditEngagement } from './use-engagement';
import { newId } from './use-engagement';

const nodeTypes = { objective: ObjectiveNode, lane: LaneNode, band: ThemeBandNode };

interface Props {
  engagement: Engagement;
  checks: MapCheck[];
  edit: EditEngagement;
  laneLabel: (p: MapPerspective) => string;
  onSelect: (objectiveId: string | null) => void;
  onReady: (flow: ReactFlowInstance) => void;
}

/** The map editor: drag cards (across lanes too), draw arrows between cards, Delete removes the selection. */
export function MapCanvas({ engagement, checks, edit, laneLabel, onSelect, onReady }: Props) {
  const rename = useCallback((id: string, title: string) => edit((e) => ({ ...e, objectives: e.objectives.map((o) => (o.id === id ? { ...o, title } : o)) })), [edit]);
  const derived = useMemo(() => mapNodes(engagement, checks, laneLabel, rename), [engagement, checks, laneLabel, rename]);
  const [nodes, setNodes] = useState<Node[]>(derived);
  useEffect(() => setNodes((old) => derived.map((n) => ({ ...n, selected: old.find((o) => o.id === n.id)?.selected ?? false }))), [derived]);
  const edges = useMemo(() => mapEdges(engagement), [engagement]);

  const onNodesChange = useCallback((changes: NodeChange[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onNodeDragStop = useCallback((_: unknown, node: Node) => {
    const lane = laneAt(node.position.y);
    edit((e) => ({ ...e, objectives: e.objectives.map((o) => (o.id === node.id ? { ...o, perspective: lane.perspective, x: Math.max(160, Math.round(node.position.x)), y: lane.y } : o)) }));
  }, [edit]);
  const onConnect = useCallback((c: Connection) => {
    if (!c.source || !c.target || c.source === c.target) return;
    edit((e) => (e.links.some((l) => l.from === c.source && l.to === c.target) ? e : { ...e, links: [...e.links, { id: newId('arrow'), from: c.source!, to: c.target! }] }));
  }, [edit]);
  const onDelete = useCallback(({ nodes: gone, edges: cut }: { nodes: Node[]; edges: Edge[] }) => {
    const ids = new Set(gone.filter((n) => n.type === 'objective').map((n) => n.id));
    const links = new Set(cut.map((x) => x.id));
    if (!ids.size && !links.size) return;
    edit((e) => ({
      ...e,
      objectives: e.objectives.filter((o) => !ids.has(o.id)),
      links: e.links.filter((l) => !links.has(l.id) && !ids.has(l.from) && !ids.has(l.to)),
      measures: e.measures.filter((m) => !ids.has(m.objectiveId)),
      initiatives: e.initiatives.filter((i) => !ids.has(i.objectiveId)),
    }));
  }, [edit]);

  return (
    <div className="map-canvas" data-testid="map-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onDelete={onDelete}
        onSelectionChange={({ nodes: sel }) => onSelect(sel.find((n) => n.type === 'objective')?.id ?? null)}
        onInit={onReady}
        deleteKeyCode={['Delete', 'Backspace']}
        minZoom={0.2}
        maxZoom={2}
        fitView
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
