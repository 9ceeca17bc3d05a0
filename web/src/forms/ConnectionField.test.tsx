import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeTypeDescriptor } from '../api/nodeTypes';
import { connection, connectionsServer } from '../connections/testConnections';
import { NodePanel } from '../editor/panel/NodePanel';
import type { FlowNodeData } from '../flow/types';

function nodeType(id: string, provider: string | null): NodeTypeDescriptor {
  return {
    id,
    displayName: id,
    category: 'Action',
    description: '',
    icon: '',
    inputs: ['main'],
    outputs: ['success'],
    dynamicOutputs: false,
    provider,
    configSchema: {
      type: 'object',
      required: ['connectionId', 'channel'],
      properties: {
        connectionId: { type: 'string', title: 'Connection', description: 'The account to post as.' },
        channel: { type: 'string', title: 'Channel' },
      },
    },
  };
}

function renderPanel(type: NodeTypeDescriptor, data: FlowNodeData) {
  const onChange = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <NodePanel nodeId="post" nodeType={type} data={data} onChange={onChange} preview={false} />
    </QueryClientProvider>,
  );
  return { ...view, onChange, last: () => onChange.mock.calls.at(-1)?.[0] as FlowNodeData };
}

const mixed = [
  connection({ id: 'c1', name: 'Team Slack', kind: 'oauth2', provider: 'slack' }),
  connection({ id: 'c2', name: 'Old Slack', kind: 'oauth2', provider: 'slack', status: 'broken', statusReason: 'token_revoked' }),
  connection({ id: 'c3', name: 'GitHub', kind: 'oauth2', provider: 'github' }),
  connection({ id: 'c4', name: 'Billing API', kind: 'apiKey' }),
];

afterEach(() => vi.unstubAllGlobals());

describe('ConnectionField', () => {
  it("lists only the connections of the node's provider, marks broken ones and writes the chosen id", async () => {
    const { calls } = connectionsServer(mixed);
    const panel = renderPanel(nodeType('slack.postMessage', 'slack'), { config: { channel: '#general' } });

    const select = screen.getByLabelText(/^Connection/) as HTMLSelectElement;
    await waitFor(() => expect(select.disabled).toBe(false));
    expect([...select.options].map((o) => o.textContent)).toEqual(['Choose a connection…', 'Team Slack', 'Old Slack — broken: token_revoked']);
    expect(calls.some((c) => c.url.pathname === '/api/connections' && c.url.searchParams.get('provider') === 'slack')).toBe(true);

    fireEvent.change(select, { target: { value: 'c1' } });
    expect(panel.last().config).toEqual({ channel: '#general', connectionId: 'c1' });
  });

  it('says when the chosen connection is broken and where to mend it', async () => {
    connectionsServer(mixed);
    renderPanel(nodeType('slack.postMessage', 'slack'), { config: { connectionId: 'c2' } });

    const alert = await screen.findByText(/“Old Slack” is broken: token_revoked/);
    expect(within(alert).getByRole('link', { name: 'Connections page' }).getAttribute('href')).toBe('/connections');
  });

  it('lists every connection for a node that names no provider', async () => {
    connectionsServer(mixed);
    renderPanel(nodeType('http.request', null), { config: {} });

    const select = screen.getByLabelText(/^Connection/) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(5));
  });

  it('creates a key-based connection in a dialog without leaving the editor, and chooses it', async () => {
    const { calls } = connectionsServer(mixed);
    const panel = renderPanel(nodeType('ai.chat', 'openai'), { config: {} });
    await waitFor(() => expect((screen.getByLabelText(/^Connection/) as HTMLSelectElement).options[0].textContent).toBe('No connections yet'));

    await userEvent.click(screen.getByRole('button', { name: 'New connection…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New connection' });
    const provider = (await within(dialog).findByLabelText('Provider')) as HTMLSelectElement;
    expect(provider.value).toBe('openai');
    expect(provider.disabled).toBe(true);
    await userEvent.click(within(dialog).getByLabelText(/^API key/));
    await userEvent.paste('sk-test-1');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(panel.last()?.config).toEqual({ connectionId: 'c5' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'OpenAI', kind: 'bearer', provider: 'openai', secret: { token: 'sk-test-1' }, settings: { baseUrl: 'https://api.openai.com/v1' } });
  });

  it('opens an OAuth provider in a new tab and refreshes the list when the window gets the focus back', async () => {
    const server = connectionsServer(mixed);
    const open = vi.fn();
    vi.stubGlobal('open', open);
    renderPanel(nodeType('github.createIssue', 'github'), { config: {} });
    const select = screen.getByLabelText(/^Connection/) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(2));

    await userEvent.click(screen.getByRole('button', { name: 'New connection…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New connection' });
    // GitHub has no client configured in this fake: the form says so and cannot start.
    expect((within(dialog).getByRole('button', { name: 'Connect in a new tab' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(open).not.toHaveBeenCalled();

    // Made in another tab: the list shows it once this window has the focus again.
    server.items.push(connection({ id: 'c8', name: 'Second GitHub', kind: 'oauth2', provider: 'github' }));
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => expect(select.options.length).toBe(3));
  });

  it('starts the OAuth round trip in a new tab so the editor keeps its changes', async () => {
    const { calls } = connectionsServer(mixed);
    const open = vi.fn();
    vi.stubGlobal('open', open);
    renderPanel(nodeType('slack.postMessage', 'slack'), { config: {} });
    await waitFor(() => expect((screen.getByLabelText(/^Connection/) as HTMLSelectElement).disabled).toBe(false));

    await userEvent.click(screen.getByRole('button', { name: 'New connection…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New connection' });
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Connect in a new tab' }));

    await waitFor(() => expect(open).toHaveBeenCalledWith('https://auth.example/slack?state=s1', '_blank', 'noopener'));
    expect(calls.find((c) => c.url.pathname === '/api/connections/oauth/slack/start')!.body).toEqual({ name: 'Slack', scopes: ['chat:write', 'channels:read'] });
    expect(within(dialog).getByRole('status').textContent).toContain('Finish connecting in the new tab');
  });

  it('chooses the connection the other tab announces when the round trip ends', async () => {
    const server = connectionsServer(mixed);
    vi.stubGlobal('open', vi.fn());
    const panel = renderPanel(nodeType('slack.postMessage', 'slack'), { config: {} });
    await waitFor(() => expect((screen.getByLabelText(/^Connection/) as HTMLSelectElement).disabled).toBe(false));
    await userEvent.click(screen.getByRole('button', { name: 'New connection…' }));
    await userEvent.click(await within(await screen.findByRole('dialog')).findByRole('button', { name: 'Connect in a new tab' }));
    await screen.findByText(/Finish connecting in the new tab/);

    server.items.push(connection({ id: 'c9', name: 'New Slack', kind: 'oauth2', provider: 'slack' }));
    const channel = new BroadcastChannel('flowforge-connections');
    channel.postMessage({ type: 'connected', id: 'c9' });
    channel.close();

    await waitFor(() => expect(panel.last()?.config).toEqual({ connectionId: 'c9' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect([...(screen.getByLabelText(/^Connection/) as HTMLSelectElement).options].map((o) => o.textContent)).toContain('New Slack'));
  });
});
