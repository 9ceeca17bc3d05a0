import type { Edge } from '@xyflow/react';

export interface PortEdges {
  edges: Edge[];
  /** The ports whose edges were removed, in the order the node had them. */
  dropped: string[];
}

const portOf = (edge: Edge) => edge.sourceHandle || 'main';

/**
 * The edges once node `nodeId`'s output ports went from `before` to `after`. A port renamed in place (the same list
 * with one name changed, as when a switch case is retyped) keeps its edges under the new name; edges from a port the
 * node no longer has are removed. React Flow draws no edge whose port is missing, so such an edge would stay in the
 * flow unseen and the server would refuse the save. Unchanged ports keep the same array.
 */
export function edgesForPorts(edges: Edge[], nodeId: string, before: readonly string[], after: readonly string[]): PortEdges {
  const gone = before.filter((p) => !after.includes(p));
  if (gone.length === 0) return { edges, dropped: [] };
  const renamed = new Map<string, string>();
  if (before.length === after.length) {
    const changed = before.flatMap((p, i) => (p !== after[i] ? [i] : []));
    if (changed.length === 1 && !before.includes(after[changed[0]])) renamed.set(before[changed[0]], after[changed[0]]);
  }
  const dropped = new Set<string>();
  let touched = false;
  const next: Edge[] = [];
  for (const edge of edges) {
    const port = portOf(edge);
    if (edge.source !== nodeId || !gone.includes(port)) {
      next.push(edge);
      continue;
    }
    touched = true;
    if (renamed.has(port)) next.push({ ...edge, sourceHandle: renamed.get(port) });
    else dropped.add(port);
  }
  return touched ? { edges: next, dropped: gone.filter((p) => dropped.has(p)) } : { edges, dropped: [] };
}
