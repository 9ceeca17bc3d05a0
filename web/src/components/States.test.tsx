import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { currentPage, ErrorState } from './States';

afterEach(() => vi.restoreAllMocks());

describe('ErrorState', () => {
  it('ErrorState_SessionEnded_OffersToSignInAgainInsteadOfRetrying', async () => {
    const reload = vi.spyOn(currentPage, 'reload').mockImplementation(() => {});
    const retry = vi.fn();

    render(<ErrorState error={new ApiError(401, null)} onRetry={retry} />);

    expect(screen.getByRole('alert').textContent).toContain('You are signed out.');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(reload).toHaveBeenCalledOnce();
    expect(retry).not.toHaveBeenCalled();
  });

  it('ErrorState_OtherError_ShowsItsMessageAndTryAgain', async () => {
    const retry = vi.fn();

    render(<ErrorState error={new ApiError(500, { title: 'The store is unavailable.' })} onRetry={retry} />);

    expect(screen.getByRole('alert').textContent).toContain('The store is unavailable.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });
});
