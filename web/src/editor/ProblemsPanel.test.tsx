import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProblemsPanel } from './ProblemsPanel';

describe('ProblemsPanel', () => {
  const problems = [
    { code: 'invalid_config', message: "url must be an absolute URL.", nodeId: 'request-1' },
    { code: 'cycle', message: 'The flow loops.', nodeIds: ['a', 'b'] },
    { code: 'unknown_port', message: "Port 'maybe' does not exist.", edgeId: 'e1' },
  ];

  it('ProblemsPanel_ClickOnAProblem_SelectsTheNodeItNames', async () => {
    const onSelectNode = vi.fn();
    render(<ProblemsPanel problems={problems} onSelectNode={onSelectNode} onDismiss={() => {}} />);

    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('3 problems');
    await userEvent.click(screen.getByRole('button', { name: /request-1/ }));
    await userEvent.click(screen.getByRole('button', { name: /The flow loops/ }));

    expect(onSelectNode.mock.calls).toEqual([['request-1'], ['a']]);
    expect(screen.getByText("Port 'maybe' does not exist.", { exact: false })).toBeTruthy();
  });

  it('ProblemsPanel_Dismiss_CallsOnDismiss', async () => {
    const onDismiss = vi.fn();
    render(<ProblemsPanel problems={problems} onSelectNode={() => {}} onDismiss={onDismiss} />);
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss the problems' }));
    expect(onDismiss).toHaveBeenCalledOnce();
  });
});
