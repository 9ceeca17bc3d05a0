import dagre from '@dagrejs/dagre';
import type { Edge } from '@xyflow/react';
import type { NodeCardNode } from '../flow/NodeCard';

const defaultSize = { width: 180, height: 64 };

/** Nodes placed left to right by dagre (ranks by edges); nodes keep their order, ids and data. */
export function layoutNodes(nodes: readonly NodeCardNode[], edges: readonly Edge[]): NodeCardNode[] {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    graph.setNode(n.id, { width: n.measured?.width ?? defaultSize.width, height: n.measured?.height ?? defaultSize.height });
  }
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) graph.setEdge(e.source, e.target);
  dagre.layout(graph);
  return nodes.map((n) => {
    const placed = graph.node(n.id);
    const width = n.measured?.width ?? defaultSize.width;
    const height = n.measured?.height ?? defaultSize.height;
    return { ...n, position: { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) } };
  });
}
