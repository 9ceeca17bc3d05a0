import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpressionPreview } from './ExpressionPreview';
import { previewDelayMs } from './previewExpression';

function respond(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function settle(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

describe('ExpressionPreview', () => {
  it('asks the server once typing pauses, with the last text, the run and the node', async () => {
    const fetchMock = respond(200, { value: { total: 14 }, tooLarge: false, notes: [] });
    vi.stubGlobal('fetch', fetchMock);
    const view = render(<ExpressionPreview text="{{ nodes.a" runId="r1" nodeId="b" />);
    await settle(previewDelayMs / 2);
    view.rerender(<ExpressionPreview text="{{ nodes.a.output }}" runId="r1" nodeId="b" />);
    await settle(previewDelayMs - 1);
    expect(fetchMock).not.toHaveBeenCalled();
    await settle(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/expressions/preview');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ expression: '{{ nodes.a.output }}', runId: 'r1', nodeId: 'b' });
    await settle(0);
    expect(screen.getByTestId('expression-preview-value').textContent).toBe(JSON.stringify({ total: 14 }, null, 2));
  });

  it('shows the position of an expression that cannot be evaluated', async () => {
    vi.stubGlobal('fetch', respond(400, { title: 'The expression cannot be evaluated.', detail: 'expected a name or a value at position 13', position: 13 }));
    render(<ExpressionPreview text="{{ input.a + }}" />);
    await settle(previewDelayMs);
    await settle(0);
    expect(screen.getByText(/expected a name or a value at position 13 \(character 14\)/)).toBeTruthy();
  });

  it('does not ask for text without {{', async () => {
    const fetchMock = respond(200, { value: 'x', notes: [] });
    vi.stubGlobal('fetch', fetchMock);
    const view = render(<ExpressionPreview text="plain text" />);
    await settle(previewDelayMs * 2);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(view.container.textContent).toBe('');
  });
});
