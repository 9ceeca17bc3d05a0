// The flow document as the API stores it: React Flow JSON (name, nodes, edges, viewport).

export interface NodePolicyRetry {
  maxAttempts?: number;
  delayMs?: number;
  multiplier?: number;
  maxDelayMs?: number;
  jitter?: number;
}

/** A node's `data`: label, type config and the engine policies every node accepts (docs/flows.md). */
export interface FlowNodeData {
  label?: string;
  config?: Record<string, unknown> | null;
  retry?: NodePolicyRetry;
  timeoutMs?: number;
  onError?: string;
  [key: string]: unknown;
}

export interface FlowNodeJson {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: FlowNodeData;
  [key: string]: unknown;
}

export interface FlowEdgeJson {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  [key: string]: unknown;
}

export interface FlowDocument {
  name: string;
  nodes: FlowNodeJson[];
  edges: FlowEdgeJson[];
  viewport?: { x: number; y: number; zoom: number };
  [key: string]: unknown;
}

/** Statuses a node instance has in a run (GET /api/runs/{id}). */
export type NodeRunStatus = 'Pending' | 'Ready' | 'Running' | 'Waiting' | 'Succeeded' | 'Failed' | 'Skipped' | 'Cancelled';
