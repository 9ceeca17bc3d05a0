import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { fakeApi } from '../flows/testServer';
import { ConnectionsPage } from '../pages/ConnectionsPage';
import { connection, connectionsServer } from './testConnections';

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function renderConnections(entry = '/connections') {
  const onAuthorize = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[entry]}>
        <Routes>
          <Route
            path="/connections"
            element={
              <>
                <ConnectionsPage onAuthorize={onAuthorize} />
                <Where />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...view, onAuthorize };
}

const secret = 'sk-live-4242-never-shown';

/** Pastes text into a field: as typing would, without a key event per character (slow on a busy machine). */
async function fill(element: HTMLElement, text: string) {
  await userEvent.click(element);
  await userEvent.paste(text);
}

afterEach(() => vi.unstubAllGlobals());

describe('ConnectionsPage', () => {
  it('lists each connection with its provider, kind, status (with the reason when broken), scopes and expiry', async () => {
    connectionsServer([
      connection({ id: 'c1', name: 'Team Slack', kind: 'oauth2', provider: 'slack', scopes: ['chat:write'], expiresAt: new Date(Date.now() + 3 * 3_600_000).toISOString() }),
      connection({ id: 'c2', name: 'Old GitHub', kind: 'oauth2', provider: 'github', status: 'broken', statusReason: 'invalid_grant: The refresh token was revoked.' }),
      connection({ id: 'c3', name: 'Billing API', kind: 'apiKey' }),
    ]);
    renderConnections();

    const slack = (await screen.findByText('Team Slack')).closest('tr')!;
    expect(within(slack).getByText('Slack')).toBeTruthy();
    expect(within(slack).getByText('OAuth 2.0')).toBeTruthy();
    expect(within(slack).getByText('Connected')).toBeTruthy();
    expect(within(within(slack).getByRole('list', { name: 'Scopes' })).getByText('chat:write')).toBeTruthy();
    expect(within(slack).getByText('in 3 hours')).toBeTruthy();

    const github = screen.getByText('Old GitHub').closest('tr')!;
    expect(within(github).getByText('Broken')).toBeTruthy();
    expect(within(github).getByText('invalid_grant: The refresh token was revoked.')).toBeTruthy();

    const key = screen.getByText('Billing API').closest('tr')!;
    expect(within(key).getByText('API key')).toBeTruthy();
    expect(within(key).getByText('Any API')).toBeTruthy();
    expect(within(key).getByText('Never')).toBeTruthy();
  });

  it('says there are none yet, and shows a failed load with a way to retry', async () => {
    connectionsServer([]);
    const first = renderConnections();
    expect(await screen.findByText('No connections yet')).toBeTruthy();
    first.unmount();

    fakeApi(() => ({ status: 500, body: { title: 'Server error', detail: 'The database is not reachable.' } }));
    renderConnections();
    expect((await screen.findByRole('alert')).textContent).toContain('The database is not reachable.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('saves an API key from a password input and never shows the key afterwards', async () => {
    const { calls } = connectionsServer([]);
    renderConnections();
    await screen.findByText('No connections yet');

    await userEvent.click(screen.getByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    expect((within(form).getByLabelText('Provider') as HTMLSelectElement).value).toBe('');
    expect((within(form).getByLabelText('Sign-in method') as HTMLSelectElement).value).toBe('apiKey');
    await fill(within(form).getByLabelText('Name'), 'Billing API');
    await userEvent.clear(within(form).getByLabelText('Header name'));
    await fill(within(form).getByLabelText('Header name'), 'X-Billing-Key');
    const key = within(form).getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    await fill(key, secret);
    await userEvent.click(within(form).getByRole('button', { name: 'Save connection' }));

    expect((await screen.findByRole('status')).textContent).toContain('Saved “Billing API”');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'Billing API',
      kind: 'apiKey',
      secret: { key: secret },
      settings: { in: 'header', name: 'X-Billing-Key' },
    });
    expect(await screen.findByText('Billing API', { selector: '.ff-name' })).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('names what is missing instead of sending an incomplete key form', async () => {
    const { calls } = connectionsServer([]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Sign-in method'), 'basic');
    await userEvent.click(within(form).getByRole('button', { name: 'Save connection' }));

    expect(within(form).getByText('Give the connection a name, for example the account it is for.')).toBeTruthy();
    expect(within(form).getByText('Enter the user name.')).toBeTruthy();
    expect(within(form).getByText('Enter the password.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('sends headers as one secret object of names and values', async () => {
    const { calls } = connectionsServer([]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Sign-in method'), 'headers');
    await fill(within(form).getByLabelText('Name'), 'Internal API');
    await fill(within(form).getByLabelText('Header 1 name'), 'X-Tenant');
    await fill(within(form).getByLabelText('Header 1 value'), 'acme');
    await userEvent.click(within(form).getByRole('button', { name: 'Add header' }));
    await fill(within(form).getByLabelText('Header 2 name'), 'X-Secret');
    await fill(within(form).getByLabelText('Header 2 value'), secret);
    await userEvent.click(within(form).getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'Internal API', kind: 'headers', secret: { headers: { 'X-Tenant': 'acme', 'X-Secret': secret } } });
  });

  it('connects an OAuth provider by sending the browser to the authorize URL the server made', async () => {
    const { calls } = connectionsServer([]);
    const { onAuthorize } = renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Provider'), 'slack');
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('Slack');
    expect((within(form).getByLabelText('Scopes') as HTMLInputElement).value).toBe('chat:write channels:read');
    await userEvent.click(within(form).getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(onAuthorize).toHaveBeenCalledWith('https://auth.example/slack?state=s1'));
    const start = calls.find((c) => c.url.pathname === '/api/connections/oauth/slack/start')!;
    expect(start.body).toEqual({ name: 'Slack', scopes: ['chat:write', 'channels:read'] });
  });

  it('asks for the URLs, client id and secret of the generic OAuth 2.0 provider', async () => {
    const { calls } = connectionsServer([]);
    const { onAuthorize } = renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Provider'), 'generic-oauth2');
    await userEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    expect(within(form).getByText('Enter the authorization URL.')).toBeTruthy();
    expect(within(form).getByText('Enter the client secret.')).toBeTruthy();
    expect(calls.some((c) => c.url.pathname.includes('/oauth/'))).toBe(false);

    await fill(within(form).getByLabelText(/^Authorization URL/), 'https://id.example/authorize');
    await fill(within(form).getByLabelText(/^Token URL/), 'https://id.example/token');
    await fill(within(form).getByLabelText(/^Client ID/), 'client-1');
    const clientSecret = within(form).getByLabelText(/^Client secret/) as HTMLInputElement;
    expect(clientSecret.type).toBe('password');
    await fill(clientSecret, 'client-secret-1');
    await fill(within(form).getByLabelText('Scopes'), 'read write');
    await userEvent.click(within(form).getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(onAuthorize).toHaveBeenCalledTimes(1));
    expect(calls.find((c) => c.url.pathname === '/api/connections/oauth/generic-oauth2/start')!.body).toEqual({
      name: 'OAuth 2.0 (any provider)',
      scopes: ['read', 'write'],
      generic: { authorizeUrl: 'https://id.example/authorize', tokenUrl: 'https://id.example/token', clientId: 'client-1', clientSecret: 'client-secret-1', scopes: ['read', 'write'] },
    });
  });

  it("takes a key-based provider's own fields: secret ones in the secret, the others in settings", async () => {
    const { calls } = connectionsServer([]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Provider'), 'smtp');
    expect(within(form).queryByLabelText('Sign-in method')).toBeNull();
    await userEvent.click(within(form).getByRole('button', { name: 'Save connection' }));
    expect(within(form).getByText('Enter the host.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await fill(within(form).getByLabelText(/^Host/), 'smtp.example.com');
    await userEvent.selectOptions(within(form).getByLabelText(/^Security/), 'tls');
    await fill(within(form).getByLabelText(/^User name/), 'mailer');
    const password = within(form).getByLabelText(/^Password/) as HTMLInputElement;
    expect(password.type).toBe('password');
    await fill(password, secret);
    await userEvent.click(within(form).getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      name: 'SMTP (email)',
      kind: 'basic',
      provider: 'smtp',
      secret: { username: 'mailer', password: secret },
      settings: { host: 'smtp.example.com', port: 587, security: 'tls' },
    });
  });

  it('says how to configure a provider the server has no client for, and does not start it', async () => {
    const { calls } = connectionsServer([]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'New connection' }));
    const form = await screen.findByRole('form', { name: 'New connection' });
    await userEvent.selectOptions(within(form).getByLabelText('Provider'), 'github');

    expect(within(form).getByRole('note').textContent).toContain('Connections:Providers:github:ClientId');
    expect((within(form).getByRole('button', { name: 'Connect' }) as HTMLButtonElement).disabled).toBe(true);
    expect(calls.some((c) => c.url.pathname.includes('/oauth/'))).toBe(false);
  });

  it('greets the return from the provider with the new connection and cleans the address', async () => {
    connectionsServer([connection({ id: 'c9', name: 'Team Slack', kind: 'oauth2', provider: 'slack', scopes: ['chat:write'] })]);
    renderConnections('/connections?connected=c9');

    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Connected “Team Slack”.'));
    expect(screen.getByTestId('where').textContent).toBe('/connections');
  });

  it('shows why the provider round trip failed', async () => {
    connectionsServer([]);
    renderConnections('/connections?error=access_denied');
    expect((await screen.findByRole('alert')).textContent).toContain('access was not allowed');
  });

  it('tests a connection and shows the answer', async () => {
    connectionsServer([connection({ id: 'c1', name: 'Billing API' })], { testAnswer: { ok: false, status: 401, message: 'The API answered 401 Unauthorized.' } });
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'Test Billing API' }));
    const row = screen.getByText('Billing API').closest('tr')!;
    await waitFor(() => expect(row.textContent).toContain('✗ The API answered 401 Unauthorized.'));
  });

  it('renames in place: Enter saves, Escape gives up', async () => {
    const { calls } = connectionsServer([connection({ id: 'c1', name: 'Billing API' })]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'Rename Billing API' }));
    const input = screen.getByLabelText('New name for Billing API');
    await userEvent.clear(input);
    await userEvent.type(input, 'Ignored{Escape}');
    expect(screen.queryByLabelText('New name for Billing API')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Rename Billing API' }));
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Rename Billing API' }));
    await userEvent.clear(screen.getByLabelText('New name for Billing API'));
    await userEvent.type(screen.getByLabelText('New name for Billing API'), 'Billing (prod){Enter}');

    expect(await screen.findByText('Billing (prod)', { selector: '.ff-name' })).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: expect.objectContaining({ pathname: '/api/connections/c1' }), body: { name: 'Billing (prod)' } });
  });

  it('replaces a key-based secret from empty password inputs', async () => {
    const { calls } = connectionsServer([connection({ id: 'c1', name: 'Billing API', settings: { in: 'query', name: 'api_key' } })]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'Reconnect Billing API' }));
    const dialog = screen.getByRole('dialog', { name: 'Reconnect “Billing API”' });
    expect(within(dialog).getByRole('note').textContent).toContain('enter a new value to replace it');
    expect((within(dialog).getByLabelText('Query parameter name') as HTMLInputElement).value).toBe('api_key');
    const key = within(dialog).getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    await fill(key, 'new-key-value');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Replace secret' }));

    expect((await screen.findByRole('status')).textContent).toContain('Replaced the secret of “Billing API”.');
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ secret: { key: 'new-key-value' }, settings: { in: 'query', name: 'api_key' } });
  });

  it('reconnects an OAuth connection through the provider with its id', async () => {
    const { calls } = connectionsServer([connection({ id: 'c1', name: 'Team Slack', kind: 'oauth2', provider: 'slack', scopes: ['chat:write'], status: 'broken', statusReason: 'token_revoked' })]);
    const { onAuthorize } = renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'Reconnect Team Slack' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Continue to Slack' }));

    await waitFor(() => expect(onAuthorize).toHaveBeenCalledWith('https://auth.example/slack?state=s1'));
    expect(calls.find((c) => c.url.pathname === '/api/connections/oauth/slack/start')!.body).toEqual({ connectionId: 'c1', scopes: ['chat:write'] });
  });

  it('deletes only after confirming', async () => {
    const { calls } = connectionsServer([connection({ id: 'c1', name: 'Billing API' })]);
    renderConnections();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Billing API' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Delete Billing API' }));
    await userEvent.click(within(screen.getByRole('alertdialog', { name: 'Delete “Billing API”?' })).getByRole('button', { name: 'Delete connection' }));

    expect(await screen.findByText('No connections yet')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url.pathname)).toEqual(['/api/connections/c1']);
  });
});
