// Named API tokens (GET/POST/DELETE /api/tokens). The secret comes back once, from the POST, and never again.
import { api } from '../api/client';

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt?: string | null;
}

export interface CreatedApiToken extends ApiToken {
  /** The bearer secret: shown to the user once, kept nowhere. */
  token: string;
}

export function listTokens(): Promise<ApiToken[]> {
  return api<ApiToken[]>('/api/tokens');
}

export function createToken(name: string, expiresInDays: number | null): Promise<CreatedApiToken> {
  return api<CreatedApiToken>('/api/tokens', { method: 'POST', body: expiresInDays === null ? { name } : { name, expiresInDays } });
}

export function revokeToken(id: string): Promise<void> {
  return api(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Longest name the server takes by default (Auth:MaxApiTokenNameLength). */
export const maxTokenNameLength = 100;
