import type { NodeTypeDescriptor } from '../api/nodeTypes';
import type { NodeCardNode } from '../flow/NodeCard';
import { outputsOf } from '../flow/toCanvas';
import type { FlowNodeData } from '../flow/types';

/**
 * The nodes with `id`'s stored data replaced (its ports worked out again: a switch's cases, onError); every other
 * node keeps its object, so only the changed node re-renders.
 */
export function withNodeData(nodes: NodeCardNode[], id: string, data: FlowNodeData, type: NodeTypeDescriptor | undefined): NodeCardNode[] {
  return nodes.map((n) => {
    if (n.id !== id) return n;
    const { typeId, typeName, icon, inputs, problems } = n.data;
    const outputs = outputsOf({ id: n.id, type: typeId, position: n.position, data }, type);
    const next: NodeCardNode['data'] = { ...data, typeId, typeName, icon, inputs, outputs };
    if (problems) next.problems = problems;
    return { ...n, data: next };
  });
}
