import type { Edge } from '@xyflow/react';
import type { NodeCardNode } from '../flow/NodeCard';
import { newNodeId } from './palette';

export interface Clip {
  nodes: NodeCardNode[];
  edges: Edge[];
}

/** The selected nodes and the edges between two of them. */
export function copySelection(nodes: readonly NodeCardNode[], edges: readonly Edge[]): Clip | null {
  const selected = nodes.filter((n) => n.selected);
  if (selected.length === 0) return null;
  const ids = new Set(selected.map((n) => n.id));
  return { nodes: selected, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

/** A unique edge id for a connection. */
export function newEdgeId(source: string, sourceHandle: string | null | undefined, target: string, taken: ReadonlySet<string>): string {
  const base = `${source}-${sourceHandle || 'main'}-${target}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * The clip as new nodes and edges: new ids (none clashing with `nodes`), positions moved by `offset`, inner edges
 * re-pointed at the copies; the copies come selected.
 */
export function pasteClip(clip: Clip, nodes: readonly NodeCardNode[], edges: readonly Edge[], offset = { x: 40, y: 40 }): Clip {
  const takenNodes = new Set(nodes.map((n) => n.id));
  const idMap = new Map<string, string>();
  const pastedNodes = clip.nodes.map((n) => {
    const id = newNodeId(n.data.typeId, takenNodes);
    takenNodes.add(id);
    idMap.set(n.id, id);
    const data = { ...n.data };
    delete data.problems;
    return { ...n, id, data, selected: true, dragging: false, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const takenEdges = new Set(edges.map((e) => e.id));
  const pastedEdges = clip.edges.map((e) => {
    const source = idMap.get(e.source)!;
    const target = idMap.get(e.target)!;
    const id = newEdgeId(source, e.sourceHandle, target, takenEdges);
    takenEdges.add(id);
    return { ...e, id, source, target, selected: false };
  });
  return { nodes: pastedNodes, edges: pastedEdges };
}
