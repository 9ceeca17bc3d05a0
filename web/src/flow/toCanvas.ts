import type { Edge } from '@xyflow/react';
import type { NodeTypeDescriptor } from '../api/nodeTypes';
import type { NodeCardNode } from './NodeCard';
import type { FlowDocument, FlowNodeJson } from './types';

/** The output ports a node shows: its type's, plus the cases of a switch-like type whose ports come from its config. */
export function outputsOf(node: FlowNodeJson, type: NodeTypeDescriptor | undefined): string[] {
  const outputs = [...(type?.outputs ?? ['main'])];
  if (type?.dynamicOutputs) {
    const cases = (node.data?.config as { cases?: { port?: unknown }[] } | undefined)?.cases;
    for (const c of Array.isArray(cases) ? cases : []) {
      if (typeof c?.port === 'string' && c.port && !outputs.includes(c.port)) outputs.splice(Math.max(0, outputs.length - 1), 0, c.port);
    }
  }
  if (node.data?.onError === 'continue' && !outputs.includes('error')) outputs.push('error');
  return outputs;
}

/** React Flow nodes (all drawn by NodeCard) for a stored flow document. */
export function toCanvasNodes(doc: FlowDocument, types: ReadonlyMap<string, NodeTypeDescriptor>): NodeCardNode[] {
  return doc.nodes.map((n) => {
    const type = types.get(n.type);
    return {
      id: n.id,
      type: 'card',
      position: n.position ?? { x: 0, y: 0 },
      data: {
        ...n.data,
        typeId: n.type,
        typeName: type?.displayName,
        icon: type?.icon,
        inputs: type?.inputs ?? ['main'],
        outputs: outputsOf(n, type),
      },
    };
  });
}

export function toCanvasEdges(doc: FlowDocument): Edge[] {
  return doc.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.sourceHandle ?? undefined,
    targetHandle: e.targetHandle ?? undefined,
  }));
}

export function typesById(types: readonly NodeTypeDescriptor[] | undefined): Map<string, NodeTypeDescriptor> {
  return new Map((types ?? []).map((t) => [t.id, t]));
}
