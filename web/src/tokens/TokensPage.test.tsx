import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage } from '../flows/renderPage';
import { fakeApi } from '../flows/testServer';
import { TokensPage } from '../pages/TokensPage';
import type { ApiToken } from './api';

const secret = 'ff_s3cr3t-value-shown-once';

function tokenServer() {
  const tokens: ApiToken[] = [];
  return fakeApi(({ method, url, body }) => {
    if (method === 'GET' && url.pathname === '/api/tokens') return { status: 200, body: tokens };
    if (method === 'POST' && url.pathname === '/api/tokens') {
      const { name, expiresInDays } = body as { name: string; expiresInDays?: number };
      const created = { id: `t-${tokens.length + 1}`, name, createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + (expiresInDays ?? 365) * 86_400_000).toISOString(), lastUsedAt: null };
      tokens.push(created);
      return { status: 201, body: { ...created, token: secret } };
    }
    if (method === 'DELETE' && url.pathname.startsWith('/api/tokens/')) {
      tokens.splice(tokens.findIndex((t) => t.id === url.pathname.split('/').pop()), 1);
      return { status: 204 };
    }
    return undefined;
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('TokensPage', () => {
  it('shows a new token\'s secret once, with a warning, and never again after a reload', async () => {
    const { calls } = tokenServer();
    const first = renderPage('/tokens', <TokensPage />);
    expect(await screen.findByText('No API tokens yet')).toBeTruthy();

    await userEvent.type(screen.getByRole('textbox', { name: 'Name' }), 'nightly export');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Expires after' }), '90 days');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const box = (await screen.findByRole('textbox', { name: 'New API token' })) as HTMLInputElement;
    expect(box.value).toBe(secret);
    expect(box.readOnly).toBe(true);
    expect(screen.getByRole('note').textContent).toContain('only time it is shown');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'nightly export', expiresInDays: 90 });
    const row = (await screen.findByRole('cell', { name: 'nightly export' })).closest('tr')!;
    expect(within(row).getByText('Not used yet')).toBeTruthy();

    first.unmount();
    renderPage('/tokens', <TokensPage />);

    expect(await screen.findByRole('cell', { name: 'nightly export' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'New API token' })).toBeNull();
    expect(document.body.textContent).not.toContain(secret);
  });

  it('asks before revoking and revokes only when confirmed', async () => {
    const { calls } = tokenServer();
    renderPage('/tokens', <TokensPage />);
    await screen.findByText('No API tokens yet');
    await userEvent.type(screen.getByRole('textbox', { name: 'Name' }), 'ci');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await userEvent.click(await screen.findByRole('button', { name: 'I have copied it' }));

    await userEvent.click(await screen.findByRole('button', { name: 'Revoke ci' }));
    await userEvent.click(within(screen.getByRole('alertdialog', { name: 'Revoke “ci”?' })).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Revoke ci' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('No API tokens yet')).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url.pathname)).toEqual(['/api/tokens/t-1']));
  });

  it('names the missing name instead of sending the form', async () => {
    const { calls } = tokenServer();
    renderPage('/tokens', <TokensPage />);
    await screen.findByText('No API tokens yet');

    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Give the token a name');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });
});
