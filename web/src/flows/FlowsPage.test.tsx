import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlowsPage } from '../pages/FlowsPage';
import type { FlowListItem } from './api';
import { renderPage } from './renderPage';
import { fakeApi } from './testServer';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const orders: FlowListItem = {
  id: 'f-1',
  name: 'Order sync',
  version: 3,
  createdAt: minutesAgo(600),
  updatedAt: minutesAgo(60),
  active: true,
  triggerKinds: ['trigger.webhook', 'trigger.schedule'],
  lastRun: { id: 'r-9', status: 'Failed', createdAt: minutesAgo(5), finishedAt: minutesAgo(4) },
};
const report: FlowListItem = {
  id: 'f-2',
  name: 'Weekly report',
  version: 1,
  createdAt: minutesAgo(900),
  updatedAt: minutesAgo(900),
  active: false,
  triggerKinds: ['trigger.manual'],
  lastRun: null,
};

afterEach(() => vi.unstubAllGlobals());

describe('FlowsPage', () => {
  it('lists flows with trigger badges, the active switch, the last run linking to it and a link to their run history', async () => {
    fakeApi(({ method, url }) => (method === 'GET' && url.pathname === '/api/flows' ? { status: 200, body: { items: [orders, report], nextCursor: null } } : undefined));

    renderPage('/flows', <FlowsPage />);

    const row = (await screen.findByRole('link', { name: 'Order sync' })).closest('tr')!;
    expect(screen.getByRole('link', { name: 'Order sync' })).toHaveProperty('pathname', '/flows/f-1');
    expect(within(row).getByText('Webhook')).toBeTruthy();
    expect(within(row).getByText('Schedule')).toBeTruthy();
    expect(within(row).getByRole('switch', { name: 'Active: Order sync' }).getAttribute('aria-checked')).toBe('true');
    const lastRun = within(row).getByRole('link', { name: /Failed/ });
    expect(lastRun).toHaveProperty('pathname', '/runs/r-9');
    expect(lastRun.textContent).toContain('5 minutes ago');
    expect(within(row).getByText('Failed').className).toContain('ff-status-failed');
    const history = within(row).getByRole('link', { name: 'Run history of Order sync' });
    expect(history).toHaveProperty('pathname', '/runs');
    expect(history).toHaveProperty('search', '?flowId=f-1');

    const other = screen.getByRole('link', { name: 'Weekly report' }).closest('tr')!;
    expect(within(other).getByText('Manual')).toBeTruthy();
    expect(within(other).getByText('Never run')).toBeTruthy();
    expect(within(other).getByRole('switch').getAttribute('aria-checked')).toBe('false');
  });

  it('searches through the API once typing pauses', async () => {
    const { calls } = fakeApi(({ method, url }) => {
      if (method !== 'GET' || url.pathname !== '/api/flows') return undefined;
      const search = url.searchParams.get('search');
      return { status: 200, body: { items: search ? [report] : [orders, report], nextCursor: null } };
    });
    renderPage('/flows', <FlowsPage />);
    await screen.findByRole('link', { name: 'Order sync' });

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search flows by name' }), 'week');

    const searches = () => calls.filter((c) => c.url.pathname === '/api/flows').map((c) => c.url.searchParams.get('search'));
    await waitFor(() => expect(searches()).toEqual([null, 'week']));
    expect(await screen.findByRole('link', { name: 'Weekly report' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Order sync' })).toBeNull();
  });

  it('asks before deleting; Escape cancels and nothing is deleted, confirming deletes', async () => {
    const { calls } = fakeApi(({ method, url }) => {
      if (method === 'GET' && url.pathname === '/api/flows') return { status: 200, body: { items: [orders], nextCursor: null } };
      if (method === 'DELETE' && url.pathname === '/api/flows/f-1') return { status: 204 };
      return undefined;
    });
    renderPage('/flows', <FlowsPage />);
    const deleteButton = await screen.findByRole('button', { name: 'Delete Order sync' });

    await userEvent.click(deleteButton);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete “Order sync”?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });

    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(document.activeElement).toBe(deleteButton);

    await userEvent.click(deleteButton);
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete flow' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url.pathname)).toEqual(['/api/flows/f-1']);
  });

  it('shows why a flow cannot be activated', async () => {
    fakeApi(({ method, url }) => {
      if (method === 'GET' && url.pathname === '/api/flows') return { status: 200, body: { items: [report], nextCursor: null } };
      if (method === 'POST' && url.pathname === '/api/flows/f-2/activate')
        return { status: 400, body: { title: 'Bad request', detail: 'Flow f-2 has no webhook or schedule trigger, so there is nothing to activate.', field: 'nodes' } };
      return undefined;
    });
    renderPage('/flows', <FlowsPage />);

    await userEvent.click(await screen.findByRole('switch', { name: 'Active: Weekly report' }));

    expect((await screen.findByRole('alert')).textContent).toContain('has no webhook or schedule trigger');
    expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('false');
  });

  it('shows the empty state, and "New flow" creates a flow with a manual trigger and opens it', async () => {
    const { calls } = fakeApi(({ method, url }) => {
      if (method === 'GET' && url.pathname === '/api/flows') return { status: 200, body: { items: [], nextCursor: null } };
      if (method === 'POST' && url.pathname === '/api/flows') return { status: 201, body: { id: 'new-1', version: 1 } };
      return undefined;
    });
    renderPage('/flows', <FlowsPage />);

    expect(await screen.findByText('No flows yet — create one or import a flow file')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'New flow' }));

    expect((await screen.findByTestId('navigated')).textContent).toBe('/flows/new-1');
    const created = calls.find((c) => c.method === 'POST')!.body as { nodes: { type: string }[] };
    expect(created.nodes.map((n) => n.type)).toEqual(['trigger.manual']);
  });

  it('lists the server\'s problems with an imported file, and says when a file is not JSON', async () => {
    fakeApi(({ method, url }) => {
      if (method === 'GET' && url.pathname === '/api/flows') return { status: 200, body: { items: [], nextCursor: null } };
      if (method === 'POST' && url.pathname === '/api/flows')
        return {
          status: 400,
          body: {
            title: 'The flow is invalid.',
            detail: 'The flow has 2 problems.',
            errors: [
              { code: 'unknown_node_type', message: "Unknown node type 'core.nope'.", nodeId: 'x' },
              { code: 'cycle', message: 'The flow has a cycle.' },
            ],
          },
        };
      return undefined;
    });
    renderPage('/flows', <FlowsPage />);
    await screen.findByText('No flows yet — create one or import a flow file');
    const input = screen.getByTestId('import-file') as HTMLInputElement;

    await userEvent.upload(input, new File(['{"name":"bad","nodes":[],"edges":[]}'], 'bad.flow.json', { type: 'application/json' }));
    const problems = await screen.findByText('The server refused bad.flow.json');
    const list = within(problems.closest('[role="alert"]') as HTMLElement).getAllByRole('listitem').map((li) => li.textContent);
    expect(list).toEqual(["node “x”: Unknown node type 'core.nope'.", 'The flow has a cycle.']);

    await userEvent.upload(input, new File(['{ not json'], 'broken.json', { type: 'application/json' }));
    expect(await screen.findByText('Could not import broken.json')).toBeTruthy();
    expect(screen.getByText(/broken\.json is not valid JSON/)).toBeTruthy();
  });
  it('loads the next page over the cursor with "Load more"', async () => {
    const { calls } = fakeApi(({ method, url }) => {
      if (method !== 'GET' || url.pathname !== '/api/flows') return undefined;
      return url.searchParams.get('cursor') === 'c-2'
        ? { status: 200, body: { items: [report], nextCursor: null } }
        : { status: 200, body: { items: [orders], nextCursor: 'c-2' } };
    });
    renderPage('/flows', <FlowsPage />);
    await screen.findByRole('link', { name: 'Order sync' });
    expect(screen.queryByRole('link', { name: 'Weekly report' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('link', { name: 'Weekly report' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Order sync' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'c-2']);
  });
});
