import type { Edge } from '@xyflow/react';
import type { ProblemItem } from '../api/client';
import type { NodeCardNode } from '../flow/NodeCard';

export interface FlowProblems {
  byNode: Map<string, string[]>;
  byEdge: Map<string, string[]>;
}

function add(map: Map<string, string[]>, key: string, message: string) {
  const list = map.get(key) ?? [];
  if (!list.includes(message)) list.push(message);
  map.set(key, list);
}

/** Problems from a 400 (problem+json `errors`) indexed by the nodes and edges they name. */
export function indexProblems(problems: readonly ProblemItem[]): FlowProblems {
  const byNode = new Map<string, string[]>();
  const byEdge = new Map<string, string[]>();
  for (const p of problems) {
    const message = p.message ?? String(p.code ?? 'Problem');
    if (p.nodeId) add(byNode, p.nodeId, message);
    if (Array.isArray(p.nodeIds)) for (const id of p.nodeIds) if (typeof id === 'string') add(byNode, id, message);
    if (p.edgeId) add(byEdge, p.edgeId, message);
  }
  return { byNode, byEdge };
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined) {
  if (!a?.length && !b?.length) return true;
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Nodes with their `problems` set; a node whose problems do not change keeps its object (so it does not re-render). */
export function markNodes(nodes: NodeCardNode[], byNode: ReadonlyMap<string, string[]>): NodeCardNode[] {
  let changed = false;
  const next = nodes.map((n) => {
    const problems = byNode.get(n.id);
    if (sameList(n.data.problems, problems)) return n;
    changed = true;
    const data = { ...n.data };
    if (problems?.length) data.problems = problems;
    else delete data.problems;
    return { ...n, data };
  });
  return changed ? next : nodes;
}

/** Edges with a problem drawn red (class `edge-problem`), the rest unchanged. */
export function markEdges(edges: Edge[], byEdge: ReadonlyMap<string, string[]>): Edge[] {
  let changed = false;
  const next = edges.map((e) => {
    const has = byEdge.has(e.id);
    const marked = e.className === 'edge-problem';
    if (has === marked) return e;
    changed = true;
    return { ...e, className: has ? 'edge-problem' : undefined, ariaLabel: has ? byEdge.get(e.id)!.join('; ') : undefined };
  });
  return changed ? next : edges;
}
