import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { NodeRunDetails } from '../api/runs';
import { NodeDrawer } from './NodeDrawer';

const base: NodeRunDetails = {
  nodeId: 'fetch',
  type: 'http.request',
  status: 'Succeeded',
  attempt: 2,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:02Z',
  waitingForSignal: false,
  attempts: [
    { attempt: 1, status: 'Failed', finishedAt: '2026-01-01T00:00:01Z', error: 'timed out', input: { url: 'https://example.test' } },
    { attempt: 2, status: 'Succeeded', finishedAt: '2026-01-01T00:00:02Z', input: { url: 'https://example.test/again' }, logs: 'fetched' },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('NodeDrawer', { timeout: 30_000 }, () => {
  it('fetches a large output only when asked and shows it as a tree', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ rows: [1, 2, 3] }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    render(<NodeDrawer nodeId="fetch" details={{ ...base, outputLink: { bytes: 2_000_000, href: '/api/runs/r/nodes/fetch/output' } }} onClose={() => {}} />);

    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.getByText(/2,000,000 bytes/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load output' }));

    expect(await screen.findByRole('button', { name: /rows/ })).toBeTruthy();
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe('/api/runs/r/nodes/fetch/output');
  });

  it('lists every attempt, the last one open, and the resolved input of the last attempt', () => {
    render(<NodeDrawer nodeId="fetch" details={{ ...base, output: { ok: true } }} onClose={() => {}} />);

    const attempts = screen.getAllByRole('group').filter((g) => g.tagName === 'DETAILS');
    expect(attempts).toHaveLength(2);
    expect((attempts[0] as HTMLDetailsElement).open).toBe(false);
    expect((attempts[1] as HTMLDetailsElement).open).toBe(true);
    expect(screen.getByRole('group', { name: 'Input of node fetch' }).textContent).toContain('/again');
    expect(screen.getByRole('group', { name: 'Output of node fetch' }).textContent).toContain('true');
  });

  it('offers the signal for a node waiting for one and closes on Escape', async () => {
    const onSignal = vi.fn();
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(<NodeDrawer nodeId="pause" details={{ ...base, nodeId: 'pause', status: 'Running', waitingForSignal: true }} onClose={onClose} onSignal={onSignal} />);

    await user.click(screen.getByRole('button', { name: 'Signal…' }));
    await user.keyboard('{Escape}');

    expect(onSignal).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Waiting')).toBeTruthy();
  });
});
