import { api, ApiError } from './client';

export interface SessionUser {
  id: string;
  email: string;
  isOwner?: boolean;
  csrfToken?: string;
}

export async function fetchSetup(): Promise<{ needsOwner: boolean }> {
  return api('/api/setup');
}

/** The signed-in user, or null when there is no session. */
export async function fetchSession(): Promise<SessionUser | null> {
  try {
    return await api<SessionUser>('/api/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function createOwner(email: string, password: string): Promise<SessionUser> {
  return api('/api/setup', { method: 'POST', body: { email, password } });
}

export function signIn(email: string, password: string): Promise<SessionUser> {
  return api('/api/session', { method: 'POST', body: { email, password } });
}

export function signOut(): Promise<void> {
  return api('/api/session', { method: 'DELETE' });
}
