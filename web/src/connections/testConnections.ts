// A fake of the connections API for component tests: keeps connections in memory, as the server would, and never
// puts a secret in a view.
import { fakeApi } from '../flows/testServer';
import type { Connection, ConnectionProvider } from './api';

export const providers: ConnectionProvider[] = [
  { id: 'slack', displayName: 'Slack', icon: 'slack', kinds: ['oauth2'], scopes: ['chat:write', 'channels:read'], configured: true },
  { id: 'github', displayName: 'GitHub', icon: 'github', kinds: ['oauth2'], scopes: ['repo'], configured: false },
  {
    id: 'generic-oauth2',
    displayName: 'OAuth 2.0 (any provider)',
    icon: 'key',
    kinds: ['oauth2'],
    scopes: [],
    configured: true,
    generic: true,
    fields: [
      { name: 'authorizeUrl', label: 'Authorization URL', type: 'url', required: true },
      { name: 'tokenUrl', label: 'Token URL', type: 'url', required: true },
      { name: 'revokeUrl', label: 'Revocation URL (RFC 7009)', type: 'url', required: false },
      { name: 'clientId', label: 'Client ID', type: 'text', required: true },
      { name: 'clientSecret', label: 'Client secret', type: 'password', required: true, secret: true },
      { name: 'scopes', label: 'Scopes (space separated)', type: 'text', required: false },
    ],
  },
  {
    id: 'openai',
    displayName: 'OpenAI',
    icon: 'openai',
    kinds: ['bearer'],
    scopes: [],
    configured: true,
    fields: [
      { name: 'baseUrl', label: 'API base URL', type: 'url', required: false, default: 'https://api.openai.com/v1' },
      { name: 'token', label: 'API key', type: 'password', required: true, secret: true },
    ],
  },
  {
    id: 'smtp',
    displayName: 'SMTP (email)',
    icon: 'mail',
    kinds: ['basic'],
    scopes: [],
    configured: true,
    fields: [
      { name: 'host', label: 'Host', type: 'text', required: true },
      { name: 'port', label: 'Port', type: 'number', required: true, default: '587' },
      { name: 'security', label: 'Security', type: 'select', required: true, default: 'startTls', options: ['startTls', 'tls', 'none'] },
      { name: 'username', label: 'User name', type: 'text', required: false, secret: true },
      { name: 'password', label: 'Password', type: 'password', required: false, secret: true },
    ],
  },
];

export function connection(overrides: Partial<Connection> & { id: string; name: string }): Connection {
  return {
    kind: 'apiKey',
    provider: null,
    status: 'connected',
    statusReason: null,
    scopes: [],
    expiresAt: null,
    createdAt: '2026-11-30T10:00:00Z',
    updatedAt: '2026-11-30T10:00:00Z',
    settings: null,
    rateLimit: null,
    hasSecret: true,
    ...overrides,
  };
}

export function connectionsServer(initial: Connection[] = [], options: { testAnswer?: { ok: boolean; status?: number; message: string } } = {}) {
  const items = [...initial];
  let next = items.length + 1;
  const api = fakeApi(({ method, url, body }) => {
    const path = url.pathname;
    if (method === 'GET' && path === '/api/connection-providers') return { status: 200, body: { items: providers } };
    if (method === 'GET' && path === '/api/connections') {
      const provider = url.searchParams.get('provider');
      return { status: 200, body: { items: provider ? items.filter((c) => c.provider === provider) : items } };
    }
    if (method === 'POST' && path === '/api/connections') {
      const request = body as { name: string; kind: Connection['kind']; provider?: string; settings?: Record<string, unknown> };
      const created = connection({ id: `c${next++}`, name: request.name, kind: request.kind, provider: request.provider ?? null, settings: request.settings ?? null });
      items.push(created);
      return { status: 201, body: created };
    }
    const oauth = path.match(/^\/api\/connections\/oauth\/([^/]+)\/start$/);
    if (method === 'POST' && oauth) return { status: 200, body: { authorizeUrl: `https://auth.example/${oauth[1]}?state=s1` } };
    const one = path.match(/^\/api\/connections\/([^/]+)(\/test)?$/);
    const found = one ? items.find((c) => c.id === one[1]) : undefined;
    if (one && !found) return { status: 404, body: { title: 'Not found', detail: `Connection '${one[1]}' was not found.` } };
    if (found && method === 'POST' && one![2]) return { status: 200, body: options.testAnswer ?? { ok: true, status: 200, message: 'The provider accepted the credentials.' } };
    if (found && method === 'PATCH') {
      const request = body as { name?: string };
      Object.assign(found, request.name ? { name: request.name } : {}, { updatedAt: '2026-11-30T11:00:00Z' });
      return { status: 200, body: found };
    }
    if (found && method === 'DELETE') {
      items.splice(items.indexOf(found), 1);
      return { status: 204 };
    }
    return undefined;
  });
  return { ...api, items };
}
