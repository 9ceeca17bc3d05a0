import dagre from '@dagrejs/dagre';
import type { Edge } from '@xyflow/react';
import type { NodeCardNode } from '../flow/NodeCard';

const defaultSize = { width: 170, height: 56 };

const sizeOf = (n: NodeCardNode) => ({ width: n.measured?.width ?? defaultSize.width, height: n.measured?.height ?? defaultSize.height });

/**
 * Nodes placed left to right by dagre (ranks by edges); nodes keep their order, ids and data. Children that hang
 * only off one node's named ports are stacked in the order of those ports (if: true above false), so edges do not cross.
 */
export function layoutNodes(nodes: readonly NodeCardNode[], edges: readonly Edge[]): NodeCardNode[] {
  const graph = new dagre.graphlib.Graph();
  // Ranks far enough apart for the run view, which draws the same positions with wider cards (a status line each).
  graph.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 110, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) graph.setNode(n.id, sizeOf(n));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const inner = edges.filter((e) => byId.has(e.source) && byId.has(e.target));
  for (const e of inner) graph.setEdge(e.source, e.target);
  dagre.layout(graph);

  const centres = new Map(nodes.map((n) => [n.id, { x: graph.node(n.id).x, y: graph.node(n.id).y }]));
  const incoming = new Map<string, number>();
  for (const e of inner) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  for (const parent of nodes) {
    const ports = parent.data.outputs ?? ['main'];
    const children = inner
      .filter((e) => e.source === parent.id && incoming.get(e.target) === 1)
      .map((e) => ({ id: e.target, port: Math.max(0, ports.indexOf(e.sourceHandle ?? 'main')) }));
    const rankX = new Set(children.map((c) => centres.get(c.id)!.x));
    if (children.length < 2 || rankX.size !== 1) continue;
    const ys = children.map((c) => centres.get(c.id)!.y).sort((a, b) => a - b);
    [...children].sort((a, b) => a.port - b.port).forEach((c, i) => (centres.get(c.id)!.y = ys[i]));
  }

  return nodes.map((n) => {
    const centre = centres.get(n.id)!;
    const { width, height } = sizeOf(n);
    return { ...n, position: { x: Math.round(centre.x - width / 2), y: Math.round(centre.y - height / 2) } };
  });
}
