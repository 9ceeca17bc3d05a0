import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeTypeDescriptor } from '../../api/nodeTypes';
import type { FlowNodeData } from '../../flow/types';
import nodeTypes from '../../forms/__fixtures__/node-types.json';
import { NodePanel, type NodePanelProps } from './NodePanel';
import { problemField, sortProblems } from './panelProblems';

const types = nodeTypes as unknown as NodeTypeDescriptor[];
const http = types.find((t) => t.id === 'http.request')!;

function renderPanel(props: Partial<NodePanelProps> & { data: FlowNodeData }) {
  const onChange = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <NodePanel nodeId="fetch" nodeType={http} onChange={onChange} preview={false} {...props} />
    </QueryClientProvider>,
  );
  return { ...view, onChange, last: () => onChange.mock.calls.at(-1)?.[0] as FlowNodeData };
}

afterEach(() => vi.unstubAllGlobals());

describe('NodePanel', () => {
  it('shows the label, the read-only id and the config form of the node type', () => {
    const panel = renderPanel({ data: { label: 'Fetch', config: { method: 'GET', url: 'https://example.com' } } });
    expect((screen.getByLabelText('Node id') as HTMLInputElement).readOnly).toBe(true);
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Fetch orders' } });
    expect(panel.last()).toEqual({ label: 'Fetch orders', config: { method: 'GET', url: 'https://example.com' } });
    fireEvent.change(screen.getByLabelText(/Method/), { target: { value: '1' } });
    expect(panel.last().config).toEqual({ method: 'POST', url: 'https://example.com' });
  });

  it('writes retry, timeoutMs and onError into the node data', () => {
    const panel = renderPanel({ data: { config: {} } });
    fireEvent.click(screen.getByText('Retry, timeout and errors'));
    fireEvent.change(screen.getByLabelText('Attempts'), { target: { value: '5' } });
    expect(panel.last()).toEqual({ config: {}, retry: { maxAttempts: 5 } });
    fireEvent.change(screen.getByLabelText('Timeout (ms)'), { target: { value: '15000' } });
    expect(panel.last()).toEqual({ config: {}, timeoutMs: 15000 });
    fireEvent.change(screen.getByLabelText('On error'), { target: { value: '1' } });
    expect(panel.last()).toEqual({ config: {}, onError: 'continue' });
  });

  it('keeps the other policies when one changes, and refuses out-of-range values', () => {
    const panel = renderPanel({ data: { config: {}, retry: { maxAttempts: 3, delayMs: 500 }, onError: 'continue' } });
    fireEvent.change(screen.getByLabelText('Jitter'), { target: { value: '0.2' } });
    expect(panel.last()).toEqual({ config: {}, retry: { maxAttempts: 3, delayMs: 500, jitter: 0.2 }, onError: 'continue' });
    panel.onChange.mockClear();
    fireEvent.change(screen.getByLabelText('Attempts'), { target: { value: '99' } });
    expect(panel.onChange).not.toHaveBeenCalled();
  });

  it('shows server problems at the fields they name and the rest at the top', () => {
    renderPanel({
      data: { config: { url: 'x' }, retry: { delayMs: 1 } },
      problems: [
        { nodeId: 'fetch', field: 'nodes[1].data.config.url', message: 'url must be absolute' },
        'nodes[1].data.retry.delayMs: too short',
        'node fetch cannot reach itself',
      ],
    });
    expect(screen.getByLabelText('First wait (ms)').closest('.field')!.textContent).toContain('too short');
    expect(screen.getByText('node fetch cannot reach itself').closest('.panel-problems')).toBeTruthy();
    expect(document.querySelector('.field-invalid')!.textContent).toContain('url must be absolute');
  });

  it('completes paths from the flow\'s last run', async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const body = url.includes('/runs?limit=1')
        ? { items: [{ id: 'run-1' }], nextCursor: null }
        : { id: 'run-1', input: { orderId: 1 }, nodes: [{ nodeId: 'a', status: 'Succeeded', output: { x: 1 } }] };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderPanel({ flowId: 'flow-1', data: { config: {} } });
    await waitFor(() => expect(screen.getByText('Completion and previews use the last run of this flow.')).toBeTruthy());
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/flows/flow-1/runs?limit=1', '/api/runs/run-1']);
  });
});

describe('problemField', () => {
  it.each([
    [undefined, 'nodes[2].data.config.cases[0].port: reserved', 'config.cases[0].port'],
    ['nodes[2].data.retry.delayMs', 'too short', 'retry.delayMs'],
    [undefined, "expression in node 'a' config.values.r: division by zero at position 11", 'config.values.r'],
    ['$.source', 'source is empty', 'config.source'],
    [undefined, 'the flow has a cycle', undefined],
  ])('reads %s / %s as %s', (field, message, expected) => {
    expect(problemField(field, message)).toBe(expected);
  });

  it('sorts config, data and general problems', () => {
    expect(sortProblems(['config.url: bad', 'timeoutMs: too long', 'other'])).toEqual({
      config: { url: ['config.url: bad'] },
      data: { timeoutMs: ['timeoutMs: too long'] },
      general: ['other'],
    });
  });
});
