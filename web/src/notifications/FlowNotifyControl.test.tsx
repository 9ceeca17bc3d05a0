import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage } from '../flows/renderPage';
import { fakeApi } from '../flows/testServer';
import { FlowNotifyControl } from './FlowNotifyControl';

afterEach(() => vi.unstubAllGlobals());

describe('FlowNotifyControl', () => {
  it('saves the in-app and email choices for the flow as they are ticked', async () => {
    let choice = { onFailure: { inApp: false, email: false } };
    const { calls } = fakeApi(({ method, url, body }) => {
      if (url.pathname !== '/api/flows/f-1/notifications') return undefined;
      if (method === 'PUT') choice = body as typeof choice;
      return { status: 200, body: choice };
    });
    renderPage('/flows/f-1', <FlowNotifyControl flowId="f-1" />);

    await userEvent.click(screen.getByRole('button', { name: 'Notify me' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: /In the app/ }));
    await waitFor(() => expect((screen.getByRole('checkbox', { name: /In the app/ }) as HTMLInputElement).checked).toBe(true));
    await userEvent.click(screen.getByRole('checkbox', { name: /By email/ }));

    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { onFailure: { inApp: true, email: false } },
      { onFailure: { inApp: true, email: true } },
    ]);
    expect(await screen.findByRole('button', { name: 'Notifying me' })).toBeTruthy();
  });

  it('shows a box ticked from the click on, and puts it back when the server refuses the choice', async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    fakeApi(async ({ method, url }) => {
      if (url.pathname !== '/api/flows/f-1/notifications') return undefined;
      if (method === 'PUT') {
        await answered;
        return { status: 400, body: { title: 'Not allowed', status: 400 } };
      }
      return { status: 200, body: { onFailure: { inApp: false, email: false } } };
    });
    renderPage('/flows/f-1', <FlowNotifyControl flowId="f-1" />);

    await userEvent.click(screen.getByRole('button', { name: 'Notify me' }));
    const box = (await screen.findByRole('checkbox', { name: /In the app/ })) as HTMLInputElement;
    fireEvent.click(box);
    expect((screen.getByRole('checkbox', { name: /In the app/ }) as HTMLInputElement).checked).toBe(true);

    release();
    expect(await screen.findByRole('alert')).toBeTruthy();
    await waitFor(() => expect((screen.getByRole('checkbox', { name: /In the app/ }) as HTMLInputElement).checked).toBe(false));
    expect(screen.getByRole('button', { name: 'Notify me' })).toBeTruthy();
  });
});
