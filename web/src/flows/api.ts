// The flows list's calls to the REST API (GET /api/flows and what its row actions do).
import { api } from '../api/client';
import type { FlowDocument } from '../flow/types';

export type RunStatus = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

export interface FlowLastRun {
  id: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
}

export interface FlowListItem {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  active: boolean;
  triggerKinds: string[];
  lastRun: FlowLastRun | null;
}

export interface FlowPage {
  items: FlowListItem[];
  nextCursor: string | null;
}

export interface FlowDetails {
  id: string;
  name: string;
  version: number;
  active: boolean;
  definition: FlowDocument;
}

export const flowPageSize = 50;

export function listFlows(search: string, cursor: string | null, signal?: AbortSignal): Promise<FlowPage> {
  const query = new URLSearchParams({ limit: String(flowPageSize) });
  if (search) query.set('search', search);
  if (cursor) query.set('cursor', cursor);
  return api<FlowPage>(`/api/flows?${query}`, { signal });
}

export function getFlow(id: string): Promise<FlowDetails> {
  return api<FlowDetails>(`/api/flows/${encodeURIComponent(id)}`);
}

export function createFlow(document: unknown): Promise<{ id: string; version: number }> {
  return api(`/api/flows`, { method: 'POST', body: document });
}

export function deleteFlow(id: string): Promise<void> {
  return api(`/api/flows/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function setFlowActive(id: string, active: boolean): Promise<{ id: string; active: boolean }> {
  return api(`/api/flows/${encodeURIComponent(id)}/${active ? 'activate' : 'deactivate'}`, { method: 'POST' });
}

/** A new flow: one manual trigger, ready for the editor. */
/**
 * Where a new flow's trigger is drawn, from the canvas' top-left corner: clear of the band along the edges where
 * React Flow pans the view while an edge is being drawn (40 px), which would pull the next node away from the mouse.
 */
export const newFlowOffset = { x: 80, y: 120 };

export function emptyFlow(name: string): FlowDocument {
  return {
    name,
    nodes: [{ id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { label: 'Start' } }],
    edges: [],
    viewport: { ...newFlowOffset, zoom: 1 },
  };
}
