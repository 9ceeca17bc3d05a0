import { ApiError } from '../api/client';
import type { ReactNode } from 'react';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Loads the page again; an object so that tests can watch it (jsdom's location cannot be replaced). */
export const currentPage = { reload: () => window.location.reload() };

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  // The session ended (idle too long, signed out in another tab): trying again cannot help, signing in does. Loading
  // the page again shows the sign-in page and then this one, and an editor with unsaved changes asks first.
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div className="state state-error" role="alert">
        <strong>You are signed out.</strong>
        <span>Your session has ended. Sign in again to carry on where you were.</span>
        <button type="button" onClick={() => currentPage.reload()}>
          Sign in again
        </button>
      </div>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong.</strong>
      <span>{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
