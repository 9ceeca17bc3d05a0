import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../flows/testServer';
import FlowEditor from './FlowEditor';

function renderEditor(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: 3, retryDelay: 0 } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/flows/:flowId" element={<FlowEditor />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('FlowEditor', () => {
  it('FlowEditor_FlowNotFound_SaysSoOnceAndLinksToTheFlows', async () => {
    const { calls } = fakeApi(({ url }) =>
      url.pathname === '/api/node-types'
        ? { status: 200, body: [] }
        : { status: 404, body: { title: 'Not Found', status: 404, detail: 'Flow gone-1 was not found.' } },
    );

    renderEditor('/flows/gone-1');

    expect(await screen.findByText('This flow was not found.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'See all flows' })).toHaveProperty('pathname', '/flows');
    expect(calls.filter((c) => c.url.pathname === '/api/flows/gone-1')).toHaveLength(1);
  });
});
