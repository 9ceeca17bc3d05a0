// A fake of the REST API for component tests: routes by method and path, records every call.
import { vi } from 'vitest';

export interface Call {
  method: string;
  url: URL;
  body: unknown;
}

export type Answer = { status: number; body?: unknown } | undefined;

/** Answers a call now, or later (a promise) to hold the request open. */
export type Route = (call: Call) => Answer | Promise<Answer>;

export function fakeApi(route: Route) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const call: Call = { method: (init?.method ?? 'GET').toUpperCase(), url, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const answer = (await route(call)) ?? { status: 404, body: { title: 'Not found', detail: `${call.method} ${url.pathname} is not faked.` } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': answer.status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
