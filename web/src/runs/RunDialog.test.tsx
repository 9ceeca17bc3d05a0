import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { EditorView } from '@uiw/react-codemirror';
import { RunDialog } from './RunDialog';

const flowId = '11111111-1111-1111-1111-111111111111';

function serve(options: { triggers: string[]; lastInput?: unknown }) {
  const calls: { method: string; url: string; body?: string }[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ method: init?.method ?? 'GET', url, body: init?.body as string | undefined });
      if (url === `/api/flows/${flowId}`) {
        return json({ id: flowId, name: 'Orders', version: 3, definition: { name: 'Orders', edges: [], nodes: options.triggers.map((id) => ({ id, type: 'trigger.manual', position: { x: 0, y: 0 }, data: {} })) } });
      }
      if (url.startsWith(`/api/flows/${flowId}/runs?`)) {
        return json({ items: options.lastInput ? [{ id: 'last-run', flowId, status: 'Succeeded' }] : [], nextCursor: null });
      }
      if (url === '/api/runs/last-run') return json({ id: 'last-run', input: options.lastInput, nodes: [] });
      if (url === `/api/flows/${flowId}/runs` && init?.method === 'POST') return json({ runId: 'new-run' }, 202);
      return json({ title: 'Not found' }, 404);
    }),
  );
  return calls;
}

function show(props: Partial<Parameters<typeof RunDialog>[0]> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const onClose = vi.fn();
  const onStarted = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <RunDialog flowId={flowId} onClose={onClose} onStarted={onStarted} {...props} />
    </QueryClientProvider>,
  );
  return { onClose, onStarted };
}

function typeInput(text: string) {
  const content = screen.getByRole('textbox', { name: 'Run input (JSON)' });
  const view = EditorView.findFromDOM(content)!;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// jsdom lays nothing out; CodeMirror measures text ranges, so give ranges empty geometry.
beforeAll(() => {
  Range.prototype.getClientRects ??= () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect ??= () => new DOMRect(0, 0, 0, 0);
});

afterEach(() => vi.unstubAllGlobals());

// CodeMirror and user-event are slow in jsdom on a busy machine: a generous limit, not a wait.
describe('RunDialog', { timeout: 30_000 }, () => {
  it('is a named modal dialog that Escape closes', async () => {
    serve({ triggers: ['start'] });
    const { onClose } = show();

    const dialog = screen.getByRole('dialog', { name: 'Run the flow' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await userEvent.setup().keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('shows a parse error inline and does not start', async () => {
    const calls = serve({ triggers: ['start'] });
    show();

    typeInput('{"name": ');

    expect((await screen.findByRole('alert')).textContent).toMatch(/JSON|Unexpected|end/i);
    expect((screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement).disabled).toBe(true);
    typeInput('[1, 2]');
    // The alert of the first error is still there until the new one renders: wait for its text, not for an alert.
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('must be a JSON object'));
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('starts at the chosen manual trigger with the typed input', async () => {
    const calls = serve({ triggers: ['web', 'cli'] });
    const { onStarted } = show();
    const user = userEvent.setup();

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Start at' }), 'cli');
    typeInput('{"orderId": 7}');
    await user.click(screen.getByRole('button', { name: 'Start run' }));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith('new-run'));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe(`/api/flows/${flowId}/runs`);
    expect(JSON.parse(post.body!)).toEqual({ input: { orderId: 7 }, trigger: 'cli' });
  });

  it('opens with the last run input and sends no trigger when the flow has one', async () => {
    const calls = serve({ triggers: ['start'], lastInput: { city: 'Oslo' } });
    const { onStarted } = show();

    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Run input (JSON)' }).textContent).toContain('Oslo'));
    await userEvent.setup().click(screen.getByRole('button', { name: 'Start run' }));

    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(JSON.parse(calls.find((c) => c.method === 'POST')!.body!)).toEqual({ input: { city: 'Oslo' } });
  });
});
