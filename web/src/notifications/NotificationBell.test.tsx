import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage } from '../flows/renderPage';
import { fakeApi } from '../flows/testServer';
import { NotificationBell } from './NotificationBell';
import type { AppNotification } from './api';

function notification(over: Partial<AppNotification> = {}): AppNotification {
  return {
    id: 'n-1',
    kind: 'runFailed',
    flowId: 'f-1',
    flowName: 'Nightly import',
    runId: 'run-42',
    error: 'Node boom: the import broke',
    count: 3,
    createdAt: '2026-11-30T10:00:00Z',
    readAt: null,
    ...over,
  };
}

function bellServer(items: AppNotification[]) {
  return fakeApi(({ method, url }) => {
    if (method === 'GET' && url.pathname === '/api/notifications') {
      return { status: 200, body: { items, nextCursor: null, unreadCount: items.filter((i) => !i.readAt).length } };
    }
    if (method === 'POST' && url.pathname === '/api/notifications/read') {
      for (const item of items) item.readAt = '2026-11-30T11:00:00Z';
      return { status: 200, body: { marked: items.length, unreadCount: 0 } };
    }
    return undefined;
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('NotificationBell', () => {
  it('shows the unread count and lists failures that link to their run', async () => {
    bellServer([notification(), notification({ id: 'n-2', runId: 'run-7', flowName: 'Sync', count: null, readAt: '2026-11-30T10:30:00Z' })]);
    renderPage('/flows', <NotificationBell live={false} />);

    expect((await screen.findByTestId('bell-count')).textContent).toBe('1');
    await userEvent.click(screen.getByRole('button', { name: 'Notifications, 1 unread' }));

    const link = await screen.findByRole('link', { name: /Nightly import failed \(3 times\)/ });
    expect(link.getAttribute('href')).toBe('/runs/run-42');
    expect(link.textContent).toContain('the import broke');
    expect(screen.getByRole('link', { name: /Sync failed/ }).getAttribute('href')).toBe('/runs/run-7');
  });

  it('marks all read and the count goes away', async () => {
    const { calls } = bellServer([notification()]);
    renderPage('/flows', <NotificationBell live={false} />);
    await screen.findByTestId('bell-count');
    await userEvent.click(screen.getByRole('button', { name: /Notifications/ }));

    await userEvent.click(await screen.findByRole('button', { name: 'Mark all read' }));

    await waitFor(() => expect(screen.queryByTestId('bell-count')).toBeNull());
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ all: true });
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeTruthy();
  });

  it('says how to get notifications when there are none', async () => {
    bellServer([]);
    renderPage('/flows', <NotificationBell live={false} />);
    await userEvent.click(screen.getByRole('button', { name: 'Notifications' }));

    expect(await screen.findByText(/No notifications/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Mark all read' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
