import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { fakeApi } from '../flows/testServer';

// The bell's live hub has no server here; this test is about signing out.
vi.mock('../notifications/NotificationBell', () => ({ NotificationBell: () => null }));

afterEach(() => vi.unstubAllGlobals());

describe('Layout', () => {
  // Regression: signing out reloaded the page, which asked GET /api/session again and got a 401 the browser logs as an error.
  it('onSignOut_SignedIn_ShowsSignInWithoutAskingForTheSessionAgainAndDropsTheAccountsData', async () => {
    let signedIn = true;
    const { calls } = fakeApi(({ method, url }) => {
      if (url.pathname === '/api/setup') return { status: 200, body: { needsOwner: false } };
      if (url.pathname === '/api/session' && method === 'GET')
        return signedIn ? { status: 200, body: { id: 'u-1', email: 'ada@example.com', isOwner: true } } : { status: 401, body: { title: 'Not signed in.' } };
      if (url.pathname === '/api/session' && method === 'DELETE') {
        signedIn = false;
        return { status: 204 };
      }
      if (url.pathname === '/api/flows') return { status: 200, body: { items: [], nextCursor: null } };
      return undefined;
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const router = createMemoryRouter([{ path: '*', element: <App /> }], { initialEntries: ['/flows'] });
    render(
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    await screen.findByText('No flows yet — create one or import a flow file');
    expect(client.getQueryCache().findAll({ queryKey: ['flows'] }).length).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    await screen.findByRole('heading', { name: 'Sign in to FlowForge' });
    const signOut = calls.findIndex((c) => c.method === 'DELETE' && c.url.pathname === '/api/session');
    expect(signOut).toBeGreaterThanOrEqual(0);
    expect(calls.slice(signOut + 1).map((c) => `${c.method} ${c.url.pathname}`)).toEqual([]);
    expect(client.getQueryCache().findAll({ queryKey: ['flows'] })).toEqual([]);
    expect(router.state.location.pathname).toBe('/');
  });
});
