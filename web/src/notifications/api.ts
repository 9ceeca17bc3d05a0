// Failure notifications: the bell's list (GET /api/notifications, POST /api/notifications/read), each flow's
// "tell me when a run fails" choice (GET/PUT /api/flows/{id}/notifications) and the digest settings
// (GET/PUT /api/notification-settings).
import { api } from '../api/client';

export interface AppNotification {
  id: string;
  kind: 'runFailed';
  flowId: string;
  flowName: string;
  runId: string;
  error: string | null;
  /** How many failures of the flow this item stands for, when more than one. */
  count: number | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  items: AppNotification[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface FlowNotificationChoice {
  onFailure: { inApp: boolean; email: boolean };
}

export interface NotificationSettings {
  email: string | null;
  emailIsAccountDefault: boolean;
  digestMinutes: number;
  maxDigestMinutes: number;
  emailEnabled: boolean;
  note: string | null;
}

export const notificationsKey = ['notifications'] as const;

export function listNotifications(limit = 20): Promise<NotificationList> {
  return api<NotificationList>(`/api/notifications?limit=${limit}`);
}

export function markAllRead(): Promise<{ marked: number; unreadCount: number }> {
  return api('/api/notifications/read', { method: 'POST', body: { all: true } });
}

export function markRead(ids: string[]): Promise<{ marked: number; unreadCount: number }> {
  return api('/api/notifications/read', { method: 'POST', body: { ids } });
}

export function fetchFlowChoice(flowId: string): Promise<FlowNotificationChoice> {
  return api<FlowNotificationChoice>(`/api/flows/${encodeURIComponent(flowId)}/notifications`);
}

export function saveFlowChoice(flowId: string, choice: FlowNotificationChoice): Promise<FlowNotificationChoice> {
  return api<FlowNotificationChoice>(`/api/flows/${encodeURIComponent(flowId)}/notifications`, { method: 'PUT', body: choice });
}

export function fetchSettings(): Promise<NotificationSettings> {
  return api<NotificationSettings>('/api/notification-settings');
}

export function saveSettings(settings: { email: string | null; digestMinutes: number }): Promise<NotificationSettings> {
  return api<NotificationSettings>('/api/notification-settings', { method: 'PUT', body: settings });
}
