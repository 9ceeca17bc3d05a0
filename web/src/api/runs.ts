import { api } from './client';

/** Statuses of a run (GET /api/runs/{id}). */
export type RunStatus = 'Pending' | 'Running' | 'Waiting' | 'Succeeded' | 'Failed' | 'Cancelled';

/** A large output left out of a run's details: its size and where to fetch it. */
export interface OutputLink {
  bytes: number;
  href: string;
}

export interface AttemptDetails {
  attempt: number;
  status: string;
  startedAt?: string | null;
  finishedAt: string;
  error?: string | null;
  input?: unknown;
  retryAt?: string | null;
  logs?: string | null;
}

export interface NodeRunDetails {
  nodeId: string;
  type: string;
  status: string;
  attempt: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  output?: unknown;
  error?: string | null;
  waitUntil?: string | null;
  outputLink?: OutputLink | null;
  waitingForSignal: boolean;
  attempts: AttemptDetails[];
}

export interface RunDetails {
  id: string;
  flowId: string;
  flowVersion: number;
  status: string;
  input: unknown;
  error?: string | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  nodes: NodeRunDetails[];
  attempt: number;
  /** For a child run: the run, node and item that started it (its own children are at /api/runs/{id}/children). */
  parentRunId?: string | null;
  parentNodeId?: string | null;
  itemIndex?: number | null;
}

export interface RunListItem {
  id: string;
  flowId: string;
  flowVersion: number;
  status: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
  attempt: number;
  parentNodeId?: string | null;
  itemIndex?: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** A stored flow version (GET /api/flows/{id}?version=N). */
export interface FlowVersionDetails {
  id: string;
  name: string;
  version: number;
  definition: import('../flow/types').FlowDocument;
}

export function fetchRun(runId: string, signal?: AbortSignal): Promise<RunDetails> {
  return api(`/api/runs/${encodeURIComponent(runId)}`, { signal });
}

export function fetchFlowVersion(flowId: string, version: number, signal?: AbortSignal): Promise<FlowVersionDetails> {
  return api(`/api/flows/${encodeURIComponent(flowId)}?version=${version}`, { signal });
}

/** The newest version of a flow; used for names in lists and the trigger choice of the run dialog. */
export function fetchFlow(flowId: string, signal?: AbortSignal): Promise<FlowVersionDetails> {
  return api(`/api/flows/${encodeURIComponent(flowId)}`, { signal });
}

/**
 * One page of runs: the child runs of `childrenOf`, the runs of `flowId`, or the runs across flows;
 * `status` (lower-case, across flows only) narrows to one status, empty means all.
 */
export function fetchRunPage(
  options: { flowId?: string; childrenOf?: string; status?: string; cursor?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<Page<RunListItem>> {
  const query = new URLSearchParams();
  if (options.limit) query.set('limit', String(options.limit));
  if (options.cursor) query.set('cursor', options.cursor);
  if (options.childrenOf) {
    return api(`/api/runs/${encodeURIComponent(options.childrenOf)}/children?${query}`, { signal });
  }
  if (options.flowId) {
    return api(`/api/flows/${encodeURIComponent(options.flowId)}/runs?${query}`, { signal });
  }
  if (options.status) query.set('status', options.status);
  return api(`/api/runs?${query}`, { signal });
}

export function startRun(flowId: string, input: unknown, trigger?: string): Promise<{ runId: string }> {
  const body: Record<string, unknown> = { input };
  if (trigger) body.trigger = trigger;
  return api(`/api/flows/${encodeURIComponent(flowId)}/runs`, { method: 'POST', body });
}

export function retryRun(runId: string): Promise<{ runId: string; status: string; attempt: number }> {
  return api(`/api/runs/${encodeURIComponent(runId)}/retry`, { method: 'POST' });
}

export function cancelRun(runId: string): Promise<{ runId: string; status: string }> {
  return api(`/api/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' });
}

/** Ends a node's signal wait; `body` (already valid JSON text) becomes the node's output. */
export function signalNode(runId: string, nodeId: string, body: string): Promise<{ runId: string; nodeId: string; status: string }> {
  return api(`/api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/signal`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
  });
}

export function fetchOutput(href: string, signal?: AbortSignal): Promise<unknown> {
  return api(href, { signal });
}
