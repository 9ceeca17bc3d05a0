import type { Edge } from '@xyflow/react';
import type { NodeCardNode } from '../flow/NodeCard';
import type { NodeRunStatus } from '../flow/types';
import type { NodeRunDetails } from '../api/runs';
import { durationBetween } from './format';

/** A node status change the live hub sends ("node" event). */
export interface NodeEvent {
  runId: string;
  nodeId: string;
  status: string;
  error?: string | null;
  at?: string;
}

/** What the canvas keeps of a node's run state besides its status, to work out durations as events arrive. */
interface Timing {
  startedAt?: string | null;
  finishedAt?: string | null;
}

const finalNodeStatuses = new Set(['Succeeded', 'Failed', 'Skipped', 'Cancelled']);

function withRunState(node: NodeCardNode, status: NodeRunStatus | undefined, durationMs: number | undefined): NodeCardNode {
  if (node.data.status === status && node.data.durationMs === durationMs) return node;
  return { ...node, data: { ...node.data, status, durationMs } };
}

/** A node the engine runs is shown as Waiting while it waits for a time or a signal (the engine keeps it Running). */
export function nodeDisplayStatus(node: NodeRunDetails): NodeRunStatus {
  const status = node.status as NodeRunStatus;
  return status === 'Running' && (node.waitingForSignal || !!node.waitUntil) ? 'Waiting' : status;
}

/** Statuses and durations from a run's details laid onto the canvas; nodes whose state did not change keep their object. */
export function applyRunDetails(nodes: NodeCardNode[], details: readonly NodeRunDetails[]): NodeCardNode[] {
  const byId = new Map(details.map((d) => [d.nodeId, d]));
  let changed = false;
  const next = nodes.map((node) => {
    const d = byId.get(node.id);
    const status = d ? nodeDisplayStatus(d) : 'Pending';
    const updated = withRunState(node, status, d ? durationBetween(d.startedAt, d.finishedAt) : undefined);
    if (updated !== node) changed = true;
    return updated;
  });
  return changed ? next : nodes;
}

/**
 * One hub event applied to the canvas: only the node it names gets a new object (so only that card re-renders);
 * the same array comes back when nothing changed. `timings` remembers when nodes started, for their durations.
 */
export function applyNodeEvent(nodes: NodeCardNode[], event: NodeEvent, timings: Map<string, Timing>): NodeCardNode[] {
  const index = nodes.findIndex((n) => n.id === event.nodeId);
  if (index < 0) return nodes;
  const timing = { ...timings.get(event.nodeId) };
  if (event.status === 'Running') {
    timing.startedAt = event.at ?? timing.startedAt;
    timing.finishedAt = undefined;
  } else if (finalNodeStatuses.has(event.status)) {
    timing.finishedAt = event.at ?? timing.finishedAt;
  }
  timings.set(event.nodeId, timing);
  const node = nodes[index];
  const duration = finalNodeStatuses.has(event.status) ? durationBetween(timing.startedAt, timing.finishedAt) : undefined;
  const updated = withRunState(node, event.status as NodeRunStatus, duration);
  if (updated === node) return nodes;
  const next = nodes.slice();
  next[index] = updated;
  return next;
}

/** Edges drawn by what the run did: taken when its source succeeded and its target was reached, faded when its target was skipped. */
export function runEdges(edges: readonly Edge[], nodes: readonly NodeCardNode[]): Edge[] {
  const status = new Map(nodes.map((n) => [n.id, n.data.status]));
  return edges.map((edge) => {
    const source = status.get(edge.source);
    const target = status.get(edge.target);
    const taken = source === 'Succeeded' && target !== undefined && target !== 'Pending' && target !== 'Skipped';
    const className = target === 'Skipped' ? 'edge-skipped' : taken ? 'edge-taken' : 'edge-idle';
    return edge.className === className ? (edge as Edge) : { ...edge, className, animated: taken && target === 'Running' };
  });
}
