// Connections (credentials to other apps) and their providers. Views never carry a secret: `hasSecret` says one is
// stored, and the only way to change it is to send a new one.
import { api } from '../api/client';

export type ConnectionKind = 'oauth2' | 'apiKey' | 'bearer' | 'basic' | 'headers';
export type KeyKind = Exclude<ConnectionKind, 'oauth2'>;

export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** One connection as `GET /api/connections` shows it. */
export interface Connection {
  id: string;
  name: string;
  kind: ConnectionKind;
  provider: string | null;
  status: 'connected' | 'broken';
  statusReason: string | null;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Record<string, unknown> | null;
  rateLimit: RateLimit | null;
  hasSecret: boolean;
}

/** One field of a provider's connection form; `secret` fields go in the sealed secret, the others in settings. */
export interface ProviderField {
  name: string;
  label: string;
  type: 'text' | 'url' | 'number' | 'password' | 'select' | string;
  required: boolean;
  secret?: boolean;
  default?: string | null;
  options?: string[] | null;
}

/** One entry of `GET /api/connection-providers`. */
export interface ConnectionProvider {
  id: string;
  displayName: string;
  icon?: string | null;
  kinds: ConnectionKind[];
  scopes?: string[];
  /** OAuth providers: whether the server has a client id for it (without one, Connect cannot work). */
  configured?: boolean;
  /** The generic OAuth 2.0 provider, whose URLs, client id and secret the user enters. */
  generic?: boolean;
  /** What the user enters: the generic provider's URLs and client, or a key-based provider's host, key… */
  fields?: ProviderField[];
  apiBaseUrl?: string | null;
  rateLimit?: RateLimit | null;
}

export interface ConnectionTestResult {
  ok: boolean;
  status?: number;
  message: string;
}

export interface CreateConnection {
  name: string;
  kind: KeyKind;
  provider?: string;
  secret: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export interface UpdateConnection {
  name?: string;
  secret?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

/** What the generic OAuth 2.0 provider needs from the user. */
export interface GenericOAuth {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export interface StartOAuth {
  name?: string;
  scopes?: string[];
  connectionId?: string;
  generic?: GenericOAuth;
}

export const connectionsKey = ['connections'] as const;
export const providersKey = ['connection-providers'] as const;

export async function listConnections(provider?: string): Promise<Connection[]> {
  const query = provider ? `?provider=${encodeURIComponent(provider)}` : '';
  const page = await api<{ items: Connection[] }>(`/api/connections${query}`);
  return page.items;
}

export async function listProviders(): Promise<ConnectionProvider[]> {
  const page = await api<{ items: ConnectionProvider[] }>('/api/connection-providers');
  return page.items;
}

export function createConnection(request: CreateConnection): Promise<Connection> {
  return api<Connection>('/api/connections', { method: 'POST', body: request });
}

export function updateConnection(id: string, request: UpdateConnection): Promise<Connection> {
  return api<Connection>(`/api/connections/${encodeURIComponent(id)}`, { method: 'PATCH', body: request });
}

export function testConnection(id: string): Promise<ConnectionTestResult> {
  return api<ConnectionTestResult>(`/api/connections/${encodeURIComponent(id)}/test`, { method: 'POST' });
}

export function deleteConnection(id: string): Promise<void> {
  return api(`/api/connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Starts an OAuth round trip; the answer is the provider's page to send the browser to. */
export function startOAuth(provider: string, request: StartOAuth): Promise<{ authorizeUrl: string }> {
  return api<{ authorizeUrl: string }>(`/api/connections/oauth/${encodeURIComponent(provider)}/start`, { method: 'POST', body: request });
}

/** Longest connection name the server takes by default (Connections:MaxNameLength). */
export const maxConnectionNameLength = 100;

export const kindNames: Record<ConnectionKind, string> = {
  oauth2: 'OAuth 2.0',
  apiKey: 'API key',
  bearer: 'Bearer token',
  basic: 'User name and password',
  headers: 'Custom headers',
};
