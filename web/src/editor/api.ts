import { api } from '../api/client';
import type { FlowDocument } from '../flow/types';

export interface WebhookUrl {
  nodeId: string;
  url: string;
}

/** GET /api/flows/{id}. */
export interface FlowDetails {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  active: boolean;
  webhooks: WebhookUrl[];
  definition: FlowDocument;
}

export interface FlowVersionSummary {
  version: number;
  name: string;
  createdAt: string;
  nodeCount: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export const fetchFlow = (flowId: string, version?: number) =>
  api<FlowDetails>(`/api/flows/${encodeURIComponent(flowId)}${version ? `?version=${version}` : ''}`);

export const saveFlow = (flowId: string, doc: FlowDocument) =>
  api<{ id: string; version: number }>(`/api/flows/${encodeURIComponent(flowId)}`, { method: 'PUT', body: doc });

export const setActive = (flowId: string, active: boolean) =>
  api<{ id: string; active: boolean; webhooks: WebhookUrl[] }>(
    `/api/flows/${encodeURIComponent(flowId)}/${active ? 'activate' : 'deactivate'}`,
    { method: 'POST' },
  );

export const fetchVersions = (flowId: string, cursor?: string) =>
  api<Page<FlowVersionSummary>>(
    `/api/flows/${encodeURIComponent(flowId)}/versions?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
