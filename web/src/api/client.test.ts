import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './client';

function respond(status: number, body: unknown) {
  return vi.fn(async () => new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});

describe('api', () => {
  it('sends the CSRF cookie value as X-CSRF-Token on unsafe requests only', async () => {
    document.cookie = 'XSRF-TOKEN=abc%2B1; path=/';
    const fetchMock = respond(200, { ok: true });
    vi.stubGlobal('fetch', fetchMock);

    await api('/api/flows', { method: 'POST', body: { name: 'x' } });
    await api('/api/flows');

    const post = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    const get = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect((post[1].headers as Record<string, string>)['X-CSRF-Token']).toBe('abc+1');
    expect(post[1].body).toBe('{"name":"x"}');
    expect((get[1].headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('turns problem+json into an ApiError naming the field and the node problems', async () => {
    vi.stubGlobal('fetch', respond(400, { title: 'Invalid flow', detail: "'email' must be an email address.", field: 'email', problems: [{ nodeId: 'n1', message: 'bad' }] }));

    const error = await api('/api/x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.field).toBe('email');
    expect(apiError.message).toBe("'email' must be an email address.");
    expect(apiError.problems).toEqual([{ nodeId: 'n1', message: 'bad' }]);
  });
});
