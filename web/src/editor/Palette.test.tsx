import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Palette } from './Palette';
import { paletteMime } from './palette';
import { testTypes } from './testTypes';

describe('Palette', () => {
  it('Palette_Search_ShowsOnlyMatchingTypesUnderTheirCategory', async () => {
    render(<Palette types={testTypes} onAdd={() => {}} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search node types' }), 'if');

    expect(screen.getByRole('button', { name: 'Add If' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add Set Values' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Logic' })).toBeTruthy();
  });

  it('Palette_SearchWithoutMatch_SaysSo', async () => {
    render(<Palette types={testTypes} onAdd={() => {}} />);
    await userEvent.type(screen.getByRole('searchbox'), 'zzz');
    expect(screen.getByText('No node matches')).toBeTruthy();
  });

  it('Palette_EnterOnAnItem_AddsThatType', async () => {
    const onAdd = vi.fn();
    render(<Palette types={testTypes} onAdd={onAdd} />);
    screen.getByRole('button', { name: 'Add HTTP Request' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(onAdd).toHaveBeenCalledWith(expect.objectContaining({ id: 'http.request' }));
  });

  it('Palette_DragStart_PutsTheTypeIdInTheDragData', () => {
    render(<Palette types={testTypes} onAdd={() => {}} />);
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' };
    fireEvent.dragStart(screen.getByRole('button', { name: 'Add If' }), { dataTransfer });
    expect(data.get(paletteMime)).toBe('core.if');
  });
});
