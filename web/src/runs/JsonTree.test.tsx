import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JSON_TREE_PAGE, JsonTree } from './JsonTree';

describe('JsonTree', { timeout: 30_000 }, () => {
  it('opens the top level only and toggles a branch by click', async () => {
    const user = userEvent.setup();
    render(<JsonTree value={{ user: { name: 'Ada' }, ok: true }} label="Output" />);

    const user_ = screen.getByRole('button', { name: /user/ });
    expect(screen.getByText('true')).toBeTruthy();
    expect(user_.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('"Ada"')).toBeNull();

    await user.click(user_);
    expect(user_.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('"Ada"')).toBeTruthy();

    await user.click(user_);
    expect(screen.queryByText('"Ada"')).toBeNull();
  });

  it('is operable from the keyboard: Tab reaches a branch, → opens, ← closes, Enter toggles', async () => {
    const user = userEvent.setup();
    render(<JsonTree value={{ items: [1, 2] }} label="Output" expandDepth={1} />);

    await user.tab();
    await user.tab();
    const items = screen.getByRole('button', { name: /items/ });
    expect(document.activeElement).toBe(items);

    await user.keyboard('{ArrowRight}');
    expect(items.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('2')).toBeTruthy();
    await user.keyboard('{ArrowLeft}');
    expect(items.getAttribute('aria-expanded')).toBe('false');
    await user.keyboard('{Enter}');
    expect(items.getAttribute('aria-expanded')).toBe('true');
  });

  it('draws a large array a page at a time', async () => {
    const user = userEvent.setup();
    const big = Array.from({ length: JSON_TREE_PAGE * 2 + 5 }, (_, i) => `item-${i}`);
    const { container } = render(<JsonTree value={big} label="Output" />);

    expect(container.querySelectorAll('.json-string')).toHaveLength(JSON_TREE_PAGE);
    await user.click(screen.getByRole('button', { name: /Show 100 more of 105 remaining/ }));
    expect(container.querySelectorAll('.json-string')).toHaveLength(JSON_TREE_PAGE * 2);
    await user.click(screen.getByRole('button', { name: /Show 5 more of 5 remaining/ }));
    expect(container.querySelectorAll('.json-string')).toHaveLength(big.length);
    expect(screen.queryByRole('button', { name: /more/ })).toBeNull();
  });
});
