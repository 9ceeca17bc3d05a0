import type { Edge, Viewport } from '@xyflow/react';
import type { NodeCardData, NodeCardNode } from '../flow/NodeCard';
import type { FlowDocument, FlowEdgeJson, FlowNodeData, FlowNodeJson } from '../flow/types';

/** Keys the canvas adds to a node's data for drawing; they are not part of the stored document. */
const canvasOnlyKeys: readonly (keyof NodeCardData)[] = ['typeId', 'typeName', 'icon', 'inputs', 'outputs', 'status', 'durationMs', 'problems'];

/** The stored part of a canvas node's data: label, config, policies and any other keys the document carried. */
export function storedData(data: NodeCardData): FlowNodeData {
  const copy: Record<string, unknown> = { ...data };
  for (const key of canvasOnlyKeys) delete copy[key];
  return copy as FlowNodeData;
}

export function toDocumentNode(node: NodeCardNode): FlowNodeJson {
  return {
    id: node.id,
    type: node.data.typeId,
    position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    data: storedData(node.data),
  };
}

export function toDocumentEdge(edge: Edge): FlowEdgeJson {
  const json: FlowEdgeJson = { id: edge.id, source: edge.source, target: edge.target };
  if (edge.sourceHandle) json.sourceHandle = edge.sourceHandle;
  if (edge.targetHandle) json.targetHandle = edge.targetHandle;
  return json;
}

/** The React Flow document PUT /api/flows/{id} stores as a new version. */
export function toDocument(name: string, nodes: readonly NodeCardNode[], edges: readonly Edge[], viewport?: Viewport): FlowDocument {
  const doc: FlowDocument = { name, nodes: nodes.map(toDocumentNode), edges: edges.map(toDocumentEdge) };
  if (viewport) doc.viewport = { x: Math.round(viewport.x), y: Math.round(viewport.y), zoom: viewport.zoom };
  return doc;
}
