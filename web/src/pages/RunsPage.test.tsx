import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RunsPage } from './RunsPage';

function run(id: string, status: string, seconds: number) {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return {
    id,
    flowId: 'f1',
    flowVersion: 1,
    status,
    createdAt: new Date(start).toISOString(),
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + seconds * 1000).toISOString(),
    attempt: 1,
  };
}

let observed: ((entries: { isIntersecting: boolean }[]) => void)[] = [];
const calls: string[] = [];

beforeEach(() => {
  observed = [];
  calls.length = 0;
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
        observed.push(callback);
      }
      observe() {}
      disconnect() {}
    },
  );
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      calls.push(url);
      if (url === '/api/flows/f1') return json({ id: 'f1', name: 'Orders', version: 1, definition: { name: 'Orders', nodes: [], edges: [] } });
      if (url.includes('cursor=page2')) return json({ items: [run('c', 'Succeeded', 4)], nextCursor: null });
      return json({ items: [run('a', 'Succeeded', 1), run('b', 'Failed', 2)], nextCursor: 'page2' });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function show(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/runs" element={<RunsPage />} />
          <Route path="/runs/:runId" element={<p>run page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const widths = () => [...document.querySelectorAll<HTMLElement>('.duration-bar')].map((b) => b.style.width);

describe('RunsPage', { timeout: 30_000 }, () => {
  it('loads the next page when the end of the list scrolls into view and rescales the duration bars', async () => {
    show('/runs');
    await waitFor(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(2));
    expect(widths()).toEqual(['50%', '100%']);

    act(() => observed.forEach((callback) => callback([{ isIntersecting: true }])));

    await waitFor(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(3));
    expect(calls.filter((c) => c.startsWith('/api/runs?'))).toEqual(['/api/runs?limit=50', '/api/runs?limit=50&cursor=page2']);
    expect(widths()).toEqual(['25%', '50%', '100%']);
    expect(screen.queryByRole('button', { name: 'Load more runs' })).toBeNull();
  });

  it('asks the server for one status across flows and keeps the filter in the address', async () => {
    show('/runs');
    await waitFor(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(2));

    await userEvent.setup().click(screen.getByRole('button', { name: 'Failed' }));

    await waitFor(() => expect(calls).toContain('/api/runs?limit=50&status=failed'));
    expect(screen.getByRole('button', { name: 'Failed' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('filters a flow history in the page, since the flow listing takes no status', async () => {
    show('/runs?flowId=f1&status=failed');

    await screen.findByRole('link', { name: 'Orders' });
    await waitFor(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(1));
    expect(document.querySelector('tbody tr')?.getAttribute('data-run-id')).toBe('b');
    expect(calls).toContain('/api/flows/f1/runs?limit=50');
  });
});
